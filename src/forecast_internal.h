/* forecast_internal: what the files of the forecasting engine share and nothing else includes. */
#ifndef SENTIA_FORECAST_INTERNAL_H
#define SENTIA_FORECAST_INTERNAL_H

#include "forecast.h"

#include <stdbool.h>
#include <stddef.h>

/* The longest seasonal period, as fc_ets_spec.s0 allows. */
#define FC_MAXM 366

/* The normal quantiles of the two interval levels. */
#define FC_Z80 1.2815515655446004
#define FC_Z95 1.9599639845400540

/* The usual bounds of the smoothing parameters, as R's ets uses them. */
#define FC_PAR_LO 1e-4
#define FC_PAR_HI 0.9999
#define FC_PHI_LO 0.8
#define FC_PHI_HI 0.98

/* What one model produces: point forecasts and the variance of each
 * step's forecast error, in the units of the data. fitted (n values) is
 * filled when the caller asks for it; the rest is reported back. */
struct fc_out {
	int h;
	double *mean;      /* h */
	double *var;       /* h, or NULL when the caller wants no intervals */
	double *fitted;    /* n, or NULL */
	double alpha, beta, gamma, phi, sigma2, aicc;
	char model[48];
};

/* A state-space ETS model: its form, its parameters and its initial
 * states, the seasonal ones in R's order (x0[2] the most recent). */
struct fc_ets {
	char error, trend, season; /* 'A'/'M', 'N'/'A', 'N'/'A'/'M' */
	bool damped;
	int m;                     /* 1 when season is 'N' */
	double alpha, beta, gamma, phi;
	double x0[2 + FC_MAXM];    /* l, b, s[0..m-1] */
	double lik;                /* -2 log likelihood up to a constant, as R's ets */
	double aicc, sigma2;
	int np;                    /* estimated parameters, sigma included */
};

/* Nelder-Mead ------------------------------------------------------------ */

/* The function a Nelder-Mead search minimises, over the unit cube. */
typedef double (*fc_objective)(const double *u, void *ctx);

/* Minimises f over [0,1]^d from u (d <= 8), restarting from the best point
 * while a restart still improves it; u gets the minimiser. Returns the
 * minimum; *evals (may be NULL) counts the evaluations. */
double fc_nelder_mead(fc_objective f, void *ctx, double *u, int d, double step,
                      int maxeval, int *evals);

/* Solves the symmetric positive (semi)definite system A x = b (k x k, A
 * row-major, overwritten) by Cholesky with a small ridge; b becomes x.
 * Returns 0, or -1 when the system is hopeless. */
int fc_solve_spd(double *A, double *b, int k);

/* ETS ------------------------------------------------------------------- */

/* Fits the ETS form (error, trend, season, damped) to y[0..n-1] of period
 * m by maximum likelihood: initial states from a heuristic, then Gauss-
 * Newton steps on the states alternating with Nelder-Mead on the smoothing
 * parameters. start (may be NULL) is a fitted model of the same trend and
 * season to start from. Returns 0, or -1 when the form cannot be fitted
 * (too short, values <= 0 for a multiplicative form, no finite fit). */
int fc_ets_fit(const double *y, int n, int m, char error, char trend, char season,
               bool damped, const struct fc_ets *start, struct fc_ets *out);

/* fc_ets_fit in stages, so that a choice among forms can drop those that
 * fall behind before spending the later rounds on them: begin (0, or -1
 * as fc_ets_fit), rounds up to a count (0, or -1 when out of memory),
 * the AICc the likelihood reached so far gives, and end, which finishes
 * the fit into out (0, or -1 as fc_ets_fit). */
struct fc_ets_fitting {
	struct fc_ets mod;
	double lik;        /* the likelihood reached so far */
	int round;         /* rounds done */
	bool from_start;   /* started from a fitted model */
	bool done;         /* no round left, or the last gained too little */
};
int fc_ets_fit_begin(const double *y, int n, int m, char error, char trend, char season,
                     bool damped, const struct fc_ets *start, struct fc_ets_fitting *f);
int fc_ets_fit_rounds(struct fc_ets_fitting *f, const double *y, int n, int upto);
double fc_ets_fit_aicc(const struct fc_ets_fitting *f, int n);
int fc_ets_fit_end(struct fc_ets_fitting *f, const double *y, int n, struct fc_ets *out);

/* The one-step fitted values, point forecasts and forecast-error variances
 * (Hyndman et al. 2008: exact for classes 1 and 2, the approximation for
 * class 3) of a fitted model. Returns 0, or -1 when it cannot be run. */
int fc_ets_forecast(const struct fc_ets *mod, const double *y, int n, struct fc_out *out);

/* "ETS(M,Ad,M)" and the like into buf. */
void fc_ets_name(const struct fc_ets *mod, char *buf, size_t size);

/* Smaller methods -------------------------------------------------------- */

/* Simple exponential smoothing by least squares (alpha by a search, the
 * initial level exactly): alpha, level after y[n-1], sum of squared
 * one-step errors, and the fitted values (may be NULL). n >= 1. */
void fc_ses_fit(const double *y, int n, double *alpha, double *level, double *sse,
                double *fitted);

/* Whether the 90% autocorrelation test at lag m finds seasonality. */
bool fc_seasonal_test(const double *y, int n, int m);

/* Classical decomposition's seasonal indices by position t mod m (the
 * multiplicative ones when mult, else additive). Needs n >= 2m. Returns 0,
 * or -1 when the indices are unusable. */
int fc_decompose(const double *y, int n, int m, bool mult, double *idx);

/* The seasonally adjusted series x of y, when the seasonality test finds
 * seasonality and a classical decomposition (multiplicative for data that
 * are not negative, as thetaf, else additive) succeeds; idx gets the
 * indices by position t mod m and mult their kind. Returns whether it
 * adjusted; x is a copy of y when not. */
bool fc_deseasonalise(const double *y, int n, int m, double *x, double *idx, bool *mult);

/* The Theta method as R's forecast::thetaf. */
int fc_theta(const double *y, int n, int m, struct fc_out *out);

/* Croston's method; sba applies the Syntetos-Boylan correction. */
int fc_croston(const double *y, int n, bool sba, struct fc_out *out);

/* Naive, seasonal naive (lag m) and moving average forecasts. */
int fc_naive(const double *y, int n, int lag, struct fc_out *out);
int fc_moving_average(const double *y, int n, struct fc_out *out);

#endif
