/* normal: the standard normal distribution's CDF and quantile, for
 * service levels and prediction intervals. */
#ifndef SENTIA_NORMAL_H
#define SENTIA_NORMAL_H

/* P(Z <= x) for a standard normal Z. */
double normal_cdf(double x);
/* The x with normal_cdf(x) = p, for 0 < p < 1 (to about 1e-15); -inf and
 * +inf at 0 and 1, NAN outside [0, 1]. */
double normal_quantile(double p);

#endif
