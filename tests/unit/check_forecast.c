/* check_forecast: the forecasting engine against R's forecast package and
 * statsmodels (tests/unit/forecast_fixtures.h, written by
 * tests/forecast-fixtures/generate), hand-computed back-test accuracy, and
 * properties every forecast must have whatever the input. */
#include "ac-config.h"

#include "forecast.h"
#include "forecast_fixtures.h"
#include "suites.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])) - 1) /* less the sentinel */

/* Tolerances. The recursions and the closed-form methods must agree with
 * the reference to rounding; a fitted model only as well as two optimisers
 * of the same likelihood agree. */
#define TOL_EXACT 1e-6      /* relative: fully specified models, naive, snaive, Croston */
#define TOL_MEAN 0.03       /* relative: point forecasts of fitted models */
#define TOL_WIDTH 0.10      /* relative: interval half-widths of fitted models */
#define TOL_AICC 1.0        /* the engine's AICc may exceed R's by this much */
#define SAME_OPTIMUM 2.0    /* AICcs this close: the same optimum, forecasts comparable */

/* One call of fc_forecast with arrays of exactly the horizon, so that the
 * sanitizers see a write past them. */
struct call {
	double *mean, *lo80, *hi80, *lo95, *hi95;
	struct fc_result r;
	enum fc_status status;
	char err[256];
};

static void call_free(struct call *c)
{
	free(c->mean);
	free(c->lo80);
	free(c->hi80);
	free(c->lo95);
	free(c->hi95);
	memset(c, 0, sizeof *c);
}

/* Forecasts y with the options given into c (arrays of max(h, 1)). */
static enum fc_status forecast(const double *y, size_t n, const struct fc_options *o, struct call *c)
{
	size_t h = o->horizon > 0 ? (size_t)o->horizon : 1;

	memset(c, 0, sizeof *c);
	c->mean = malloc(h * sizeof(double));
	c->lo80 = malloc(h * sizeof(double));
	c->hi80 = malloc(h * sizeof(double));
	c->lo95 = malloc(h * sizeof(double));
	c->hi95 = malloc(h * sizeof(double));
	ck_assert(c->mean && c->lo80 && c->hi80 && c->lo95 && c->hi95);
	c->r.mean = c->mean;
	c->r.lo80 = c->lo80;
	c->r.hi80 = c->hi80;
	c->r.lo95 = c->lo95;
	c->r.hi95 = c->hi95;
	c->status = fc_forecast(y, n, o, &c->r, c->err, sizeof c->err);
	return c->status;
}

/* Shorthand: method, period, horizon; no clamp, no back-test. */
static enum fc_status forecast_simple(const double *y, size_t n, enum fc_method m, int period, int h,
                                      struct call *c)
{
	struct fc_options o = {.method = m, .period = period, .horizon = h};

	return forecast(y, n, &o, c);
}

/* Whether got is within rel of want (relative to |want|, or absolutely
 * when want is 0). */
static bool near(double got, double want, double rel)
{
	return fabs(got - want) <= rel * (want != 0 ? fabs(want) : 1);
}

/* Checks every array of a successful call: finite, intervals nested around
 * the mean, and at or above 0 when the call clamped. */
static void assert_well_formed(const struct call *c, int h, bool nonnegative, const char *what)
{
	ck_assert_msg(c->status == FC_OK, "%s: status %d (%s)", what, c->status, c->err);
	ck_assert_msg(c->r.method > FC_AUTO && c->r.method < FC_METHOD__MAX, "%s: method %d", what, c->r.method);
	ck_assert_msg(c->r.model[0] != '\0', "%s: no model name", what);
	ck_assert_msg(memchr(c->r.model, '\0', sizeof c->r.model) != NULL, "%s: model name not terminated", what);
	ck_assert_msg(isfinite(c->r.sigma2) && c->r.sigma2 >= 0, "%s: sigma2 %g", what, c->r.sigma2);
	for (int k = 0; k < h; k++) {
		double v[5] = {c->lo95[k], c->lo80[k], c->mean[k], c->hi80[k], c->hi95[k]};

		for (int j = 0; j < 5; j++) {
			ck_assert_msg(isfinite(v[j]), "%s: step %d: value %d is %g", what, k + 1, j, v[j]);
			if (nonnegative)
				ck_assert_msg(v[j] >= 0, "%s: step %d: value %d is %g < 0", what, k + 1, j, v[j]);
		}
		for (int j = 0; j < 4; j++)
			ck_assert_msg(v[j] <= v[j + 1], "%s: step %d: lo95 %g lo80 %g mean %g hi80 %g hi95 %g out of order",
			              what, k + 1, v[0], v[1], v[2], v[3], v[4]);
	}
}

/* 1. Fully specified ETS models ------------------------------------------- */

/* Runs a fixture's model and compares fitted values and point forecasts. */
static void check_ets_case(const struct fx_ets *x)
{
	struct fc_ets_spec spec;
	double *fitted = malloc(x->n * sizeof(double));
	double *mean = malloc((size_t)x->h * sizeof(double));
	double *mean2 = malloc((size_t)x->h * sizeof(double));

	ck_assert(fitted && mean && mean2);
	memset(&spec, 0, sizeof spec);
	spec.error = x->error;
	spec.trend = x->trend;
	spec.season = x->season;
	spec.damped = x->damped;
	spec.period = x->period;
	spec.alpha = x->alpha;
	spec.beta = x->beta;
	spec.gamma = x->gamma;
	spec.phi = x->phi;
	spec.l0 = x->l0;
	spec.b0 = x->b0;
	for (size_t i = 0; i < x->ns0; i++)
		spec.s0[i] = x->s0[i];
	ck_assert_int_eq(fc_ets_run(&spec, x->y, x->n, x->h, mean, fitted), 0);
	for (size_t i = 0; i < x->n; i++)
		ck_assert_msg(near(fitted[i], x->fitted[i], TOL_EXACT), "%s: fitted[%zu] = %.10g, reference %.10g",
		              x->name, i, fitted[i], x->fitted[i]);
	for (int k = 0; k < x->h; k++)
		ck_assert_msg(near(mean[k], x->mean[k], TOL_EXACT), "%s: forecast step %d = %.10g, reference %.10g",
		              x->name, k + 1, mean[k], x->mean[k]);
	/* fitted may be NULL, and the forecasts do not depend on asking for it. */
	ck_assert_int_eq(fc_ets_run(&spec, x->y, x->n, x->h, mean2, NULL), 0);
	ck_assert_msg(memcmp(mean, mean2, (size_t)x->h * sizeof(double)) == 0, "%s: forecasts differ without fitted",
	              x->name);
	free(fitted);
	free(mean);
	free(mean2);
}

START_TEST(test_ets_pinned)
{
	check_ets_case(&fx_ets_cases[_i]);
}
END_TEST

START_TEST(test_ets_pinned_weekly)
{
	check_ets_case(&fx_ets52);
}
END_TEST

/* A multiplicative model cannot run over a value <= 0; an additive one can. */
START_TEST(test_ets_run_refuses_nonpositive)
{
	const struct fx_ets *x = NULL;
	struct fc_ets_spec spec;
	double y[144], mean[4], fitted[144];

	for (int i = 0; i < NCASES(fx_ets_cases); i++)
		if (strncmp(fx_ets_cases[i].name, "mam_airpassengers", 17) == 0)
			x = &fx_ets_cases[i];
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->n, 144);
	memset(&spec, 0, sizeof spec);
	spec.error = 'M';
	spec.trend = 'A';
	spec.season = 'M';
	spec.period = 12;
	spec.alpha = x->alpha;
	spec.beta = x->beta;
	spec.gamma = x->gamma;
	spec.phi = 1;
	spec.l0 = x->l0;
	spec.b0 = x->b0;
	for (int i = 0; i < 12; i++)
		spec.s0[i] = x->s0[i];
	memcpy(y, x->y, sizeof y);
	ck_assert_int_eq(fc_ets_run(&spec, y, 144, 4, mean, fitted), 0);
	y[70] = 0;
	ck_assert_int_eq(fc_ets_run(&spec, y, 144, 4, mean, fitted), -1);
	y[70] = -5;
	ck_assert_int_eq(fc_ets_run(&spec, y, 144, 4, mean, NULL), -1);
	/* The same data with additive errors and season: runs. */
	spec.error = 'A';
	spec.season = 'A';
	for (int i = 0; i < 12; i++)
		spec.s0[i] = 0;
	ck_assert_int_eq(fc_ets_run(&spec, y, 144, 4, mean, fitted), 0);
	for (int k = 0; k < 4; k++)
		ck_assert(isfinite(mean[k]));
}
END_TEST

/* 2-4. Forecasts against R ------------------------------------------------ */

/* Checks one of R's interval bounds: relative to R's when exact, else the
 * half-width (distance from the mean) relative to R's half-width. */
static void check_bound(const struct fx_fc *x, const char *which, int k, double got, double want, double got_mean,
                        bool exact)
{
	if (exact)
		ck_assert_msg(near(got, want, TOL_EXACT), "%s: %s step %d = %.10g, R %.10g", x->name, which, k + 1, got,
		              want);
	else
		ck_assert_msg(near(got - got_mean, want - x->mean[k], TOL_WIDTH),
		              "%s: %s step %d: half-width %.6g (bound %.6g), R %.6g (bound %.6g)", x->name, which, k + 1,
		              got - got_mean, got, want - x->mean[k], want);
}

/* Compares a call's point forecasts and intervals with R's, exactly or
 * within the tolerances of a fitted model. */
static void compare_forecasts(const struct fx_fc *x, const struct call *c, bool exact)
{
	for (int k = 0; k < x->h; k++) {
		double tol = exact ? TOL_EXACT : TOL_MEAN;

		ck_assert_msg(near(c->mean[k], x->mean[k], tol), "%s: forecast step %d = %.10g, R %.10g (%+.2f%%)",
		              x->name, k + 1, c->mean[k], x->mean[k], 100 * (c->mean[k] - x->mean[k]) / x->mean[k]);
	}
	if (!isnan(x->lo80[0]))
		for (int k = 0; k < x->h; k++) {
			check_bound(x, "lo80", k, c->lo80[k], x->lo80[k], c->mean[k], exact);
			check_bound(x, "hi80", k, c->hi80[k], x->hi80[k], c->mean[k], exact);
			check_bound(x, "lo95", k, c->lo95[k], x->lo95[k], c->mean[k], exact);
			check_bound(x, "hi95", k, c->hi95[k], x->hi95[k], c->mean[k], exact);
		}
}

/* Forecasts a fixture's series with its method into c, checks the result
 * is well formed and of the method asked for. */
static void forecast_case(const struct fx_fc *x, struct call *c)
{
	int m = fc_method_parse(x->method);

	ck_assert_msg(m > FC_AUTO, "%s: unknown method %s", x->name, x->method);
	forecast_simple(x->y, x->n, (enum fc_method)m, x->period, x->h, c);
	assert_well_formed(c, x->h, false, x->name);
	ck_assert_int_eq(c->r.method, m);
}

/* Forecasts a fixture's series with its method and compares with R. */
static void check_fc_case(const struct fx_fc *x, bool exact)
{
	struct call c;

	forecast_case(x, &c);
	compare_forecasts(x, &c, exact);
	call_free(&c);
}

/* The fixtures of one method, by index among them. */
static const struct fx_fc *fc_case(const char *method, int i)
{
	for (int j = 0; j < NCASES(fx_fc_cases); j++)
		if (strcmp(fx_fc_cases[j].method, method) == 0 && i-- == 0)
			return &fx_fc_cases[j];
	return NULL;
}

static int fc_count(const char *method)
{
	int n = 0;

	while (fc_case(method, n) != NULL)
		n++;
	return n;
}

/* Naive: the last value, intervals sigma sqrt(h) with sigma^2 the mean
 * squared one-step change (R's naive()). */
/* The exact methods also report R's sigma2. */
static void check_exact_case(const struct fx_fc *x)
{
	struct call c;

	forecast_case(x, &c);
	compare_forecasts(x, &c, true);
	ck_assert_msg(near(c.r.sigma2, x->sigma2, TOL_EXACT), "%s: sigma2 %.10g, R %.10g", x->name, c.r.sigma2, x->sigma2);
	call_free(&c);
}

START_TEST(test_naive_vs_r)
{
	check_exact_case(fc_case("naive", _i));
}
END_TEST

/* Seasonal naive: the value one season back, intervals sigma sqrt(floor((h
 * - 1) / m) + 1) (R's snaive()). */
START_TEST(test_snaive_vs_r)
{
	check_exact_case(fc_case("snaive", _i));
}
END_TEST

static const char *const ets_methods[] = {
	"ses", "holt", "damped", "hw_additive", "hw_additive_damped", "hw_multiplicative", "hw_multiplicative_damped",
};

/* The i-th fixture of any ETS method. */
static const struct fx_fc *ets_case(int i)
{
	for (size_t j = 0; j < sizeof ets_methods / sizeof ets_methods[0]; j++) {
		int n = fc_count(ets_methods[j]);

		if (i < n)
			return fc_case(ets_methods[j], i);
		i -= n;
	}
	return NULL;
}

static int ets_count(void)
{
	int n = 0;

	for (size_t j = 0; j < sizeof ets_methods / sizeof ets_methods[0]; j++)
		n += fc_count(ets_methods[j]);
	return n;
}

/* The ETS methods against R's ets() with the same model. The engine's
 * AICc is R's (-2 log L without the Gaussian constant, the initial states
 * counted as parameters; the pinned recursions and ses_nile's equal AICc
 * show it), so the fits can be ranked: the engine's must be about as good
 * as R's or better. Where the two AICcs agree the optimisers found the same
 * optimum and the forecasts must agree within TOL_MEAN and TOL_WIDTH; where
 * the engine's is lower by more than SAME_OPTIMUM it found a better one (R's
 * Nelder-Mead stops early on some series) and its forecasts need only lie
 * within R's 95% interval. */
START_TEST(test_ets_methods_vs_r)
{
	const struct fx_fc *x = ets_case(_i);
	struct call c;

	ck_assert_ptr_nonnull(x);
	forecast_case(x, &c);
	ck_assert_msg(strcmp(c.r.model, x->model) == 0, "%s: model %s, R %s", x->name, c.r.model, x->model);
	ck_assert_msg(c.r.aicc <= x->aicc + TOL_AICC,
	              "%s: AICc %.4f, R %.4f (alpha %g beta %g gamma %g phi %g; R %g %g %g %g)", x->name, c.r.aicc,
	              x->aicc, c.r.alpha, c.r.beta, c.r.gamma, c.r.phi, x->alpha, x->beta, x->gamma, x->phi);
	for (int k = 0; k < x->h; k++)
		ck_assert_msg(c.mean[k] >= x->lo95[k] && c.mean[k] <= x->hi95[k],
		              "%s: forecast step %d = %.10g outside R's 95%% interval %.10g .. %.10g", x->name, k + 1,
		              c.mean[k], x->lo95[k], x->hi95[k]);
	if (fabs(c.r.aicc - x->aicc) <= SAME_OPTIMUM)
		compare_forecasts(x, &c, false);
	/* The parameters the model has are reported, the others are NAN. */
	ck_assert(isfinite(c.r.alpha) && c.r.alpha > 0 && c.r.alpha < 1);
	ck_assert(isnan(x->beta) ? isnan(c.r.beta) : isfinite(c.r.beta));
	ck_assert(isnan(x->gamma) ? isnan(c.r.gamma) : isfinite(c.r.gamma));
	ck_assert(isnan(x->phi) ? isnan(c.r.phi) : (c.r.phi > 0 && c.r.phi < 1));
	call_free(&c);
}
END_TEST

/* Theta against R's thetaf(): SES with drift, deseasonalised when the
 * seasonality test says so; intervals from the SES variance. */
START_TEST(test_theta_vs_r)
{
	const struct fx_fc *x = fc_case("theta", _i);
	struct call c;

	check_fc_case(x, false);
	forecast_simple(x->y, x->n, FC_THETA, x->period, x->h, &c);
	ck_assert_msg(near(c.r.alpha, x->alpha, 0.1), "%s: alpha %g, R %g", x->name, c.r.alpha, x->alpha);
	call_free(&c);
}
END_TEST

/* Croston against R's croston(alpha = 0.1). */
START_TEST(test_croston_vs_r)
{
	check_fc_case(fc_case("croston", _i), true);
}
END_TEST

/* SBA is Croston's forecast times 1 - alpha/2. */
START_TEST(test_sba_is_scaled_croston)
{
	const struct fx_fc *x = fc_case("croston", 0);
	struct call c, s;

	forecast_simple(x->y, x->n, FC_CROSTON, 1, 6, &c);
	forecast_simple(x->y, x->n, FC_SBA, 1, 6, &s);
	assert_well_formed(&c, 6, false, "croston");
	assert_well_formed(&s, 6, false, "sba");
	ck_assert_int_eq(s.r.method, FC_SBA);
	ck_assert(isfinite(c.r.alpha) && c.r.alpha > 0 && c.r.alpha < 1);
	ck_assert_msg(s.r.alpha == c.r.alpha, "alpha: croston %g, sba %g", c.r.alpha, s.r.alpha);
	for (int k = 0; k < 6; k++) {
		ck_assert(c.mean[k] > 0);
		ck_assert_msg(near(s.mean[k], (1 - c.r.alpha / 2) * c.mean[k], TOL_EXACT), "step %d: sba %.10g, croston %.10g",
		              k + 1, s.mean[k], c.mean[k]);
	}
	call_free(&c);
	call_free(&s);
}
END_TEST

/* 5. Automatic choice -------------------------------------------------------- */

/* FC_AUTO against the combination it documents, rebuilt in R: the mean of
 * ets()'s choice, thetaf() and a damped trend on seasonally adjusted data.
 * The engine may pick another ETS form than R where its fit is better (the
 * message names both). */
START_TEST(test_auto_vs_r)
{
	const struct fx_auto *x = &fx_auto_cases[_i];
	struct call c;

	forecast_simple(x->y, x->n, FC_AUTO, x->period, x->h, &c);
	assert_well_formed(&c, x->h, false, x->series);
	for (int k = 0; k < x->h; k++)
		ck_assert_msg(near(c.mean[k], x->mean[k], TOL_MEAN),
		              "%s: forecast step %d = %.10g, R %.10g (%+.2f%%); engine: %s, R's ets(): %s", x->series, k + 1,
		              c.mean[k], x->mean[k], 100 * (c.mean[k] - x->mean[k]) / x->mean[k], c.r.model, x->model);
	call_free(&c);
}
END_TEST

/* The combination is an equal-weight mean: on WWWusage (no season; the
 * ETS choice is the damped trend, as R's) it is (2 damped + theta) / 3. */
START_TEST(test_auto_is_the_mean_of_its_parts)
{
	struct call a, d, t;

	forecast_simple(fx_y_wwwusage, 100, FC_AUTO, 1, 10, &a);
	forecast_simple(fx_y_wwwusage, 100, FC_DAMPED, 1, 10, &d);
	forecast_simple(fx_y_wwwusage, 100, FC_THETA, 1, 10, &t);
	assert_well_formed(&a, 10, false, "auto");
	assert_well_formed(&d, 10, false, "damped");
	assert_well_formed(&t, 10, false, "theta");
	ck_assert_msg(strstr(a.r.model, "ETS(A,Ad,N)") != NULL, "auto chose %s", a.r.model);
	for (int k = 0; k < 10; k++)
		ck_assert_msg(near(a.mean[k], (2 * d.mean[k] + t.mean[k]) / 3, 1e-9), "step %d: auto %.12g, damped %.12g, theta %.12g",
		              k + 1, a.mean[k], d.mean[k], t.mean[k]);
	call_free(&a);
	call_free(&d);
	call_free(&t);
}
END_TEST

/* Intermittent demand gets SBA; a constant series the naive forecast. */
START_TEST(test_auto_special_series)
{
	const struct fx_fc *x = fc_case("croston", 0);
	double flat[20];
	struct call a, s;

	forecast_simple(x->y, x->n, FC_AUTO, 1, 6, &a);
	forecast_simple(x->y, x->n, FC_SBA, 1, 6, &s);
	assert_well_formed(&a, 6, false, "auto, intermittent");
	ck_assert_int_eq(a.r.method, FC_SBA);
	ck_assert(memcmp(a.mean, s.mean, 6 * sizeof(double)) == 0);
	call_free(&a);
	call_free(&s);
	for (int i = 0; i < 20; i++)
		flat[i] = 3;
	forecast_simple(flat, 20, FC_AUTO, 4, 6, &a);
	assert_well_formed(&a, 6, false, "auto, constant");
	ck_assert_int_eq(a.r.method, FC_NAIVE);
	call_free(&a);
}
END_TEST

/* Moving average: the forecast is flat and is the mean of the last k values
 * for some k. */
START_TEST(test_moving_average_is_a_trailing_mean)
{
	const struct fx_fc *x = fc_case("naive", 0); /* the random walk */
	struct call c;
	bool found = false;
	double sum = 0;

	forecast_simple(x->y, x->n, FC_MOVING_AVERAGE, 1, 5, &c);
	assert_well_formed(&c, 5, false, "moving average");
	ck_assert_int_eq(c.r.method, FC_MOVING_AVERAGE);
	for (int k = 1; k < 5; k++)
		ck_assert(c.mean[k] == c.mean[0]);
	for (size_t k = 1; k <= x->n && !found; k++) {
		sum += x->y[x->n - k];
		found = near(c.mean[0], sum / (double)k, 1e-9);
	}
	ck_assert_msg(found, "forecast %.10g is no trailing mean", c.mean[0]);
	call_free(&c);
}
END_TEST

/* 6. Back-test accuracy ---------------------------------------------------- */

/* The engine's back-test (forecast.c): origins T = n-1, n-2, ..., n-k,
 * the method refitted on y[0..T-1] at each and forecasting min(h, n-T)
 * steps; every error pooled; MASE scaled by the in-sample (seasonal) naive
 * MAE of the whole series; MAPE NAN when an actual is 0. */
static struct fc_accuracy backtest(const double *y, size_t n, enum fc_method m, int period, int h, int origins)
{
	struct fc_options o = {.method = m, .period = period, .horizon = h, .backtest_origins = origins};
	struct fc_accuracy a;
	struct call c;

	forecast(y, n, &o, &c);
	assert_well_formed(&c, h, false, "back-test");
	a = c.r.accuracy;
	call_free(&c);
	return a;
}

START_TEST(test_backtest_naive_by_hand)
{
	/* Naive on 10 12 11 15 14 18, horizon 3, three origins:
	 *   T=5 (last 14):           18-14=4
	 *   T=4 (last 15):           14-15=-1, 18-15=3
	 *   T=3 (last 11):           15-11=4, 14-11=3, 18-11=7
	 * |e| = 4 1 3 4 3 7 (sum 22), e^2 sum 16+1+9+16+9+49 = 100, six terms.
	 * MAE 22/6; RMSE sqrt(100/6);
	 * MAPE 100/6 (4/18 + 1/14 + 3/18 + 4/15 + 3/14 + 7/18);
	 * sMAPE 200/6 (4/32 + 1/29 + 3/33 + 4/26 + 3/25 + 7/29);
	 * MASE: the one-step changes 2 1 4 1 4 average 12/5, so (22/6)/(12/5). */
	static const double y[] = {10, 12, 11, 15, 14, 18};
	struct fc_accuracy a = backtest(y, 6, FC_NAIVE, 1, 3, 3);

	ck_assert_int_eq(a.origins, 3);
	ck_assert_msg(near(a.mae, 22.0 / 6, 1e-12), "MAE %.15g", a.mae);
	ck_assert_msg(near(a.rmse, sqrt(100.0 / 6), 1e-12), "RMSE %.15g", a.rmse);
	ck_assert_msg(near(a.mape, 100.0 / 6 * (4.0 / 18 + 1.0 / 14 + 3.0 / 18 + 4.0 / 15 + 3.0 / 14 + 7.0 / 18), 1e-12),
	              "MAPE %.15g", a.mape);
	ck_assert_msg(near(a.smape, 200.0 / 6 * (4.0 / 32 + 1.0 / 29 + 3.0 / 33 + 4.0 / 26 + 3.0 / 25 + 7.0 / 29), 1e-12),
	              "sMAPE %.15g", a.smape);
	ck_assert_msg(near(a.mase, (22.0 / 6) / (12.0 / 5), 1e-12), "MASE %.15g", a.mase);
}
END_TEST

START_TEST(test_backtest_zero_actual)
{
	/* Naive on 2 6 4 0 3 5, horizon 2, three origins:
	 *   T=5 (last 3): 5-3=2
	 *   T=4 (last 0): 3-0=3, 5-0=5
	 *   T=3 (last 4): 0-4=-4, 3-4=-1
	 * |e| = 2 3 5 4 1 (sum 15), e^2 sum 4+9+25+16+1 = 55, five terms.
	 * MAE 3; RMSE sqrt(11); MAPE undefined (an actual is 0);
	 * sMAPE 200/5 (2/8 + 3/3 + 5/5 + 4/4 + 1/7);
	 * MASE: the changes 4 2 4 3 2 average 3, so 3/3 = 1. */
	static const double y[] = {2, 6, 4, 0, 3, 5};
	struct fc_accuracy a = backtest(y, 6, FC_NAIVE, 1, 2, 3);

	ck_assert_int_eq(a.origins, 3);
	ck_assert_msg(near(a.mae, 3, 1e-12), "MAE %.15g", a.mae);
	ck_assert_msg(near(a.rmse, sqrt(11), 1e-12), "RMSE %.15g", a.rmse);
	ck_assert_msg(isnan(a.mape), "MAPE %.15g", a.mape);
	ck_assert_msg(near(a.smape, 200.0 / 5 * (2.0 / 8 + 1 + 1 + 1 + 1.0 / 7), 1e-12), "sMAPE %.15g", a.smape);
	ck_assert_msg(near(a.mase, 1, 1e-12), "MASE %.15g", a.mase);
}
END_TEST

START_TEST(test_backtest_seasonal_naive_by_hand)
{
	/* Seasonal naive, period 2, on 1 5 2 6 4 8 3, horizon 2, two origins:
	 *   T=6 (y[0..5], season ago of t=6 is y[4]=4): 3-4=-1
	 *   T=5 (y[0..4]; t=5 from y[3]=6, t=6 from y[4]=4): 8-6=2, 3-4=-1
	 * |e| = 1 2 1 (sum 4), e^2 sum 6, three terms.
	 * MAE 4/3; RMSE sqrt(2); MAPE 100/3 (1/3 + 2/8 + 1/3);
	 * sMAPE 200/3 (1/7 + 2/14 + 1/7);
	 * MASE: the lag-2 changes 1 1 2 2 1 average 7/5, so (4/3)/(7/5). */
	static const double y[] = {1, 5, 2, 6, 4, 8, 3};
	struct fc_accuracy a = backtest(y, 7, FC_SNAIVE, 2, 2, 2);

	ck_assert_int_eq(a.origins, 2);
	ck_assert_msg(near(a.mae, 4.0 / 3, 1e-12), "MAE %.15g", a.mae);
	ck_assert_msg(near(a.rmse, sqrt(2), 1e-12), "RMSE %.15g", a.rmse);
	ck_assert_msg(near(a.mape, 100.0 / 3 * (1.0 / 3 + 2.0 / 8 + 1.0 / 3), 1e-12), "MAPE %.15g", a.mape);
	ck_assert_msg(near(a.smape, 200.0 / 3 * (1.0 / 7 + 2.0 / 14 + 1.0 / 7), 1e-12), "sMAPE %.15g", a.smape);
	ck_assert_msg(near(a.mase, (4.0 / 3) / (7.0 / 5), 1e-12), "MASE %.15g", a.mase);
}
END_TEST

/* More origins than the history allows: as many as there are; none asked:
 * no accuracy; a constant history: MASE undefined. */
START_TEST(test_backtest_limits)
{
	static const double y[] = {10, 12, 11, 15, 14, 18};
	static const double flat[] = {4, 4, 4, 4, 4, 4};
	struct fc_accuracy a = backtest(y, 6, FC_NAIVE, 1, 3, 50);

	ck_assert_int_eq(a.origins, 5);
	ck_assert(isfinite(a.mae) && a.mae > 0);
	a = backtest(y, 6, FC_NAIVE, 1, 3, 0);
	ck_assert_int_eq(a.origins, 0);
	ck_assert(isnan(a.mae) && isnan(a.rmse) && isnan(a.mape) && isnan(a.smape) && isnan(a.mase));
	a = backtest(flat, 6, FC_NAIVE, 1, 2, 3);
	ck_assert_int_eq(a.origins, 3);
	ck_assert_double_eq(a.mae, 0);
	ck_assert_double_eq(a.smape, 0);
	ck_assert(isnan(a.mase));
}
END_TEST

/* 7. Robustness ------------------------------------------------------------ */

/* Forecasts y with every method at the given period and horizon, clamped
 * or not, and checks each result that is not refused; a refusal must be
 * FC_TOO_SHORT or FC_BAD_INPUT with a message. Returns how many methods
 * gave FC_OK (FC_AUTO and FC_NAIVE must). */
static int every_method(const double *y, size_t n, int period, int h, bool nonnegative, const char *what)
{
	int ok = 0;

	for (int m = 0; m < FC_METHOD__MAX; m++) {
		struct fc_options o = {.method = (enum fc_method)m, .period = period, .horizon = h,
		                       .nonnegative = nonnegative, .backtest_origins = 3};
		struct call c;
		char label[160];

		snprintf(label, sizeof label, "%s, %s, period %d, horizon %d%s", what, fc_method_name((enum fc_method)m),
		         period, h, nonnegative ? ", nonnegative" : "");
		forecast(y, n, &o, &c);
		if (c.status == FC_OK) {
			assert_well_formed(&c, h, nonnegative, label);
			/* (Seasonal naive of period 1 is naive; test_methods_report_themselves
			 * asks what it should report.) */
			if (m != FC_AUTO && !(m == FC_SNAIVE && period == 1))
				ck_assert_msg(c.r.method == (enum fc_method)m, "%s: method %d", label, c.r.method);
			ck_assert_msg(c.r.accuracy.origins >= 0 && c.r.accuracy.origins <= 3, "%s: %d origins", label,
			              c.r.accuracy.origins);
			ok++;
		} else {
			ck_assert_msg(c.status == FC_TOO_SHORT || c.status == FC_BAD_INPUT, "%s: status %d", label, c.status);
			ck_assert_msg(c.err[0] != '\0', "%s: status %d without a message", label, c.status);
			ck_assert_msg(m != FC_AUTO && m != FC_NAIVE, "%s: refused (%s)", label, c.err);
		}
		call_free(&c);
	}
	return ok;
}

START_TEST(test_short_series)
{
	static const double y[] = {12, 15, 11};
	static const int periods[] = {1, 4, 7, 12, 52};

	for (size_t n = 1; n <= 3; n++)
		for (size_t p = 0; p < sizeof periods / sizeof periods[0]; p++) {
			every_method(y, n, periods[p], 6, false, "short");
			every_method(y, n, periods[p], 6, true, "short");
		}
}
END_TEST

/* A constant series is forecast as itself by every method that smooths
 * levels (not SBA, which scales it down). */
START_TEST(test_constant_series)
{
	double y[40];

	for (int i = 0; i < 40; i++)
		y[i] = 7.5;
	ck_assert_int_ge(every_method(y, 40, 1, 12, false, "constant"), 10);
	every_method(y, 40, 4, 12, true, "constant");
	for (int m = 0; m < FC_METHOD__MAX; m++) {
		struct call c;

		if (m == FC_SBA)
			continue;
		if (forecast_simple(y, 40, (enum fc_method)m, 4, 12, &c) == FC_OK)
			for (int k = 0; k < 12; k++)
				ck_assert_msg(near(c.mean[k], 7.5, 1e-6), "%s: step %d: %.10g", fc_method_name((enum fc_method)m),
				              k + 1, c.mean[k]);
		call_free(&c);
	}
}
END_TEST

START_TEST(test_all_zeros)
{
	double y[30] = {0};
	static const enum fc_method zero[] = {FC_AUTO, FC_NAIVE, FC_SNAIVE, FC_MOVING_AVERAGE, FC_SES, FC_CROSTON, FC_SBA};

	every_method(y, 30, 1, 8, false, "zeros");
	every_method(y, 30, 7, 8, true, "zeros");
	for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++) {
		struct call c;

		if (forecast_simple(y, 30, zero[i], 7, 8, &c) == FC_OK)
			for (int k = 0; k < 8; k++)
				ck_assert_msg(fabs(c.mean[k]) < 1e-9, "%s: step %d: %g", fc_method_name(zero[i]), k + 1, c.mean[k]);
		else
			ck_assert_msg(zero[i] != FC_AUTO && zero[i] != FC_NAIVE && zero[i] != FC_CROSTON, "%s refused zeros: %s",
			              fc_method_name(zero[i]), c.err);
		call_free(&c);
	}
}
END_TEST

START_TEST(test_intermittent_every_method)
{
	const struct fx_fc *x = fc_case("croston", 0);

	ck_assert_int_ge(every_method(x->y, x->n, 1, 10, false, "intermittent"), 3);
	every_method(x->y, x->n, 1, 10, true, "intermittent");
	every_method(x->y, x->n, 12, 10, true, "intermittent");
}
END_TEST

/* Missing periods, in the middle and leading. */
START_TEST(test_missing_values)
{
	double y[144];

	memcpy(y, fx_y_airpassengers, sizeof y);
	y[60] = NAN;
	y[61] = NAN;
	y[100] = NAN;
	ck_assert_int_eq(every_method(y, 144, 12, 24, false, "gaps"), FC_METHOD__MAX);
	y[0] = y[1] = y[2] = NAN;
	ck_assert_int_eq(every_method(y, 144, 12, 24, true, "leading gaps"), FC_METHOD__MAX);
}
END_TEST

/* Horizons 1 and 365, every period the engine is used with. */
START_TEST(test_horizons_and_periods)
{
	static const int periods[] = {1, 4, 7, 12, 52};

	for (size_t p = 0; p < sizeof periods / sizeof periods[0]; p++) {
		every_method(fx_y_weekly, 156, periods[p], 1, false, "weekly");
		every_method(fx_y_weekly, 156, periods[p], 365, true, "weekly");
	}
	every_method(fx_y_airpassengers, 144, 12, 365, false, "airpassengers");
	every_method(fx_y_demand, 48, 12, FC_MAX_HORIZON, true, "demand");
}
END_TEST

/* The clamp: a falling series' forecasts and bounds stop at 0. */
START_TEST(test_nonnegative_clamp)
{
	double y[30];
	struct fc_options o = {.method = FC_HOLT, .period = 1, .horizon = 40, .nonnegative = true};
	struct call c;
	bool clamped = false;

	for (int i = 0; i < 30; i++)
		y[i] = 100 - 3.0 * i + (i % 3);
	forecast(y, 30, &o, &c);
	assert_well_formed(&c, 40, true, "falling, clamped");
	for (int k = 0; k < 40; k++)
		clamped |= c.mean[k] == 0;
	ck_assert_msg(clamped, "a falling trend never reached 0");
	call_free(&c);
	o.nonnegative = false;
	forecast(y, 30, &o, &c);
	assert_well_formed(&c, 40, false, "falling");
	ck_assert_double_lt(c.mean[39], 0);
	call_free(&c);
}
END_TEST

/* A refusal: the status, and a message. */
static void expect_refusal(const double *y, size_t n, const struct fc_options *o, enum fc_status want, const char *what)
{
	struct call c;

	forecast(y, n, o, &c);
	ck_assert_msg(c.status == want, "%s: status %d, want %d", what, c.status, want);
	ck_assert_msg(c.err[0] != '\0', "%s: no message", what);
	ck_assert_msg(strlen(c.err) < sizeof c.err, "%s: message not terminated", what);
	call_free(&c);
}

START_TEST(test_bad_input)
{
	double y[48];
	struct fc_options o = {.method = FC_AUTO, .period = 12, .horizon = 12};

	memcpy(y, fx_y_demand, sizeof y);
	o.horizon = 0;
	expect_refusal(y, 48, &o, FC_BAD_INPUT, "horizon 0");
	o.horizon = -3;
	expect_refusal(y, 48, &o, FC_BAD_INPUT, "horizon -3");
	o.horizon = FC_MAX_HORIZON + 1;
	expect_refusal(y, 48, &o, FC_BAD_INPUT, "horizon past the maximum");
	o.horizon = 12;
	o.period = 0;
	expect_refusal(y, 48, &o, FC_BAD_INPUT, "period 0");
	o.period = -12;
	expect_refusal(y, 48, &o, FC_BAD_INPUT, "period -12");
	o.period = 12;
	o.method = FC_METHOD__MAX;
	expect_refusal(y, 48, &o, FC_BAD_INPUT, "unknown method");
	o.method = FC_AUTO;
	y[20] = INFINITY;
	expect_refusal(y, 48, &o, FC_BAD_INPUT, "an infinite value");
	y[20] = -INFINITY;
	o.method = FC_NAIVE;
	expect_refusal(y, 48, &o, FC_BAD_INPUT, "a negative infinite value");
}
END_TEST

/* A small error buffer gets a cut, terminated message. */
START_TEST(test_small_error_buffer)
{
	struct fc_options o = {.method = FC_AUTO, .period = 12, .horizon = 0};
	double mean[1], lo80[1], hi80[1], lo95[1], hi95[1];
	struct fc_result r = {.mean = mean, .lo80 = lo80, .hi80 = hi80, .lo95 = lo95, .hi95 = hi95};
	char small[8];

	memset(small, 'x', sizeof small);
	ck_assert_int_eq(fc_forecast(fx_y_demand, 48, &o, &r, small, sizeof small), FC_BAD_INPUT);
	ck_assert_uint_lt(strnlen(small, sizeof small), sizeof small);
	ck_assert_uint_gt(strlen(small), 0);
}
END_TEST

/* Too little history for a seasonal method: FC_TOO_SHORT and a message
 * that says how much is needed (a number), or a forecast. */
START_TEST(test_too_short_for_season)
{
	static const enum fc_method seasonal[] = {FC_SNAIVE, FC_HW_ADDITIVE, FC_HW_MULTIPLICATIVE,
	                                          FC_HW_ADDITIVE_DAMPED, FC_HW_MULTIPLICATIVE_DAMPED};

	for (size_t i = 0; i < sizeof seasonal / sizeof seasonal[0]; i++) {
		struct call c;

		forecast_simple(fx_y_demand, 10, seasonal[i], 12, 12, &c);
		ck_assert_msg(c.status == FC_TOO_SHORT, "%s on 10 values of period 12: status %d",
		              fc_method_name(seasonal[i]), c.status);
		ck_assert_msg(strpbrk(c.err, "0123456789") != NULL, "%s: message \"%s\" names no amount",
		              fc_method_name(seasonal[i]), c.err);
		call_free(&c);
	}
}
END_TEST

/* No values at all, or none that is not missing. */
START_TEST(test_nothing_to_forecast)
{
	double y[5] = {NAN, NAN, NAN, NAN, NAN};
	struct fc_options o = {.method = FC_AUTO, .period = 1, .horizon = 3};
	struct call c;

	forecast(y, 0, &o, &c);
	ck_assert_msg(c.status == FC_TOO_SHORT || c.status == FC_BAD_INPUT, "empty: status %d", c.status);
	ck_assert_str_ne(c.err, "");
	call_free(&c);
	forecast(y, 5, &o, &c);
	ck_assert_msg(c.status == FC_TOO_SHORT || c.status == FC_BAD_INPUT, "all missing: status %d", c.status);
	ck_assert_str_ne(c.err, "");
	call_free(&c);
}
END_TEST

/* A series longer than FC_MAX_LENGTH keeps its most recent values. */
START_TEST(test_longest_series)
{
	size_t n = FC_MAX_LENGTH + 1000;
	double *y = malloc(n * sizeof(double));
	struct call c;

	ck_assert_ptr_nonnull(y);
	for (size_t i = 0; i < n; i++)
		y[i] = i < 1000 ? 1e6 : 100 + (double)(i % 7);
	forecast_simple(y, n, FC_NAIVE, 7, 7, &c);
	assert_well_formed(&c, 7, false, "long");
	ck_assert(near(c.mean[0], y[n - 1], 1e-12));
	ck_assert(near(c.mean[6], y[n - 1], 1e-12));
	call_free(&c);
	forecast_simple(y, n, FC_SNAIVE, 7, 7, &c);
	assert_well_formed(&c, 7, false, "long");
	for (int k = 0; k < 7; k++)
		ck_assert(near(c.mean[k], y[n - 7 + (size_t)k], 1e-12));
	/* Had the first 1000 values (1e6) been kept, the interval would show it. */
	ck_assert_double_lt(c.hi95[0], 1000);
	call_free(&c);
	free(y);
}
END_TEST

/* Two calls with the same input give the same output, bit for bit. */
START_TEST(test_deterministic)
{
	for (int m = 0; m < FC_METHOD__MAX; m++) {
		struct fc_options o = {.method = (enum fc_method)m, .period = 12, .horizon = 18, .backtest_origins = 4};
		struct call a, b;

		forecast(fx_y_airpassengers, 144, &o, &a);
		forecast(fx_y_airpassengers, 144, &o, &b);
		ck_assert_int_eq(a.status, b.status);
		ck_assert_int_eq(a.status, FC_OK);
		ck_assert(memcmp(a.mean, b.mean, 18 * sizeof(double)) == 0);
		ck_assert(memcmp(a.lo80, b.lo80, 18 * sizeof(double)) == 0);
		ck_assert(memcmp(a.hi80, b.hi80, 18 * sizeof(double)) == 0);
		ck_assert(memcmp(a.lo95, b.lo95, 18 * sizeof(double)) == 0);
		ck_assert(memcmp(a.hi95, b.hi95, 18 * sizeof(double)) == 0);
		ck_assert_str_eq(a.r.model, b.r.model);
		ck_assert_int_eq(a.r.method, b.r.method);
		ck_assert(memcmp(&a.r.accuracy, &b.r.accuracy, sizeof a.r.accuracy) == 0);
		ck_assert_int_eq(a.r.accuracy.origins, 4);
		call_free(&a);
		call_free(&b);
	}
}
END_TEST

/* A method asked for by name is the method reported, at every period
 * (the engine's rule: explicit requests are honoured or refused; the one
 * identity is snaive at period 1, which is naive). */
START_TEST(test_methods_report_themselves)
{
	static const int periods[] = {1, 12};

	for (size_t p = 0; p < sizeof periods / sizeof periods[0]; p++)
		for (int m = 1; m < FC_METHOD__MAX; m++) {
			struct call c;

			/* With period 1 the seasonal naive forecast is the naive one,
			 * and says so. */
			enum fc_method expect = m == FC_SNAIVE && periods[p] == 1 ? FC_NAIVE : (enum fc_method)m;

			if (forecast_simple(fx_y_airpassengers, 144, (enum fc_method)m, periods[p], 6, &c) == FC_OK)
				ck_assert_msg(c.r.method == expect, "%s at period %d reports %s (%s)",
				              fc_method_name((enum fc_method)m), periods[p], fc_method_name(c.r.method), c.r.model);
			else
				ck_assert_msg(periods[p] == 1, "%s at period 12 refused: %s", fc_method_name((enum fc_method)m), c.err);
			call_free(&c);
		}
}
END_TEST

/* 8. Names ----------------------------------------------------------------- */

START_TEST(test_method_names)
{
	static const char *const want[FC_METHOD__MAX] = {
		"auto", "naive", "snaive", "moving_average", "ses", "holt", "damped", "hw_additive",
		"hw_multiplicative", "hw_additive_damped", "hw_multiplicative_damped", "theta", "croston", "sba",
	};

	for (int m = 0; m < FC_METHOD__MAX; m++) {
		ck_assert_str_eq(fc_method_name((enum fc_method)m), want[m]);
		ck_assert_int_eq(fc_method_parse(want[m]), m);
	}
	ck_assert_int_eq(fc_method_parse("arima"), -1);
	ck_assert_int_eq(fc_method_parse(""), -1);
	ck_assert_int_eq(fc_method_parse("hw"), -1);
	ck_assert_int_eq(fc_method_parse("sesx"), -1);
	ck_assert_int_eq(fc_method_parse("naive "), -1);
}
END_TEST

Suite *forecast_suite(void)
{
	Suite *s = suite_create("forecast");
	TCase *ref = tcase_create("reference");
	TCase *props = tcase_create("properties");

	tcase_add_loop_test(ref, test_ets_pinned, 0, NCASES(fx_ets_cases));
	tcase_add_test(ref, test_ets_pinned_weekly);
	tcase_add_test(ref, test_ets_run_refuses_nonpositive);
	tcase_add_loop_test(ref, test_naive_vs_r, 0, fc_count("naive"));
	tcase_add_loop_test(ref, test_snaive_vs_r, 0, fc_count("snaive"));
	tcase_add_loop_test(ref, test_ets_methods_vs_r, 0, ets_count());
	tcase_add_loop_test(ref, test_theta_vs_r, 0, fc_count("theta"));
	tcase_add_loop_test(ref, test_croston_vs_r, 0, fc_count("croston"));
	tcase_add_test(ref, test_sba_is_scaled_croston);
	tcase_add_loop_test(ref, test_auto_vs_r, 0, NCASES(fx_auto_cases));
	tcase_add_test(ref, test_auto_is_the_mean_of_its_parts);
	tcase_add_test(ref, test_auto_special_series);
	tcase_add_test(ref, test_moving_average_is_a_trailing_mean);
	tcase_add_test(ref, test_backtest_naive_by_hand);
	tcase_add_test(ref, test_backtest_zero_actual);
	tcase_add_test(ref, test_backtest_seasonal_naive_by_hand);
	tcase_add_test(ref, test_backtest_limits);
	tcase_set_timeout(ref, 120);
	suite_add_tcase(s, ref);

	tcase_add_test(props, test_short_series);
	tcase_add_test(props, test_constant_series);
	tcase_add_test(props, test_all_zeros);
	tcase_add_test(props, test_intermittent_every_method);
	tcase_add_test(props, test_missing_values);
	tcase_add_test(props, test_horizons_and_periods);
	tcase_add_test(props, test_nonnegative_clamp);
	tcase_add_test(props, test_bad_input);
	tcase_add_test(props, test_small_error_buffer);
	tcase_add_test(props, test_too_short_for_season);
	tcase_add_test(props, test_nothing_to_forecast);
	tcase_add_test(props, test_longest_series);
	tcase_add_test(props, test_deterministic);
	tcase_add_test(props, test_methods_report_themselves);
	tcase_add_test(props, test_method_names);
	tcase_set_timeout(props, 300);
	suite_add_tcase(s, props);
	return s;
}
