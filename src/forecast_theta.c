/* forecast_theta: the forecasting methods that need no state-space search: Theta, Croston/SBA, naive, seasonal naive, moving average, and the decomposition they share. */
#include "ac-config.h"

#include "forecast_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Croston's smoothing constant: R's croston default and the usual choice
 * in the literature on intermittent demand. */
#define CROSTON_ALPHA 0.1

/* The sum of squared one-step errors of SES with this alpha when the
 * initial level is the best one for it. The errors are linear in the
 * initial level (its weight in error t is (1-alpha)^t), so one pass with
 * the level at 0 gives the least-squares level in closed form. */
static double ses_profile(const double *y, int n, double alpha, double *l0)
{
	double l = 0, w = 1, see = 0, sed = 0, sdd = 0;

	for (int t = 0; t < n; t++) {
		double e = y[t] - l;

		see += e * e;
		sed += e * w;
		sdd += w * w;
		l += alpha * e;
		w *= 1 - alpha;
	}
	*l0 = sdd > 0 ? sed / sdd : 0;
	return fmax(see - (sdd > 0 ? sed * sed / sdd : 0), 0);
}

void fc_ses_fit(const double *y, int n, double *alpha, double *level, double *sse, double *fitted)
{
	/* A grid finds the basin (the error curve can have more than one),
	 * golden sections refine it. */
	static const double grid[] = { 1e-4, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
	                               0.6, 0.7, 0.8, 0.9, 0.9999 };
	const int ng = (int)(sizeof grid / sizeof grid[0]);
	double best = INFINITY, l0, lo, hi, a, b, fa, fb, l;
	int bi = 0;

	for (int i = 0; i < ng; i++) {
		double s = ses_profile(y, n, grid[i], &l0);

		if (s < best) {
			best = s;
			bi = i;
		}
	}
	lo = grid[bi > 0 ? bi - 1 : 0];
	hi = grid[bi < ng - 1 ? bi + 1 : ng - 1];
	a = hi - 0.6180339887498949 * (hi - lo);
	b = lo + 0.6180339887498949 * (hi - lo);
	fa = ses_profile(y, n, a, &l0);
	fb = ses_profile(y, n, b, &l0);
	for (int it = 0; it < 30 && hi - lo > 1e-5; it++) {
		if (fa < fb) {
			hi = b;
			b = a;
			fb = fa;
			a = hi - 0.6180339887498949 * (hi - lo);
			fa = ses_profile(y, n, a, &l0);
		} else {
			lo = a;
			a = b;
			fa = fb;
			b = lo + 0.6180339887498949 * (hi - lo);
			fb = ses_profile(y, n, b, &l0);
		}
	}
	a = fa < fb ? a : b;
	if (fmin(fa, fb) > best)
		a = grid[bi];
	ses_profile(y, n, a, &l0);
	/* One honest pass for the level, the fitted values and the SSE. */
	l = l0;
	*sse = 0;
	for (int t = 0; t < n; t++) {
		double e = y[t] - l;

		if (fitted != NULL)
			fitted[t] = l;
		*sse += e * e;
		l += a * e;
	}
	*alpha = a;
	*level = l;
}

bool fc_seasonal_test(const double *y, int n, int m)
{
	double mean = 0, den = 0, sum2 = 0, rm = 0;

	if (m < 2 || n < 2 * m)
		return false;
	for (int t = 0; t < n; t++)
		mean += y[t];
	mean /= n;
	for (int t = 0; t < n; t++)
		den += (y[t] - mean) * (y[t] - mean);
	if (!(den > 1e-12 * (mean * mean + 1) * n))
		return false;
	for (int k = 1; k <= m; k++) {
		double num = 0, r;

		for (int t = k; t < n; t++)
			num += (y[t] - mean) * (y[t - k] - mean);
		r = num / den;
		if (k < m)
			sum2 += r * r;
		else
			rm = r;
	}
	/* The 90% one-sided test of thetaf: |r_m| beyond 1.645 standard
	 * errors under Bartlett's formula. */
	return fabs(rm) > 1.6448536269514722 * sqrt((1 + 2 * sum2) / n);
}

int fc_decompose(const double *y, int n, int m, bool mult, double *idx)
{
	const int half = m / 2;
	double sum = 0, run = 0, cnt[FC_MAXM];

	if (m < 2 || m > FC_MAXM || n < 2 * m)
		return -1;
	for (int p = 0; p < m; p++)
		idx[p] = cnt[p] = 0;
	/* The centred moving average of order m (2 x m when m is even), kept
	 * as a running sum over the window y[t-half .. t+half]. */
	for (int t = 0; t < 2 * half + 1 && t < n; t++)
		run += y[t];
	for (int t = half; t + half < n; t++) {
		double trend;

		if (t > half)
			run += y[t + half] - y[t - half - 1];
		trend = m % 2 ? run / m : (run - 0.5 * (y[t - half] + y[t + half])) / m;
		if (mult) {
			if (!(trend > 0))
				return -1;
			idx[t % m] += y[t] / trend;
		} else {
			idx[t % m] += y[t] - trend;
		}
		cnt[t % m] += 1;
	}
	for (int p = 0; p < m; p++) {
		if (cnt[p] == 0)
			return -1;
		idx[p] /= cnt[p];
		sum += idx[p];
	}
	for (int p = 0; p < m; p++) {
		if (mult) {
			idx[p] *= m / sum;
			if (!(fabs(idx[p]) >= 1e-4) || !isfinite(idx[p]))
				return -1;
		} else {
			idx[p] -= sum / m;
		}
	}
	return 0;
}

bool fc_deseasonalise(const double *y, int n, int m, double *x, double *idx, bool *mult)
{
	bool nonneg = true;

	memcpy(x, y, (size_t)n * sizeof *x);
	*mult = false;
	if (m < 2 || m > FC_MAXM || !fc_seasonal_test(y, n, m))
		return false;
	for (int t = 0; t < n; t++)
		nonneg = nonneg && y[t] >= 0;
	/* thetaf's multiplicative decomposition, which zeros can bear as long
	 * as the trend stays positive; the additive one for the rest. */
	if (nonneg && fc_decompose(y, n, m, true, idx) == 0)
		*mult = true;
	else if (fc_decompose(y, n, m, false, idx) != 0)
		return false;
	for (int t = 0; t < n; t++)
		x[t] = *mult ? y[t] / idx[t % m] : y[t] - idx[t % m];
	return true;
}

int fc_theta(const double *y, int n, int m, struct fc_out *out)
{
	double idx[FC_MAXM], *x, alpha, level, sse, slope = 0, drift, s2;
	bool seasonal, mult;

	if (n < 1)
		return -1;
	x = malloc((size_t)n * sizeof *x);
	if (x == NULL)
		return -1;
	seasonal = fc_deseasonalise(y, n, m, x, idx, &mult);
	fc_ses_fit(x, n, &alpha, &level, &sse, out->fitted);
	if (n >= 2) {
		double st = 0, sx = 0, stt = 0, stx = 0;

		for (int t = 0; t < n; t++) {
			st += t;
			sx += x[t];
			stt += (double)t * t;
			stx += t * x[t];
		}
		slope = (n * stx - st * sx) / (n * stt - st * st);
	}
	free(x);
	/* Half the slope of the linear trend (the theta = 2 line's drift
	 * seen through SES), as thetaf adds it. */
	alpha = fmax(alpha, 1e-10);
	drift = slope / 2 * (1 - pow(1 - alpha, n)) / alpha;
	s2 = n > 2 ? sse / (n - 2) : n > 1 ? sse / n : 0;
	for (int i = 0; i < out->h; i++) {
		double f = level + slope / 2 * i + drift;

		if (seasonal)
			f = mult ? f * idx[(n + i) % m] : f + idx[(n + i) % m];
		out->mean[i] = f;
		/* thetaf's variance: SES's, in the units of the adjusted series. */
		if (out->var != NULL)
			out->var[i] = s2 * (1 + i * alpha * alpha);
	}
	if (out->fitted != NULL && seasonal)
		for (int t = 0; t < n; t++)
			out->fitted[t] = mult ? out->fitted[t] * idx[t % m] : out->fitted[t] + idx[t % m];
	out->alpha = alpha;
	out->beta = out->gamma = out->phi = out->aicc = NAN;
	out->sigma2 = s2;
	snprintf(out->model, sizeof out->model, "Theta%s", seasonal ? " (deseasonalised)" : "");
	return 0;
}

int fc_croston(const double *y, int n, bool sba, struct fc_out *out)
{
	const double a = CROSTON_ALPHA, adj = sba ? 1 - CROSTON_ALPHA / 2 : 1;
	double z = 0, p = 0, f = 0, sse = 0, s2;
	int last = -1, nres = 0, first = -1;

	if (n < 1)
		return -1;
	for (int t = 0; t < n; t++) {
		if (first >= 0) {
			double e = y[t] - f;

			sse += e * e;
			nres++;
		}
		if (out->fitted != NULL)
			out->fitted[t] = f;
		if (y[t] != 0) {
			/* R's croston starts each smoother at its first value. */
			if (first < 0) {
				z = y[t];
				p = t + 1;
				first = t;
			} else {
				z += a * (y[t] - z);
				p += a * ((t - last) - p);
			}
			last = t;
			f = adj * z / p;
		}
	}
	if (out->fitted != NULL && first >= 0)
		for (int t = 0; t <= first; t++)
			out->fitted[t] = f;
	s2 = nres > 0 ? sse / nres : 0;
	for (int i = 0; i < out->h; i++) {
		out->mean[i] = f;
		if (out->var != NULL)
			out->var[i] = s2 * (1 + i * a * a);
	}
	out->alpha = a;
	out->beta = out->gamma = out->phi = out->aicc = NAN;
	out->sigma2 = s2;
	snprintf(out->model, sizeof out->model, "%s", sba ? "SBA" : "Croston");
	return 0;
}

int fc_naive(const double *y, int n, int lag, struct fc_out *out)
{
	double sse = 0, s2;

	if (lag < 1 || n < lag)
		return -1;
	for (int t = lag; t < n; t++)
		sse += (y[t] - y[t - lag]) * (y[t] - y[t - lag]);
	s2 = n > lag ? sse / (n - lag) : 0;
	if (out->fitted != NULL)
		for (int t = 0; t < n; t++)
			out->fitted[t] = t >= lag ? y[t - lag] : y[t];
	/* The error of a random walk grows with each step; a seasonal random
	 * walk's with each whole season ahead. */
	for (int i = 0; i < out->h; i++) {
		out->mean[i] = y[n - lag + i % lag];
		if (out->var != NULL)
			out->var[i] = s2 * (i / lag + 1);
	}
	out->alpha = out->beta = out->gamma = out->phi = out->aicc = NAN;
	out->sigma2 = s2;
	snprintf(out->model, sizeof out->model, "%s", lag == 1 ? "Naive" : "Seasonal naive");
	return 0;
}

int fc_moving_average(const double *y, int n, struct fc_out *out)
{
	const int kmax = n - 1 < 24 ? n - 1 : 24;
	double *cum, best = INFINITY, mean, s2 = 0;
	int k = 1;

	if (n < 1)
		return -1;
	cum = malloc((size_t)(n + 1) * sizeof *cum);
	if (cum == NULL)
		return -1;
	cum[0] = 0;
	for (int t = 0; t < n; t++)
		cum[t + 1] = cum[t] + y[t];
	/* Every window length is judged on the same periods, those the
	 * longest can forecast. */
	for (int w = 1; w <= kmax; w++) {
		double sse = 0;

		for (int t = kmax; t < n; t++) {
			double e = y[t] - (cum[t] - cum[t - w]) / w;

			sse += e * e;
		}
		if (sse < best * (1 - 1e-12)) {
			best = sse;
			k = w;
		}
	}
	if (kmax >= 1)
		s2 = best / (n - kmax);
	if (out->fitted != NULL)
		for (int t = 0; t < n; t++)
			out->fitted[t] = t == 0 ? y[0] : (cum[t] - cum[t > k ? t - k : 0]) / (t > k ? k : t);
	mean = (cum[n] - cum[n - k]) / k;
	free(cum);
	/* Between a stationary series (no growth) and a random walk (one
	 * variance a step): the window's own averaging sets the pace. */
	for (int i = 0; i < out->h; i++) {
		out->mean[i] = mean;
		if (out->var != NULL)
			out->var[i] = s2 * (1 + (double)i / k);
	}
	out->alpha = out->beta = out->gamma = out->phi = out->aicc = NAN;
	out->sigma2 = s2;
	snprintf(out->model, sizeof out->model, "MA(%d)", k);
	return 0;
}
