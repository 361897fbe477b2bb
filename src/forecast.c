/* forecast: the engine's entry points: input cleaning, the methods as the API names them, the automatic choice and combination, intervals and the rolling-origin back-test. */
#include "ac-config.h"

#include "forecast.h"
#include "forecast_internal.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const method_names[FC_METHOD__MAX] = {
	"auto", "naive", "snaive", "moving_average", "ses", "holt", "damped",
	"hw_additive", "hw_multiplicative", "hw_additive_damped",
	"hw_multiplicative_damped", "theta", "croston", "sba",
};

/* The ETS form of each method that is one, indexed by method. */
static const struct {
	char error, trend, season;
	bool damped;
} method_forms[FC_METHOD__MAX] = {
	[FC_SES] = { 'A', 'N', 'N', false },
	[FC_HOLT] = { 'A', 'A', 'N', false },
	[FC_DAMPED] = { 'A', 'A', 'N', true },
	[FC_HW_ADDITIVE] = { 'A', 'A', 'A', false },
	[FC_HW_MULTIPLICATIVE] = { 'M', 'A', 'M', false },
	[FC_HW_ADDITIVE_DAMPED] = { 'A', 'A', 'A', true },
	[FC_HW_MULTIPLICATIVE_DAMPED] = { 'M', 'A', 'M', true },
};

/* Automatic choice: the share of zeros above which a series is treated as
 * intermittent demand, and the longest period the seasonal ETS forms are
 * tried with (R's ets refuses longer ones; Theta's decomposition still
 * handles them). */
#define AUTO_INTERMITTENT 0.3
#define AUTO_MAX_ETS_PERIOD 24

const char *fc_method_name(enum fc_method m)
{
	return (unsigned)m < FC_METHOD__MAX ? method_names[m] : "unknown";
}

int fc_method_parse(const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < FC_METHOD__MAX; i++)
		if (strcasecmp(name, method_names[i]) == 0)
			return i;
	return -1;
}

/* Writes a message for the caller and returns the status. */
__attribute__((format(printf, 4, 5)))
static enum fc_status fail(char *err, size_t errlen, enum fc_status st, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* One part of what a plan runs. */
enum comp_kind { C_NAIVE, C_SNAIVE, C_MA, C_ETS, C_THETA, C_CROSTON, C_SBA, C_DSETS };

struct comp {
	enum comp_kind kind;
	char error, trend, season;
	bool damped;
};

/* What was chosen for a series: one method, or the equal-weight mean of up
 * to three. The back-test refits the same plan at every origin. */
struct plan {
	int ncomp;
	struct comp c[3];
	double w[3];  /* weights, normalised when the plan runs */
};

/* Scratch of one component's run. */
struct comp_buf {
	struct fc_out o;
	double *mem;
};

/* Allocates a component's arrays: h means and variances, n fitted. */
static int comp_alloc(struct comp_buf *b, int h, int n)
{
	memset(b, 0, sizeof *b);
	b->mem = malloc((size_t)(2 * h + n) * sizeof *b->mem);
	if (b->mem == NULL)
		return -1;
	b->o.h = h;
	b->o.mean = b->mem;
	b->o.var = b->mem + h;
	b->o.fitted = b->mem + 2 * h;
	return 0;
}

/* An ETS form fitted to the seasonally adjusted series and the seasonal
 * indices put back: the classical decomposition of Theta, used when its
 * test finds seasonality, so that non-seasonal forms serve seasonal data. */
static int run_dsets(const double *y, int n, int m, const struct comp *c, struct fc_out *o)
{
	double idx[FC_MAXM], *x;
	bool seasonal, mult;
	struct fc_ets mod;
	int rc = -1;

	x = malloc((size_t)n * sizeof *x);
	if (x == NULL)
		return -1;
	seasonal = fc_deseasonalise(y, n, m, x, idx, &mult);
	if (fc_ets_fit(x, n, 1, c->error, c->trend, 'N', c->damped, NULL, &mod) == 0
	    && fc_ets_forecast(&mod, x, n, o) == 0) {
		rc = 0;
		if (seasonal) {
			size_t len = strlen(o->model);

			snprintf(o->model + len, sizeof o->model - len, " adj.");
			for (int i = 0; i < o->h; i++) {
				double s = idx[(n + i) % m];

				o->mean[i] = mult ? o->mean[i] * s : o->mean[i] + s;
				if (o->var != NULL && mult)
					o->var[i] *= s * s;
			}
			if (o->fitted != NULL)
				for (int t = 0; t < n; t++)
					o->fitted[t] = mult ? o->fitted[t] * idx[t % m] : o->fitted[t] + idx[t % m];
		}
	}
	free(x);
	return rc;
}

/* Runs one component on y[0..n-1] into o; prefit, when not NULL, is the
 * ETS model already fitted to these data. Returns 0 or -1. */
static int run_comp(const double *y, int n, int m, const struct comp *c,
                    const struct fc_ets *prefit, struct fc_out *o)
{
	struct fc_ets mod;

	switch (c->kind) {
	case C_NAIVE:
		return fc_naive(y, n, 1, o);
	case C_SNAIVE:
		return fc_naive(y, n, m, o);
	case C_MA:
		return fc_moving_average(y, n, o);
	case C_THETA:
		return fc_theta(y, n, m, o);
	case C_CROSTON:
	case C_SBA:
		return fc_croston(y, n, c->kind == C_SBA, o);
	case C_DSETS:
		return run_dsets(y, n, m, c, o);
	case C_ETS:
		if (prefit != NULL)
			mod = *prefit;
		else if (fc_ets_fit(y, n, m, c->error, c->trend, c->season, c->damped, NULL, &mod) != 0)
			return -1;
		return fc_ets_forecast(&mod, y, n, o);
	}
	return -1;
}

/* The ETS forms automatic choice considers, fitted to y and compared by
 * AICc as R's ets does: errors A/M, trend N/A/Ad, season N/A/M, without
 * the forms of infinite variance (additive errors with multiplicative
 * season), multiplicative ones only for positive data. For positive data
 * a form whose forecast reaches zero or below within the h steps asked
 * for is passed over: it has extrapolated a decline into the impossible.
 * A multiplicative-error form starts from the additive fit of the same
 * components, whose recursions it shares. Every form gets the first
 * SELECT_ROUNDS rounds of its fit; only those whose AICc then lies within
 * SELECT_MARGIN of the best are fitted to the end (on the M1 and tourism
 * data the form that wins is nearly always among them, and the later
 * rounds rarely gain more than a few units). Returns 0 with the best in
 * best, or -1 (none fits, or out of memory). */
#define SELECT_ROUNDS 2
#define SELECT_MARGIN 10.0
static int ets_select(const double *y, int n, int m, int h, struct fc_ets *best)
{
	static const char seasons[] = { 'N', 'A', 'M' };
	static const struct { char trend; bool damped; } trends[] = {
		{ 'N', false }, { 'A', false }, { 'A', true },
	};
	struct cand {
		struct fc_ets_fitting f;
		struct fc_ets fit;
		bool ended;
	} *cand;
	bool seasonal = m > 1 && m <= AUTO_MAX_ETS_PERIOD && n >= 2 * m, positive = true;
	int found = 0, nc = 0;
	double lead = INFINITY;
	struct fc_out o;
	double *f = malloc((size_t)h * sizeof *f);

	/* At most 3 seasons x 3 trends x 2 errors. */
	cand = malloc(18 * sizeof *cand);
	if (f == NULL || cand == NULL) {
		free(f);
		free(cand);
		return -1;
	}
	memset(&o, 0, sizeof o);
	o.h = h;
	o.mean = f;
	for (int t = 0; t < n; t++)
		positive = positive && y[t] > 0;
	for (size_t s = 0; s < sizeof seasons; s++) {
		if (seasons[s] != 'N' && !seasonal)
			continue;
		for (size_t t = 0; t < sizeof trends / sizeof trends[0]; t++) {
			struct cand *ca = NULL;

			for (int e = 0; e < 2; e++) {
				char err = e ? 'M' : 'A';
				struct cand *c = &cand[nc];
				const struct fc_ets *start = NULL;

				if (err == 'A' && seasons[s] == 'M')
					continue;
				if ((err == 'M' || seasons[s] == 'M') && !positive)
					continue;
				if (ca != NULL)
					start = ca->ended ? &ca->fit : &ca->f.mod;
				if (fc_ets_fit_begin(y, n, m, err, trends[t].trend, seasons[s], trends[t].damped,
				                     start, &c->f) != 0
				    || fc_ets_fit_rounds(&c->f, y, n, SELECT_ROUNDS) != 0)
					continue;
				c->ended = false;
				if (c->f.done) {
					if (fc_ets_fit_end(&c->f, y, n, &c->fit) != 0)
						continue;
					c->ended = true;
				}
				if (err == 'A')
					ca = c;
				lead = fmin(lead, c->ended ? c->fit.aicc : fc_ets_fit_aicc(&c->f, n));
				nc++;
			}
		}
	}
	/* Should every form near the lead fail (its forecast reaching zero),
	 * a second pass finishes the rest. */
	for (int pass = 0; pass < 2 && !found; pass++) {
		for (int i = 0; i < nc; i++) {
			struct cand *c = &cand[i];
			bool ok = true;

			if (!c->ended) {
				if (pass == 0 && !(fc_ets_fit_aicc(&c->f, n) <= lead + SELECT_MARGIN))
					continue;
				if (fc_ets_fit_rounds(&c->f, y, n, INT_MAX) != 0
				    || fc_ets_fit_end(&c->f, y, n, &c->fit) != 0)
					continue;
				c->ended = true;
			} else if (pass > 0) {
				continue;
			}
			if (!isfinite(c->fit.aicc) || (found && c->fit.aicc >= best->aicc))
				continue;
			if (positive) {
				ok = fc_ets_forecast(&c->fit, y, n, &o) == 0;
				for (int j = 0; ok && j < h; j++)
					ok = f[j] > 0;
			}
			if (ok) {
				*best = c->fit;
				found = 1;
			}
		}
	}
	free(cand);
	free(f);
	return found ? 0 : -1;
}

/* Forecast bounds of a component from its variances. */
static void comp_bounds(const struct fc_out *o, double *lo80, double *hi80, double *lo95, double *hi95)
{
	for (int i = 0; i < o->h; i++) {
		double sd = sqrt(o->var[i] > 0 ? o->var[i] : 0);

		lo80[i] = o->mean[i] - FC_Z80 * sd;
		hi80[i] = o->mean[i] + FC_Z80 * sd;
		lo95[i] = o->mean[i] - FC_Z95 * sd;
		hi95[i] = o->mean[i] + FC_Z95 * sd;
	}
}

/* What a plan's run reports beyond the arrays. */
struct plan_info {
	struct fc_out first;   /* the first component's details */
	double sigma2;         /* one-step variance of the combined fit */
	bool sigma_relative;   /* sigma2 is of relative errors (a lone multiplicative ETS) */
	bool combined;         /* more than one component carried weight */
	int lead;              /* the first component with weight */
	char model[48];
};

/* Runs a plan on y[0..n-1] for h steps: mean always, the bounds when lo80
 * is not NULL (a combination's are the weighted means of its parts').
 * For positive data a part whose forecast reaches zero or below drops out
 * of a combination: it has broken down where the others have not.
 * Returns 0, or -1 when a component cannot run or memory runs out. */
static int run_plan(const double *y, int n, int m, int h, const struct plan *p,
                    const struct fc_ets *prefit, double *mean, double *lo80, double *hi80,
                    double *lo95, double *hi95, struct plan_info *info)
{
	struct comp_buf b[3];
	double *bnd = NULL, w[3], wsum = 0;
	int rc = -1, k, lead = 0;
	bool positive = true;

	memset(b, 0, sizeof b);
	for (int t = 0; t < n; t++)
		positive = positive && y[t] > 0;
	for (k = 0; k < p->ncomp; k++) {
		if (comp_alloc(&b[k], h, n) != 0)
			goto out;
		if (lo80 == NULL) {
			b[k].o.var = NULL;
			b[k].o.fitted = NULL;
		}
		if (run_comp(y, n, m, &p->c[k], k == 0 ? prefit : NULL, &b[k].o) != 0)
			goto out;
		w[k] = p->w[k];
		for (int i = 0; i < h; i++) {
			if (!isfinite(b[k].o.mean[i]))
				goto out;
			if (positive && p->ncomp > 1 && !(b[k].o.mean[i] > 0))
				w[k] = 0;
		}
		wsum += w[k];
	}
	if (!(wsum > 0))
		for (k = 0, wsum = 0; k < p->ncomp; k++)
			wsum += w[k] = 1;
	for (k = 0; k < p->ncomp; k++)
		w[k] /= wsum;
	for (k = p->ncomp - 1; k >= 0; k--)
		if (w[k] > 0)
			lead = k;
	if (lo80 != NULL) {
		bnd = malloc((size_t)4 * (size_t)h * sizeof *bnd);
		if (bnd == NULL)
			goto out;
	}
	for (int i = 0; i < h; i++) {
		mean[i] = 0;
		for (k = 0; k < p->ncomp; k++)
			mean[i] += w[k] * b[k].o.mean[i];
	}
	if (lo80 != NULL) {
		memset(lo80, 0, (size_t)h * sizeof *lo80);
		memset(hi80, 0, (size_t)h * sizeof *hi80);
		memset(lo95, 0, (size_t)h * sizeof *lo95);
		memset(hi95, 0, (size_t)h * sizeof *hi95);
		for (k = 0; k < p->ncomp; k++) {
			comp_bounds(&b[k].o, bnd, bnd + h, bnd + 2 * h, bnd + 3 * h);
			for (int i = 0; i < h; i++) {
				lo80[i] += w[k] * bnd[i];
				hi80[i] += w[k] * bnd[h + i];
				lo95[i] += w[k] * bnd[2 * h + i];
				hi95[i] += w[k] * bnd[3 * h + i];
			}
		}
	}
	if (info != NULL) {
		int used = 0;

		for (k = 0; k < p->ncomp; k++)
			used += w[k] > 0;
		info->first = b[lead].o;
		info->first.mean = info->first.var = info->first.fitted = NULL;
		info->lead = lead;
		info->sigma2 = b[lead].o.sigma2;
		info->sigma_relative = used == 1 && p->c[lead].kind == C_ETS && p->c[lead].error == 'M';
		snprintf(info->model, sizeof info->model, "%s", b[lead].o.model);
		if (used > 1 && lo80 != NULL) {
			/* A combination's sigma2 is that of its combined fit. */
			double sse = 0;

			for (int t = 0; t < n; t++) {
				double f = 0;

				for (k = 0; k < p->ncomp; k++)
					f += w[k] * b[k].o.fitted[t];
				sse += (y[t] - f) * (y[t] - f);
			}
			info->sigma2 = sse / n;
			bool equal = true;

			for (k = 0; k < p->ncomp; k++)
				equal = equal && (w[k] == 0 || fabs(w[k] - w[lead]) < 1e-12);
			snprintf(info->model, sizeof info->model, "%s of %.20s", equal ? "mean" : "weighted mean",
			         b[lead].o.model);
			for (k = lead + 1; k < p->ncomp; k++) {
				size_t len = strlen(info->model);

				if (w[k] > 0)
					snprintf(info->model + len, sizeof info->model - len, ", %s",
					         p->c[k].kind == C_THETA ? "Theta" : p->c[k].kind == C_DSETS ? "damped" : b[k].o.model);
			}
		}
		info->combined = used > 1;
	}
	rc = 0;
out:
	for (k = 0; k < 3; k++)
		free(b[k].mem);
	free(bnd);
	return rc;
}

/* The series as the methods see it: missing periods filled, scaled so
 * that its mean absolute value is 1 (the fits are scale-free; this keeps
 * their arithmetic well-conditioned), with a mark on each observed value. */
struct series {
	double *y;
	unsigned char *observed;
	int n;
	double scale;
};

/* Cleans y[0..n-1] into s: keeps the most recent FC_MAX_LENGTH values,
 * drops leading missing ones, interpolates linearly between observed ones
 * and carries the last observed value over trailing gaps. */
static enum fc_status clean(const double *y, size_t n, struct series *s, char *err, size_t errlen)
{
	size_t first = n > FC_MAX_LENGTH ? n - FC_MAX_LENGTH : 0, start;
	int len, prev = -1;
	double sum = 0;

	memset(s, 0, sizeof *s);
	for (size_t i = first; i < n; i++)
		if (isinf(y[i]))
			return fail(err, errlen, FC_BAD_INPUT, "value %zu of the series is infinite", i + 1);
	for (start = first; start < n && isnan(y[start]); start++)
		;
	if (start == n)
		return fail(err, errlen, FC_TOO_SHORT, "the series has no observed values");
	len = (int)(n - start);
	s->y = malloc((size_t)len * sizeof *s->y);
	s->observed = malloc((size_t)len);
	if (s->y == NULL || s->observed == NULL) {
		free(s->y);
		free(s->observed);
		s->y = NULL;
		s->observed = NULL;
		return fail(err, errlen, FC_NOMEM, "out of memory");
	}
	s->n = len;
	for (int t = 0; t < len; t++) {
		double v = y[start + (size_t)t];

		s->observed[t] = !isnan(v);
		if (isnan(v))
			continue;
		if (prev >= 0 && t - prev > 1)
			for (int g = prev + 1; g < t; g++)
				s->y[g] = s->y[prev] + (v - s->y[prev]) * (g - prev) / (t - prev);
		s->y[t] = v;
		prev = t;
	}
	for (int g = prev + 1; g < len; g++)
		s->y[g] = s->y[prev];
	for (int t = 0; t < len; t++)
		sum += fabs(s->y[t]);
	s->scale = sum > 0 && isfinite(sum) ? sum / len : 1;
	for (int t = 0; t < len; t++)
		s->y[t] /= s->scale;
	return FC_OK;
}

/* The smallest series an ETS form can be fitted to: a form is skipped, as
 * in R's ets, unless it has fewer parameters than the data less one, and
 * a seasonal one needs two full seasons for its starting states. */
static int ets_min_length(char trend, char season, bool damped, int m)
{
	int k = 1 + (trend != 'N') + (season != 'N' ? m - 1 : 0);
	int d = 1 + (trend != 'N') + (season != 'N') + (damped && trend != 'N');
	int need = k + d + 2;

	return season != 'N' && 2 * m > need ? 2 * m : need;
}

/* The plan of a method asked for by name, or a message why it cannot run
 * on this series. Explicit requests are honoured or refused, never
 * silently swapped for another method. */
static enum fc_status plan_explicit(const struct series *s, const struct fc_options *o, struct plan *p,
                                    struct fc_ets *prefit, bool *have_prefit, char *err, size_t errlen)
{
	const char *name = fc_method_name(o->method);
	struct comp *c = &p->c[0];

	memset(p, 0, sizeof *p);
	p->ncomp = 1;
	p->w[0] = 1;
	*have_prefit = false;
	switch (o->method) {
	case FC_NAIVE:
		c->kind = C_NAIVE;
		return FC_OK;
	case FC_SNAIVE:
		if (s->n < o->period)
			return fail(err, errlen, FC_TOO_SHORT,
			            "snaive needs at least one full season of history (%d values); the series has %d",
			            o->period, s->n);
		c->kind = o->period > 1 ? C_SNAIVE : C_NAIVE;
		return FC_OK;
	case FC_MOVING_AVERAGE:
		c->kind = C_MA;
		return FC_OK;
	case FC_THETA:
		c->kind = C_THETA;
		return FC_OK;
	case FC_CROSTON:
	case FC_SBA:
		c->kind = o->method == FC_SBA ? C_SBA : C_CROSTON;
		return FC_OK;
	default:
		break;
	}
	c->kind = C_ETS;
	c->error = method_forms[o->method].error;
	c->trend = method_forms[o->method].trend;
	c->season = method_forms[o->method].season;
	c->damped = method_forms[o->method].damped;
	if (c->season != 'N' && o->period < 2)
		return fail(err, errlen, FC_BAD_INPUT,
		            "%s models seasonality and needs a seasonal period above 1; use holt or damped for a series without seasons",
		            name);
	{
		int need = ets_min_length(c->trend, c->season, c->damped, o->period);

		if (s->n < need)
			return fail(err, errlen, FC_TOO_SHORT, "%s needs at least %d values%s; the series has %d",
			            name, need, c->season != 'N' ? " (two full seasons and more than its parameters)" : "",
			            s->n);
	}
	if (c->error == 'M' || c->season == 'M')
		for (int t = 0; t < s->n; t++)
			if (!(s->y[t] > 0))
				return fail(err, errlen, FC_BAD_INPUT,
				            "%s is multiplicative and needs every value above 0, but value %d is %g; use hw_additive%s instead",
				            name, t + 1, s->y[t] * s->scale, c->damped ? "_damped" : "");
	if (fc_ets_fit(s->y, s->n, o->period, c->error, c->trend, c->season, c->damped, NULL, prefit) != 0)
		return fail(err, errlen, FC_BAD_INPUT, "%s could not be fitted to this series", name);
	*have_prefit = true;
	return FC_OK;
}

/* Makes c the ETS form of mod, as part kind. */
static void comp_form(struct comp *c, enum comp_kind kind, const struct fc_ets *mod)
{
	c->kind = kind;
	c->error = mod->error;
	c->trend = mod->trend;
	c->season = mod->season;
	c->damped = mod->damped;
}

/* The automatic choice. Three values or fewer, or a constant series: the
 * naive forecast. Non-negative data with more than 30% zeros: SBA. Else a
 * weighted mean of the AICc-best ETS form (ets_select) and Theta, 2:1 for
 * seasonal periods, and for period 1 the equal mean of ETS, Theta and the
 * damped trend. Periods above 24 get the ETS form chosen and fitted on the
 * seasonally adjusted series. Returns 0, or -1 when out of memory. */
static int plan_auto(const struct series *s, int m, int h, struct plan *p, struct fc_ets *prefit,
                     bool *have_prefit)
{
	int zeros = 0;
	bool nonneg = true, constant = true;

	memset(p, 0, sizeof *p);
	*have_prefit = false;
	for (int t = 0; t < s->n; t++) {
		zeros += s->y[t] == 0;
		nonneg = nonneg && s->y[t] >= 0;
		constant = constant && s->y[t] == s->y[0];
	}
	p->ncomp = 1;
	p->w[0] = 1;
	if (s->n <= 3 || constant) {
		/* Nothing to estimate: the last value is the forecast. */
		p->c[0].kind = C_NAIVE;
		return 0;
	}
	if (nonneg && zeros > AUTO_INTERMITTENT * s->n) {
		p->c[0].kind = C_SBA;
		return 0;
	}
	p->ncomp = 0;
	if (m <= AUTO_MAX_ETS_PERIOD) {
		if (ets_select(s->y, s->n, m, h, prefit) == 0) {
			comp_form(&p->c[p->ncomp++], C_ETS, prefit);
			*have_prefit = true;
		}
	} else {
		/* Periods too long for seasonal states: the form is chosen on
		 * the seasonally adjusted series, and is refitted there. */
		double idx[FC_MAXM], *x = malloc((size_t)s->n * sizeof *x);
		bool mult, adjusted;
		struct fc_ets mod;

		if (x == NULL)
			return -1;
		adjusted = fc_deseasonalise(s->y, s->n, m, x, idx, &mult);
		if (ets_select(x, s->n, 1, h, &mod) == 0) {
			if (adjusted) {
				comp_form(&p->c[p->ncomp++], C_DSETS, &mod);
			} else {
				*prefit = mod;
				comp_form(&p->c[p->ncomp++], C_ETS, prefit);
				*have_prefit = true;
			}
		}
		free(x);
	}
	/* ETS and Theta, and for non-seasonal data the damped trend too. ETS
	 * weighs double on seasonal data, whose seasons it models itself
	 * where the others lean on a classical decomposition. On the M1 and
	 * tourism data this mean beats each of its parts and R's ets. */
	if (p->ncomp == 1)
		p->w[0] = m > 1 ? 2 : 1;
	p->c[p->ncomp].kind = C_THETA;
	p->w[p->ncomp++] = 1;
	if (m == 1 && s->n >= ets_min_length('A', 'N', true, 1)) {
		struct comp *c = &p->c[p->ncomp];

		c->kind = C_DSETS;
		c->error = 'A';
		c->trend = 'A';
		c->season = 'N';
		c->damped = true;
		p->w[p->ncomp++] = 1;
	}
	return 0;
}

/* Clamps at 0 when asked and puts the bounds in order around the mean. */
static void finish_bounds(double *mean, double *lo80, double *hi80, double *lo95, double *hi95,
                          int h, bool nonneg)
{
	for (int i = 0; i < h; i++) {
		if (nonneg) {
			mean[i] = fmax(mean[i], 0);
			if (lo80 != NULL) {
				lo80[i] = fmax(lo80[i], 0);
				hi80[i] = fmax(hi80[i], 0);
				lo95[i] = fmax(lo95[i], 0);
				hi95[i] = fmax(hi95[i], 0);
			}
		}
		if (lo80 != NULL) {
			lo80[i] = fmin(lo80[i], mean[i]);
			hi80[i] = fmax(hi80[i], mean[i]);
			lo95[i] = fmin(lo95[i], lo80[i]);
			hi95[i] = fmax(hi95[i], hi80[i]);
		}
	}
}

/* Rolling-origin accuracy: the plan refitted on the first T values for T
 * = n-1, n-2, ..., n-k, each forecasting min(h, n-T) steps, all errors
 * pooled. Periods that were missing in the input are not scored. MASE is
 * scaled by the in-sample seasonal naive MAE of the whole series. */
static enum fc_status backtest(const struct series *s, const struct fc_options *o, const struct plan *p,
                               struct fc_accuracy *acc)
{
	double *f, sae = 0, sse = 0, sape = 0, ssape = 0, scale = 0;
	int terms = 0, used = 0, lag, nscale = 0;
	bool zero_actual = false;

	acc->origins = 0;
	acc->mae = acc->rmse = acc->mape = acc->smape = acc->mase = NAN;
	f = malloc((size_t)o->horizon * sizeof *f);
	if (f == NULL)
		return FC_NOMEM;
	for (int i = 1; i <= o->backtest_origins && i < s->n; i++) {
		int T = s->n - i, h = i < o->horizon ? i : o->horizon, scored = 0;

		if (run_plan(s->y, T, o->period, h, p, NULL, f, NULL, NULL, NULL, NULL, NULL) != 0)
			continue;
		finish_bounds(f, NULL, NULL, NULL, NULL, h, o->nonnegative);
		for (int j = 0; j < h; j++) {
			double a = s->y[T + j] * s->scale, fc = f[j] * s->scale, e = a - fc;

			if (!s->observed[T + j])
				continue;
			sae += fabs(e);
			sse += e * e;
			if (a == 0)
				zero_actual = true;
			else
				sape += 100 * fabs(e) / fabs(a);
			ssape += fabs(a) + fabs(fc) > 0 ? 200 * fabs(e) / (fabs(a) + fabs(fc)) : 0;
			terms++;
			scored++;
		}
		used += scored > 0;
	}
	free(f);
	if (terms == 0)
		return FC_OK;
	lag = o->period > 1 && s->n > o->period ? o->period : 1;
	for (int t = lag; t < s->n; t++) {
		scale += fabs(s->y[t] - s->y[t - lag]) * s->scale;
		nscale++;
	}
	acc->origins = used;
	acc->mae = sae / terms;
	acc->rmse = sqrt(sse / terms);
	acc->mape = zero_actual ? NAN : sape / terms;
	acc->smape = ssape / terms;
	acc->mase = nscale > 0 && scale > 0 ? acc->mae / (scale / nscale) : NAN;
	return FC_OK;
}

/* The method the API reports for a plan's leading part: an ETS form maps
 * to the method of its trend and season (the model string has the exact
 * form). */
static enum fc_method plan_method(const struct comp *c)
{
	switch (c->kind) {
	case C_NAIVE:
		return FC_NAIVE;
	case C_SNAIVE:
		return FC_SNAIVE;
	case C_MA:
		return FC_MOVING_AVERAGE;
	case C_THETA:
		return FC_THETA;
	case C_CROSTON:
		return FC_CROSTON;
	case C_SBA:
		return FC_SBA;
	case C_DSETS:
		return FC_DAMPED;
	case C_ETS:
		break;
	}
	if (c->season == 'N')
		return c->trend == 'N' ? FC_SES : c->damped ? FC_DAMPED : FC_HOLT;
	if (c->season == 'A')
		return c->damped ? FC_HW_ADDITIVE_DAMPED : FC_HW_ADDITIVE;
	return c->damped ? FC_HW_MULTIPLICATIVE_DAMPED : FC_HW_MULTIPLICATIVE;
}

/* Whether every number of the result is finite. */
static bool result_finite(const struct fc_result *out, int h)
{
	for (int i = 0; i < h; i++)
		if (!isfinite(out->mean[i]) || !isfinite(out->lo80[i]) || !isfinite(out->hi80[i])
		    || !isfinite(out->lo95[i]) || !isfinite(out->hi95[i]))
			return false;
	return true;
}

enum fc_status fc_forecast(const double *y, size_t n, const struct fc_options *opts,
                           struct fc_result *out, char *err, size_t errlen)
{
	struct series s;
	struct plan plan;
	struct plan_info info;
	struct fc_ets prefit;
	bool have_prefit = false;
	enum fc_status st;
	int h;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (opts == NULL || out == NULL || (y == NULL && n > 0))
		return fail(err, errlen, FC_BAD_INPUT, "no series, options or result given");
	h = opts->horizon;
	if ((unsigned)opts->method >= FC_METHOD__MAX)
		return fail(err, errlen, FC_BAD_INPUT, "unknown forecasting method %d", (int)opts->method);
	if (h < 1 || h > FC_MAX_HORIZON)
		return fail(err, errlen, FC_BAD_INPUT, "the horizon must be between 1 and %d periods, not %d",
		            FC_MAX_HORIZON, h);
	if (opts->period < 1 || opts->period > FC_MAXM)
		return fail(err, errlen, FC_BAD_INPUT, "the seasonal period must be between 1 and %d, not %d",
		            FC_MAXM, opts->period);
	if (opts->backtest_origins < 0)
		return fail(err, errlen, FC_BAD_INPUT, "the number of back-test origins cannot be negative");
	if (out->mean == NULL || out->lo80 == NULL || out->hi80 == NULL || out->lo95 == NULL || out->hi95 == NULL)
		return fail(err, errlen, FC_BAD_INPUT, "the result has no arrays for the forecast");
	out->method = FC_NAIVE;
	out->model[0] = '\0';
	out->alpha = out->beta = out->gamma = out->phi = out->sigma2 = out->aicc = NAN;
	out->accuracy.origins = 0;
	out->accuracy.mae = out->accuracy.rmse = out->accuracy.mape = NAN;
	out->accuracy.smape = out->accuracy.mase = NAN;
	if (n == 0)
		return fail(err, errlen, FC_TOO_SHORT, "the series is empty: at least 1 value is needed");
	st = clean(y, n, &s, err, errlen);
	if (st != FC_OK)
		return st;
	if (opts->method == FC_AUTO) {
		if (plan_auto(&s, opts->period, h, &plan, &prefit, &have_prefit) != 0) {
			st = fail(err, errlen, FC_NOMEM, "out of memory");
			goto done;
		}
	} else {
		st = plan_explicit(&s, opts, &plan, &prefit, &have_prefit, err, errlen);
		if (st != FC_OK)
			goto done;
	}
	if (run_plan(s.y, s.n, opts->period, h, &plan, have_prefit ? &prefit : NULL, out->mean,
	             out->lo80, out->hi80, out->lo95, out->hi95, &info) != 0
	    || !result_finite(out, h)) {
		/* A numerical breakdown in a model: the naive forecast stands in. */
		memset(&plan, 0, sizeof plan);
		plan.ncomp = 1;
		plan.c[0].kind = C_NAIVE;
		plan.w[0] = 1;
		have_prefit = false;
		if (run_plan(s.y, s.n, opts->period, h, &plan, NULL, out->mean, out->lo80, out->hi80,
		             out->lo95, out->hi95, &info) != 0) {
			st = fail(err, errlen, FC_NOMEM, "out of memory");
			goto done;
		}
	}
	for (int i = 0; i < h; i++) {
		out->mean[i] *= s.scale;
		out->lo80[i] *= s.scale;
		out->hi80[i] *= s.scale;
		out->lo95[i] *= s.scale;
		out->hi95[i] *= s.scale;
	}
	finish_bounds(out->mean, out->lo80, out->hi80, out->lo95, out->hi95, h, opts->nonnegative);
	out->method = plan_method(&plan.c[info.lead]);
	snprintf(out->model, sizeof out->model, "%s", info.model);
	out->alpha = info.first.alpha;
	out->beta = info.first.beta;
	out->gamma = info.first.gamma;
	out->phi = info.first.phi;
	out->sigma2 = info.sigma_relative ? info.sigma2 : info.sigma2 * s.scale * s.scale;
	/* The likelihood of the scaled data differs by 2 n log(scale). */
	out->aicc = !info.combined && isfinite(info.first.aicc)
	            ? info.first.aicc + 2.0 * s.n * log(s.scale) : NAN;
	if (!isfinite(out->sigma2))
		out->sigma2 = 0;
	if (opts->backtest_origins > 0) {
		st = backtest(&s, opts, &plan, &out->accuracy);
		if (st != FC_OK) {
			fail(err, errlen, st, "out of memory");
			goto done;
		}
	}
	st = FC_OK;
done:
	free(s.y);
	free(s.observed);
	return st;
}
