/* forecast_opt: the numerical tools of the forecasting engine: a bounded Nelder-Mead search and a small SPD solver. */
#include "ac-config.h"

#include "forecast_internal.h"

#include <math.h>
#include <string.h>

#define NM_MAXD 8

/* Clamps every coordinate into [0,1]: the search works in the unit cube,
 * where the bounds of the parameters are the faces, so a point pushed out
 * of it lands on the bound that the optimum often sits on. */
static void clamp_unit(double *u, int d)
{
	for (int i = 0; i < d; i++)
		u[i] = u[i] < 0 ? 0 : u[i] > 1 ? 1 : u[i];
}

/* One Nelder-Mead run (reflection 1, expansion 2, contraction and shrink
 * 0.5) from u with the given step; returns the minimum found and leaves
 * the minimiser in u. */
static double nm_run(fc_objective f, void *ctx, double *u, int d, double step,
                     int maxeval, int *evals)
{
	double x[NM_MAXD + 1][NM_MAXD], fx[NM_MAXD + 1];
	double c[NM_MAXD], xr[NM_MAXD], xe[NM_MAXD];
	int used = 0;

	for (int i = 0; i <= d; i++) {
		memcpy(x[i], u, (size_t)d * sizeof *u);
		if (i > 0) {
			/* Step inward when the start sits on or near a face. */
			x[i][i - 1] += u[i - 1] + step <= 1 ? step : -step;
			clamp_unit(x[i], d);
		}
		fx[i] = f(x[i], ctx);
		used++;
	}
	while (used < maxeval) {
		int best = 0, worst = 0, second;
		double fr, spread, size = 0;

		for (int i = 1; i <= d; i++) {
			if (fx[i] < fx[best])
				best = i;
			if (fx[i] > fx[worst])
				worst = i;
		}
		second = best;
		for (int i = 0; i <= d; i++)
			if (i != worst && fx[i] > fx[second])
				second = i;
		/* Converged when the values agree and the simplex is small. */
		spread = fx[worst] - fx[best];
		for (int i = 0; i <= d; i++)
			for (int j = 0; j < d; j++)
				size = fmax(size, fabs(x[i][j] - x[best][j]));
		if ((spread <= 1e-8 * (fabs(fx[best]) + 1e-8) && size < 1e-4) || size < 1e-9
		    || (!isfinite(fx[best]) && !isfinite(fx[worst])))
			break;
		for (int j = 0; j < d; j++) {
			c[j] = 0;
			for (int i = 0; i <= d; i++)
				if (i != worst)
					c[j] += x[i][j];
			c[j] /= d;
		}
		for (int j = 0; j < d; j++)
			xr[j] = c[j] + (c[j] - x[worst][j]);
		clamp_unit(xr, d);
		fr = f(xr, ctx);
		used++;
		if (fr < fx[best]) {
			double fe;

			for (int j = 0; j < d; j++)
				xe[j] = c[j] + 2 * (c[j] - x[worst][j]);
			clamp_unit(xe, d);
			fe = f(xe, ctx);
			used++;
			if (fe < fr) {
				memcpy(x[worst], xe, sizeof xe);
				fx[worst] = fe;
			} else {
				memcpy(x[worst], xr, sizeof xr);
				fx[worst] = fr;
			}
		} else if (fr < fx[second]) {
			memcpy(x[worst], xr, sizeof xr);
			fx[worst] = fr;
		} else {
			/* Contract toward the better of the worst and its reflection. */
			bool outside = fr < fx[worst];
			double fc;

			for (int j = 0; j < d; j++)
				xe[j] = outside ? c[j] + 0.5 * (xr[j] - c[j]) : c[j] + 0.5 * (x[worst][j] - c[j]);
			fc = f(xe, ctx);
			used++;
			if (fc < (outside ? fr : fx[worst])) {
				memcpy(x[worst], xe, sizeof xe);
				fx[worst] = fc;
			} else {
				for (int i = 0; i <= d && used < maxeval; i++) {
					if (i == best)
						continue;
					for (int j = 0; j < d; j++)
						x[i][j] = x[best][j] + 0.5 * (x[i][j] - x[best][j]);
					fx[i] = f(x[i], ctx);
					used++;
				}
			}
		}
	}
	{
		int best = 0;

		for (int i = 1; i <= d; i++)
			if (fx[i] < fx[best])
				best = i;
		memcpy(u, x[best], (size_t)d * sizeof *u);
		*evals += used;
		return fx[best];
	}
}

double fc_nelder_mead(fc_objective f, void *ctx, double *u, int d, double step,
                      int maxeval, int *evals)
{
	int used = 0;
	double best;

	if (d < 1 || d > NM_MAXD)
		return f(u, ctx);
	clamp_unit(u, d);
	best = nm_run(f, ctx, u, d, step, maxeval, &used);
	/* A simplex that collapsed onto a face, or stalled in a narrow
	 * valley, is rebuilt around the best point; stop once a restart no
	 * longer gains. */
	for (int r = 0; r < 3 && used < maxeval; r++) {
		double again = nm_run(f, ctx, u, d, step * 0.5, maxeval - used, &used);

		if (!(again < best - 1e-7 * (fabs(best) + 1e-7))) {
			best = fmin(best, again);
			break;
		}
		best = again;
	}
	if (evals != NULL)
		*evals += used;
	return best;
}

int fc_solve_spd(double *A, double *b, int k)
{
	double ridge = 0;

	for (int i = 0; i < k; i++)
		ridge = fmax(ridge, A[i * k + i]);
	if (!(ridge > 0) || !isfinite(ridge))
		return -1;
	/* A relative ridge keeps a rank-deficient system (a state the data
	 * never see, such as the trend of a flat series) solvable: the
	 * unseen direction simply gets no step. */
	ridge *= 1e-10;
	for (int i = 0; i < k; i++)
		A[i * k + i] += ridge;
	for (int j = 0; j < k; j++) {
		double s = A[j * k + j];

		for (int p = 0; p < j; p++)
			s -= A[j * k + p] * A[j * k + p];
		if (!(s > 0))
			return -1;
		s = sqrt(s);
		A[j * k + j] = s;
		for (int i = j + 1; i < k; i++) {
			double t = A[i * k + j];

			for (int p = 0; p < j; p++)
				t -= A[i * k + p] * A[j * k + p];
			A[i * k + j] = t / s;
		}
	}
	for (int i = 0; i < k; i++) {
		double t = b[i];

		for (int p = 0; p < i; p++)
			t -= A[i * k + p] * b[p];
		b[i] = t / A[i * k + i];
	}
	for (int i = k - 1; i >= 0; i--) {
		double t = b[i];

		for (int p = i + 1; p < k; p++)
			t -= A[p * k + i] * b[p];
		b[i] = t / A[i * k + i];
	}
	for (int i = 0; i < k; i++)
		if (!isfinite(b[i]))
			return -1;
	return 0;
}
