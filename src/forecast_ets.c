/* forecast_ets: the state-space exponential smoothing models (Hyndman et al. 2008): recursions, maximum-likelihood fitting, forecast variances. */
#include "ac-config.h"

#include "forecast_internal.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Below this a divisor counts as zero, as in R's etscalc. */
#define ETS_TINY 1e-10

/* The state after the last observation: level, growth and the seasonal
 * ring, where ring[t % m] holds the seasonal state met at time t. */
struct ets_state {
	double l, b;
	double ring[FC_MAXM];
};

/* Runs the recursions over y. Returns -2 log likelihood up to a constant
 * (n log SSE, plus 2 sum log|yhat| for multiplicative errors, as R's ets)
 * or INFINITY when the model breaks down (a multiplicative component
 * meets a zero or, when strict, a non-positive divisor). *sse gets the sum
 * of squared errors (relative ones for multiplicative errors). */
static inline __attribute__((always_inline)) double
ets_pass_core(const struct fc_ets *mod, const double *x0, const double *y, int n, bool strict,
              double *fitted, struct ets_state *st, double *sse_out, const char season,
              const bool mult_err, const bool trend)
{
	const int m = mod->m;
	const double alpha = mod->alpha, phi = trend ? (mod->damped ? mod->phi : 1) : 0;
	const double beta = trend ? mod->beta : 0, gamma = mod->gamma;
	/* The recursion carries the one-step level forecast q = l + phi b:
	 * with d = p - q the level becomes q + alpha d and the growth phi b +
	 * beta d (R's b + (beta/alpha)(l - q), the same thing), so the next q
	 * is (q + phi^2 b) + (alpha + phi beta) d, a short chain per step. */
	const double phi2 = phi * phi, c1 = alpha + phi * beta;
	double ring[FC_MAXM];
	double l = x0[0], b = trend ? x0[1] : 0, q = trend ? l + phi * b : l, d = 0;
	double sse = 0, logf = 0, prod = 1;
	int j = 0;

	if (season != 'N')
		for (int i = 0; i < m; i++)
			ring[i] = x0[2 + m - 1 - i];
	for (int t = 0; t < n; t++) {
		const double yt = y[t];
		double so = 0, f, e, p;

		if (season == 'A') {
			so = ring[j];
			f = q + so;
			p = yt - so;
		} else if (season == 'M') {
			so = ring[j];
			if (fabs(so) < ETS_TINY || fabs(q) < ETS_TINY || (strict && (so <= 0 || q <= 0)))
				return INFINITY;
			f = q * so;
			p = yt / so;
		} else {
			f = q;
			p = yt;
		}
		if (mult_err) {
			if (fabs(f) < ETS_TINY || (strict && f <= 0))
				return INFINITY;
			e = (yt - f) / f;
			/* One log per thousand steps instead of one per step. */
			prod *= fabs(f);
			if (prod > 1e100 || prod < 1e-100) {
				logf += log(prod);
				prod = 1;
			}
		} else {
			e = yt - f;
		}
		sse += e * e;
		if (fitted != NULL)
			fitted[t] = f;
		d = p - q;
		if (season == 'A')
			ring[j] = so + gamma * (yt - q - so);
		else if (season == 'M')
			ring[j] = so + gamma * (yt / q - so);
		if (++j == m)
			j = 0;
		if (t == n - 1) {
			l = q + alpha * d;
			if (trend)
				b = phi * b + beta * d;
			break;
		}
		if (trend) {
			double qn = (q + phi2 * b) + c1 * d;

			b = phi * b + beta * d;
			q = qn;
		} else {
			q = q + alpha * d;
		}
	}
	if (!isfinite(sse) || !isfinite(l) || !isfinite(b))
		return INFINITY;
	if (st != NULL) {
		st->l = l;
		st->b = b;
		if (season != 'N')
			memcpy(st->ring, ring, (size_t)m * sizeof *ring);
	}
	if (sse_out != NULL)
		*sse_out = sse;
	logf += log(prod);
	/* A perfect fit (a constant series) would give log 0: the floor
	 * lets the simplest perfect model win on its parameter count. */
	return n > 0 ? n * log(fmax(sse, 1e-20 * n)) + (mult_err ? 2 * logf : 0) : 0;
}

#define ETS_PASS_E(S, T)                                                                  \
	(me ? ets_pass_core(mod, x0, y, n, strict, fitted, st, sse_out, S, true, T)           \
	    : ets_pass_core(mod, x0, y, n, strict, fitted, st, sse_out, S, false, T))
#define ETS_PASS_ET(S) (tr ? ETS_PASS_E(S, true) : ETS_PASS_E(S, false))

/* ets_pass_core with the form's error, trend and season fixed at compile
 * time, so that each of the recursions runs without branching on them. */
static double ets_pass(const struct fc_ets *mod, const double *x0, const double *y, int n,
                       bool strict, double *fitted, struct ets_state *st, double *sse_out)
{
	const bool me = mod->error == 'M', tr = mod->trend != 'N';

	switch (mod->season) {
	case 'A':
		return ETS_PASS_ET('A');
	case 'M':
		return ETS_PASS_ET('M');
	default:
		return ETS_PASS_ET('N');
	}
}

/* The number of free initial states: level, growth, and all seasonal
 * states but one, which the others determine (they sum to 0 or m). */
static int ets_nfree(const struct fc_ets *mod)
{
	return 1 + (mod->trend != 'N') + (mod->season != 'N' ? mod->m - 1 : 0);
}

/* Writes the free initial states theta into the full x0. */
static void ets_unpack(const struct fc_ets *mod, const double *theta, double *x0)
{
	int t = mod->trend != 'N', m = mod->m;

	x0[0] = theta[0];
	x0[1] = t ? theta[1] : 0;
	if (mod->season != 'N') {
		double sum = 0;

		for (int i = 0; i < m - 1; i++) {
			x0[2 + i] = theta[1 + t + i];
			sum += x0[2 + i];
		}
		x0[2 + m - 1] = (mod->season == 'M' ? m : 0) - sum;
	}
}

/* Whether the initial seasonal states of a multiplicative season are all
 * positive, as R's ets requires of them. */
static bool ets_x0_ok(const struct fc_ets *mod, const double *x0)
{
	if (mod->season == 'M')
		for (int i = 0; i < mod->m; i++)
			if (!(x0[2 + i] > 0))
				return false;
	return true;
}

/* The Gauss-Newton normal equations of the free initial states: JtJ (k x k,
 * upper triangle) and Jtr of the one-step residuals, by running the
 * derivatives of the states along with the states. wk holds (m + 8) k
 * doubles. Returns 0, or -1 when the recursion breaks down. */
static int ets_normal_eq(const struct fc_ets *mod, const double *y, int n, double *wk,
                         double *JtJ, double *Jtr)
{
	const int m = mod->m, k = ets_nfree(mod), tr = mod->trend != 'N';
	const char season = mod->season;
	const double alpha = mod->alpha, phi = tr ? (mod->damped ? mod->phi : 1) : 0;
	const double bfac = tr ? mod->beta / mod->alpha : 0, gamma = mod->gamma;
	double *dl = wk, *db = wk + k, *dq = wk + 2 * k, *dr = wk + 3 * k, *dp = wk + 4 * k;
	double *dt = wk + 5 * k, *dln = wk + 6 * k, *ds = wk + 7 * k;
	double *glog = wk + (size_t)(m + 7) * (size_t)k;
	double ring[FC_MAXM], l = mod->x0[0], b = tr ? mod->x0[1] : 0, sse = 0;
	int j = 0;

	memset(wk, 0, (size_t)(m + 8) * (size_t)k * sizeof *wk);
	memset(JtJ, 0, (size_t)k * (size_t)k * sizeof *JtJ);
	memset(Jtr, 0, (size_t)k * sizeof *Jtr);
	dl[0] = 1;
	if (tr)
		db[1] = 1;
	if (season != 'N') {
		for (int i = 0; i < m; i++)
			ring[i] = mod->x0[2 + m - 1 - i];
		/* ring[i] is s0[m-1-i]: free state 1+tr+(m-1-i) for i >= 1; ring[0]
		 * is minus the sum of the free ones. */
		for (int i = 1; i < m; i++)
			ds[i * k + 1 + tr + (m - 1 - i)] = 1;
		for (int c = 1 + tr; c < k; c++)
			ds[c] = -1;
	}
	for (int t = 0; t < n; t++) {
		const double yt = y[t];
		double q = l + phi * b, so = 0, f, r, p, lnew;
		double *dso = ds + (size_t)j * (size_t)k;

		for (int c = 0; c < k; c++)
			dq[c] = dl[c] + phi * db[c];
		if (season == 'A') {
			so = ring[j];
			f = q + so;
			p = yt - so;
			for (int c = 0; c < k; c++) {
				dr[c] = dq[c] + dso[c];
				dp[c] = -dso[c];
			}
		} else if (season == 'M') {
			so = ring[j];
			if (!(so > ETS_TINY) || !(q > ETS_TINY))
				return -1;
			f = q * so;
			p = yt / so;
			for (int c = 0; c < k; c++) {
				dr[c] = so * dq[c] + q * dso[c];
				dp[c] = -yt / (so * so) * dso[c];
			}
		} else {
			f = q;
			p = yt;
			for (int c = 0; c < k; c++) {
				dr[c] = dq[c];
				dp[c] = 0;
			}
		}
		/* dr holds d(yhat); the residual's derivative is its negative,
		 * scaled for relative errors. */
		if (mod->error == 'M') {
			double g;

			if (!(f > ETS_TINY))
				return -1;
			r = yt / f - 1;
			g = -yt / (f * f);
			/* The 2 sum log f term of the likelihood has a gradient
			 * too; gather it before dr turns into the residual's. */
			for (int c = 0; c < k; c++) {
				glog[c] += dr[c] / f;
				dr[c] *= g;
			}
		} else {
			r = yt - f;
			for (int c = 0; c < k; c++)
				dr[c] = -dr[c];
		}
		sse += r * r;
		for (int a = 0; a < k; a++) {
			double da = dr[a];

			if (da == 0)
				continue;
			for (int c = a; c < k; c++)
				JtJ[a * k + c] += da * dr[c];
			Jtr[a] += da * r;
		}
		lnew = q + alpha * (p - q);
		for (int c = 0; c < k; c++)
			dln[c] = dq[c] + alpha * (dp[c] - dq[c]);
		if (tr) {
			b = phi * b + bfac * (lnew - q);
			for (int c = 0; c < k; c++)
				db[c] = phi * db[c] + bfac * (dln[c] - dq[c]);
		}
		if (season == 'A') {
			ring[j] = so + gamma * (yt - q - so);
			for (int c = 0; c < k; c++)
				dso[c] += gamma * (-dq[c] - dso[c]);
		} else if (season == 'M') {
			ring[j] = so + gamma * (yt / q - so);
			for (int c = 0; c < k; c++) {
				dt[c] = -yt / (q * q) * dq[c];
				dso[c] += gamma * (dt[c] - dso[c]);
			}
		}
		l = lnew;
		memcpy(dl, dln, (size_t)k * sizeof *dl);
		if (++j == m)
			j = 0;
	}
	for (int a = 0; a < k; a++)
		for (int c = 0; c < a; c++)
			JtJ[a * k + c] = JtJ[c * k + a];
	/* For multiplicative errors the objective is n log S + 2 sum log f:
	 * its gradient is (2n/S)(Jtr + (S/n) glog), and (2n/S) JtJ the
	 * Gauss-Newton part of its Hessian, so the step solves JtJ d =
	 * -(Jtr + (S/n) glog). */
	if (mod->error == 'M')
		for (int c = 0; c < k; c++)
			Jtr[c] += sse / n * glog[c];
	return isfinite(l) ? 0 : -1;
}

/* What the search over the smoothing parameters needs. */
struct ets_ctx {
	struct fc_ets *mod;
	const double *y;
	int n;
	int d;
};

/* Maps a point of the unit cube onto the smoothing parameters within the
 * usual bounds: beta in (lo, alpha), gamma in (lo, 1 - alpha). */
static void ets_set_params(struct fc_ets *mod, const double *u)
{
	int i = 0;

	mod->alpha = FC_PAR_LO + u[i++] * (FC_PAR_HI - FC_PAR_LO);
	if (mod->trend != 'N')
		mod->beta = FC_PAR_LO + u[i++] * (mod->alpha - FC_PAR_LO);
	if (mod->season != 'N')
		mod->gamma = FC_PAR_LO + u[i++] * fmax(0, 1 - mod->alpha - FC_PAR_LO);
	if (mod->damped)
		mod->phi = FC_PHI_LO + u[i++] * (FC_PHI_HI - FC_PHI_LO);
}

/* The inverse of ets_set_params. */
static int ets_get_params(const struct fc_ets *mod, double *u)
{
	int i = 0;
	double span;

	u[i++] = (mod->alpha - FC_PAR_LO) / (FC_PAR_HI - FC_PAR_LO);
	if (mod->trend != 'N') {
		span = mod->alpha - FC_PAR_LO;
		u[i++] = span > 0 ? (mod->beta - FC_PAR_LO) / span : 0;
	}
	if (mod->season != 'N') {
		span = 1 - mod->alpha - FC_PAR_LO;
		u[i++] = span > 0 ? (mod->gamma - FC_PAR_LO) / span : 0;
	}
	if (mod->damped)
		u[i++] = (mod->phi - FC_PHI_LO) / (FC_PHI_HI - FC_PHI_LO);
	for (int c = 0; c < i; c++)
		u[c] = u[c] < 0 ? 0 : u[c] > 1 ? 1 : u[c];
	return i;
}

/* The likelihood at a point of the unit cube, the states held fixed. */
static double ets_objective(const double *u, void *vctx)
{
	struct ets_ctx *ctx = vctx;

	ets_set_params(ctx->mod, u);
	return ets_pass(ctx->mod, ctx->mod->x0, ctx->y, ctx->n, true, NULL, NULL, NULL);
}

/* Gauss-Newton steps on the free initial states, the smoothing parameters
 * held fixed; a step is halved until it improves the likelihood. For the
 * linear (additive) models one step is the exact least-squares answer.
 * Returns the likelihood reached. */
static double ets_gn(struct fc_ets *mod, const double *y, int n, double *wk, int steps, double lik)
{
	const int k = ets_nfree(mod);
	double *JtJ = wk + (size_t)(mod->m + 8) * (size_t)k, *Jtr = JtJ + (size_t)k * (size_t)k;
	double *theta = Jtr + k, *x0 = theta + k;

	for (int s = 0; s < steps; s++) {
		double base[2 + FC_MAXM];
		bool better = false;

		if (ets_normal_eq(mod, y, n, wk, JtJ, Jtr) != 0)
			break;
		for (int c = 0; c < k; c++)
			Jtr[c] = -Jtr[c];
		if (fc_solve_spd(JtJ, Jtr, k) != 0)
			break;
		/* theta is the free part of the current states. */
		theta[0] = mod->x0[0];
		if (mod->trend != 'N')
			theta[1] = mod->x0[1];
		for (int i = 0; i + 1 + (mod->trend != 'N') < k; i++)
			theta[1 + (mod->trend != 'N') + i] = mod->x0[2 + i];
		memcpy(base, mod->x0, sizeof base);
		for (double step = 1; step > 0.05; step *= 0.5) {
			double trial[2 + FC_MAXM], l;

			for (int c = 0; c < k; c++)
				x0[c] = theta[c] + step * Jtr[c];
			memcpy(trial, base, sizeof trial);
			ets_unpack(mod, x0, trial);
			if (!ets_x0_ok(mod, trial))
				continue;
			l = ets_pass(mod, trial, y, n, true, NULL, NULL, NULL);
			if (l < lik) {
				memcpy(mod->x0, trial, sizeof trial);
				better = lik - l > 1e-6;
				lik = l;
				break;
			}
		}
		if (!better)
			break;
	}
	return lik;
}

/* The starting states of R's ets (initstate): seasonal states from a
 * classical decomposition, level and growth from a regression on the first
 * seasonally adjusted values. The seasonal states are then scaled to the
 * sum the model keeps (0 or m). Returns 0 or -1. */
static int ets_heuristic(struct fc_ets *mod, const double *y, int n)
{
	const int m = mod->m;
	double idx[FC_MAXM];
	int maxn;
	double sx = 0, sy = 0, sxx = 0, sxy = 0;

	memset(mod->x0, 0, sizeof mod->x0);
	if (mod->season != 'N') {
		double sum = 0;

		if (fc_decompose(y, n, m, mod->season == 'M', idx) != 0)
			return -1;
		for (int i = 0; i < m; i++) {
			if (mod->season == 'M')
				idx[i] = fmax(idx[i], 0.01);
			sum += idx[i];
		}
		for (int i = 0; i < m; i++) {
			if (mod->season == 'M')
				idx[i] *= m / sum;
			else
				idx[i] -= sum / m;
			/* s0[i] is the state of position m-1-i. */
			mod->x0[2 + i] = idx[m - 1 - i];
		}
	}
	maxn = n < (m * 2 > 10 ? m * 2 : 10) ? n : (m * 2 > 10 ? m * 2 : 10);
	for (int t = 0; t < maxn; t++) {
		double v = y[t];

		if (mod->season == 'A')
			v -= idx[t % m];
		else if (mod->season == 'M')
			v /= idx[t % m];
		sx += t + 1;
		sy += v;
		sxx += (double)(t + 1) * (t + 1);
		sxy += (t + 1) * v;
	}
	if (mod->trend == 'N' || maxn < 2) {
		mod->x0[0] = sy / maxn;
	} else {
		double den = maxn * sxx - sx * sx;
		double slope = den > 0 ? (maxn * sxy - sx * sy) / den : 0;

		mod->x0[0] = (sy - slope * sx) / maxn;
		mod->x0[1] = slope;
		if (fabs(mod->x0[0] + slope) < 1e-8) {
			mod->x0[0] *= 1 + 1e-3;
			mod->x0[1] *= 1 - 1e-3;
		}
	}
	return 0;
}

/* Moves the search's start to the best of a few values of alpha: the
 * likelihood of the multiplicative forms especially can have a second
 * basin far from the usual small-alpha start. */
static void ets_alpha_grid(struct ets_ctx *ctx, double *u, double lik)
{
	static const double grid[] = { 0.02, 0.1, 0.3, 0.6, 0.95 };
	double best[4], trial[4];

	memcpy(best, u, (size_t)ctx->d * sizeof *u);
	for (size_t i = 0; i < sizeof grid / sizeof grid[0]; i++) {
		double f;

		memcpy(trial, u, (size_t)ctx->d * sizeof *u);
		trial[0] = grid[i];
		f = ets_objective(trial, ctx);
		if (f < lik) {
			lik = f;
			memcpy(best, trial, sizeof trial);
		}
	}
	memcpy(u, best, (size_t)ctx->d * sizeof *u);
}

/* The rounds of the fit: the evaluations Nelder-Mead may spend in each. A
 * round starts with the states re-solved for the current parameters, and
 * the fit stops early once a round gains less than ETS_ROUND_GAIN. */
static const int ets_round_evals[] = { 100, 80, 60 };
#define ETS_ROUNDS ((int)(sizeof ets_round_evals / sizeof ets_round_evals[0]))
#define ETS_ROUND_GAIN 1e-3

int fc_ets_fit_begin(const double *y, int n, int m, char error, char trend, char season,
                     bool damped, const struct fc_ets *start, struct fc_ets_fitting *f)
{
	struct fc_ets *mod = &f->mod;
	int k, d;

	memset(f, 0, sizeof *f);
	mod->error = error;
	mod->trend = trend;
	mod->season = season;
	mod->damped = damped && trend != 'N';
	mod->m = season == 'N' ? 1 : m;
	mod->beta = mod->gamma = 0;
	mod->phi = 1;
	if (season != 'N' && (m < 2 || m > FC_MAXM || n < 2 * m))
		return -1;
	if (error == 'M' || season == 'M')
		for (int t = 0; t < n; t++)
			if (!(y[t] > 0))
				return -1;
	k = ets_nfree(mod);
	d = 1 + (trend != 'N') + (season != 'N') + mod->damped;
	/* R's ets skips a form with as many parameters as data points less one. */
	if (k + d >= n - 1)
		return -1;
	if (start != NULL && start->trend == trend && start->season == season && start->m == mod->m) {
		memcpy(mod->x0, start->x0, sizeof mod->x0);
		mod->alpha = start->alpha;
		mod->beta = start->beta;
		mod->gamma = start->gamma;
		mod->phi = mod->damped ? (start->damped ? start->phi : 0.97) : 1;
		if (!ets_x0_ok(mod, mod->x0))
			start = NULL;
	} else {
		start = NULL;
	}
	if (start == NULL) {
		if (ets_heuristic(mod, y, n) != 0)
			return -1;
		/* R's initparam: a small alpha for seasonal data, beta and
		 * gamma near their lower bounds, phi near its upper one. */
		mod->alpha = FC_PAR_LO + 0.2 * (FC_PAR_HI - FC_PAR_LO) / mod->m;
		mod->beta = FC_PAR_LO + 0.1 * (mod->alpha - FC_PAR_LO);
		mod->gamma = FC_PAR_LO + 0.05 * (1 - mod->alpha - FC_PAR_LO);
		mod->phi = mod->damped ? FC_PHI_LO + 0.99 * (FC_PHI_HI - FC_PHI_LO) : 1;
	}
	mod->np = k + d + 1;
	f->from_start = start != NULL;
	f->lik = ets_pass(mod, mod->x0, y, n, true, NULL, NULL, NULL);
	return 0;
}

/* The working memory of ets_gn for a model. */
static double *ets_wk(const struct fc_ets *mod)
{
	size_t k = (size_t)ets_nfree(mod);

	return malloc(((size_t)(mod->m + 8) * k + k * k + 3 * k) * sizeof(double));
}

int fc_ets_fit_rounds(struct fc_ets_fitting *f, const double *y, int n, int upto)
{
	struct fc_ets *mod = &f->mod;
	const int gn_steps = mod->error == 'M' || mod->season == 'M' ? 3 : 1;
	struct ets_ctx ctx;
	double u[4], *wk;

	if (f->done || f->round >= upto)
		return 0;
	wk = ets_wk(mod);
	if (wk == NULL)
		return -1;
	ctx.mod = mod;
	ctx.y = y;
	ctx.n = n;
	ctx.d = mod->np - 1 - ets_nfree(mod);
	for (; f->round < upto && f->round < ETS_ROUNDS; f->round++) {
		const int r = f->round;
		double before = f->lik, lik = f->lik, found, keep[4];

		lik = ets_gn(mod, y, n, wk, gn_steps, lik);
		keep[0] = mod->alpha;
		keep[1] = mod->beta;
		keep[2] = mod->gamma;
		keep[3] = mod->phi;
		ets_get_params(mod, u);
		if (r == 0 && !f->from_start)
			ets_alpha_grid(&ctx, u, lik);
		found = fc_nelder_mead(ets_objective, &ctx, u, ctx.d, r == 0 && !f->from_start ? 0.2 : 0.1,
		                       ets_round_evals[r] / (f->from_start ? 2 : 1), NULL);
		if (found < lik) {
			ets_set_params(mod, u);
			lik = found;
		} else {
			mod->alpha = keep[0];
			mod->beta = keep[1];
			mod->gamma = keep[2];
			mod->phi = keep[3];
		}
		f->lik = lik;
		if (!(before - lik > ETS_ROUND_GAIN)) {
			f->done = true;
			break;
		}
	}
	if (f->round >= ETS_ROUNDS)
		f->done = true;
	free(wk);
	return 0;
}

double fc_ets_fit_aicc(const struct fc_ets_fitting *f, int n)
{
	const int np = f->mod.np;

	if (n - np - 1 <= 0 || !isfinite(f->lik))
		return INFINITY;
	return f->lik + 2.0 * np + 2.0 * np * (np + 1) / (double)(n - np - 1);
}

int fc_ets_fit_end(struct fc_ets_fitting *f, const double *y, int n, struct fc_ets *out)
{
	struct fc_ets *mod = &f->mod;
	const int k = ets_nfree(mod), d = mod->np - 1 - k;
	double lik, sse = 0, *wk = ets_wk(mod);
	int nfit;

	if (wk == NULL)
		return -1;
	/* The states re-solved for the final parameters. */
	ets_gn(mod, y, n, wk, mod->error == 'M' || mod->season == 'M' ? 3 : 1,
	       ets_pass(mod, mod->x0, y, n, true, NULL, NULL, NULL));
	free(wk);
	lik = ets_pass(mod, mod->x0, y, n, true, NULL, NULL, &sse);
	if (!isfinite(lik))
		return -1;
	mod->lik = lik;
	nfit = n - (k + d);
	mod->sigma2 = sse / (nfit > 0 ? nfit : n);
	mod->aicc = lik + 2.0 * mod->np + 2.0 * mod->np * (mod->np + 1) / (double)(n - mod->np - 1);
	if (n - mod->np - 1 <= 0)
		mod->aicc = INFINITY;
	if (!mod->damped)
		mod->phi = 1;
	*out = *mod;
	return 0;
}

int fc_ets_fit(const double *y, int n, int m, char error, char trend, char season,
               bool damped, const struct fc_ets *start, struct fc_ets *out)
{
	struct fc_ets_fitting f;

	if (fc_ets_fit_begin(y, n, m, error, trend, season, damped, start, &f) != 0
	    || fc_ets_fit_rounds(&f, y, n, INT_MAX) != 0)
		return -1;
	return fc_ets_fit_end(&f, y, n, out);
}

void fc_ets_name(const struct fc_ets *mod, char *buf, size_t size)
{
	snprintf(buf, size, "ETS(%c,%s,%c)", mod->error,
	         mod->trend == 'N' ? "N" : mod->damped ? "Ad" : "A", mod->season);
}

/* The point forecasts from the state after the data: mu (h values) and,
 * when mu_ns is not NULL, the same without the seasonal component. */
static void ets_point(const struct fc_ets *mod, const struct ets_state *st, int n, int h,
                      double *mu, double *mu_ns)
{
	double phih = 0, pw = 1;

	for (int i = 0; i < h; i++) {
		double f;

		if (mod->trend != 'N') {
			pw *= mod->damped ? mod->phi : 1;
			phih += pw;
		}
		f = st->l + phih * st->b;
		if (mu_ns != NULL)
			mu_ns[i] = f;
		if (mod->season == 'A')
			f += st->ring[(n + i) % mod->m];
		else if (mod->season == 'M')
			f *= st->ring[(n + i) % mod->m];
		mu[i] = f;
	}
}

/* Keeps a variance finite and non-negative whatever the recursion did. */
static double var_clean(double v)
{
	return isfinite(v) ? (v > 0 ? (v < 1e300 ? v : 1e300) : 0) : 1e300;
}

int fc_ets_forecast(const struct fc_ets *mod, const double *y, int n, struct fc_out *out)
{
	struct ets_state st;
	const int h = out->h;
	double sse, s2 = mod->sigma2;
	double c[FC_MAX_HORIZON], theta[FC_MAX_HORIZON], mu[FC_MAX_HORIZON];

	if (h < 1 || h > FC_MAX_HORIZON)
		return -1;
	if (!isfinite(ets_pass(mod, mod->x0, y, n, false, out->fitted, &st, &sse)))
		return -1;
	ets_point(mod, &st, n, h, out->mean, mu);
	out->alpha = mod->alpha;
	out->beta = mod->trend != 'N' ? mod->beta : NAN;
	out->gamma = mod->season != 'N' ? mod->gamma : NAN;
	out->phi = mod->damped ? mod->phi : NAN;
	out->sigma2 = s2;
	out->aicc = mod->aicc;
	fc_ets_name(mod, out->model, sizeof out->model);
	if (out->var == NULL)
		return 0;
	/* c[j] is the weight of the error j steps back in the forecast:
	 * alpha + beta (phi + ... + phi^j) + gamma when j is a whole number
	 * of seasons. The class-3 approximation takes the non-seasonal part. */
	{
		double phij = 0, pw = 1;

		for (int j = 1; j < h; j++) {
			if (mod->trend != 'N') {
				pw *= mod->damped ? mod->phi : 1;
				phij += pw;
			}
			c[j] = mod->alpha + mod->beta * phij;
			if (mod->season != 'N' && mod->season != 'M' && j % mod->m == 0)
				c[j] += mod->gamma;
		}
	}
	if (mod->error == 'A' && mod->season != 'M') {
		/* Class 1: v = sigma2 (1 + sum c_j^2). */
		double acc = 1;

		for (int i = 0; i < h; i++) {
			if (i > 0)
				acc += c[i] * c[i];
			out->var[i] = var_clean(s2 * acc);
		}
		return 0;
	}
	/* Class 2 (theta recursion of Hyndman et al. 2008, ch. 6) on the full
	 * forecast, or for class 3 on its non-seasonal part. */
	{
		const bool class3 = mod->season == 'M';
		const double *base = class3 ? mu : out->mean;

		for (int i = 0; i < h; i++) {
			double t = base[i] * base[i];

			for (int j = 1; j <= i; j++)
				t += s2 * c[j] * c[j] * theta[i - j];
			theta[i] = var_clean(t);
			if (!class3) {
				out->var[i] = var_clean((1 + s2) * theta[i] - base[i] * base[i]);
			} else {
				/* Class 3, approximately: the seasonal state of the
				 * step, and a factor for each season it is updated. */
				double s = st.ring[(n + i) % mod->m];
				double v = theta[i] * (1 + s2) * pow(1 + mod->gamma * mod->gamma * s2, i / mod->m)
				           - base[i] * base[i];

				out->var[i] = var_clean(s * s * v);
			}
		}
	}
	return 0;
}

int fc_ets_run(const struct fc_ets_spec *spec, const double *y, size_t n, int horizon,
               double *mean, double *fitted)
{
	struct fc_ets mod;
	struct ets_state st;

	if (spec == NULL || (y == NULL && n > 0) || mean == NULL || horizon < 0 || n > FC_MAX_LENGTH)
		return -1;
	if ((spec->error != 'A' && spec->error != 'M') || (spec->trend != 'N' && spec->trend != 'A')
	    || (spec->season != 'N' && spec->season != 'A' && spec->season != 'M'))
		return -1;
	if (spec->season != 'N' && (spec->period < 1 || spec->period > FC_MAXM))
		return -1;
	memset(&mod, 0, sizeof mod);
	mod.error = spec->error;
	mod.trend = spec->trend;
	mod.season = spec->season;
	mod.damped = spec->damped && spec->trend != 'N';
	mod.m = spec->season == 'N' ? 1 : spec->period;
	mod.alpha = spec->alpha;
	mod.beta = spec->beta;
	mod.gamma = spec->gamma;
	mod.phi = spec->phi;
	if (mod.trend != 'N' && !(fabs(mod.alpha) > 0))
		return -1;
	mod.x0[0] = spec->l0;
	mod.x0[1] = spec->b0;
	if (mod.season != 'N')
		memcpy(mod.x0 + 2, spec->s0, (size_t)mod.m * sizeof *spec->s0);
	if (mod.error == 'M' || mod.season == 'M')
		for (size_t t = 0; t < n; t++)
			if (!(y[t] > 0))
				return -1;
	for (size_t t = 0; t < n; t++)
		if (!isfinite(y[t]))
			return -1;
	if (!isfinite(ets_pass(&mod, mod.x0, y, (int)n, false, fitted, &st, NULL)))
		return -1;
	ets_point(&mod, &st, (int)n, horizon, mean, NULL);
	for (int i = 0; i < horizon; i++)
		if (!isfinite(mean[i]))
			return -1;
	return 0;
}
