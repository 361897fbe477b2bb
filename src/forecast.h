/* forecast: the demand-forecasting engine. Pure computation: a series of
 * numbers in, point forecasts, prediction intervals and back-test accuracy
 * out. No database, no I/O, no globals; safe to call from any process. */
#ifndef SENTIA_FORECAST_H
#define SENTIA_FORECAST_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* The methods, in the order of fc_method_names. FC_AUTO chooses (see
 * fc_forecast); the others are fitted as asked. */
enum fc_method {
	FC_AUTO = 0,
	FC_NAIVE,          /* last value */
	FC_SNAIVE,         /* value one season ago */
	FC_MOVING_AVERAGE, /* mean of the last k values, k chosen by in-sample error */
	FC_SES,            /* ETS(A,N,N) */
	FC_HOLT,           /* ETS(A,A,N) */
	FC_DAMPED,         /* ETS(A,Ad,N) */
	FC_HW_ADDITIVE,    /* ETS(A,A,A) */
	FC_HW_MULTIPLICATIVE,        /* ETS(M,A,M) */
	FC_HW_ADDITIVE_DAMPED,       /* ETS(A,Ad,A) */
	FC_HW_MULTIPLICATIVE_DAMPED, /* ETS(M,Ad,M) */
	FC_THETA,          /* Assimakopoulos & Nikolopoulos (2000), with classical
	                    * multiplicative deseasonalising when a test says so */
	FC_CROSTON,        /* intermittent demand */
	FC_SBA,            /* Syntetos-Boylan approximation of Croston */
	FC_METHOD__MAX
};

/* The longest horizon the engine accepts. */
#define FC_MAX_HORIZON 1000
/* The longest series the engine accepts; longer ones keep their most recent
 * FC_MAX_LENGTH values. */
#define FC_MAX_LENGTH 100000

/* What a call asks for. */
struct fc_options {
	enum fc_method method;
	int period;        /* seasonal period: 1 (none) to 366; ETS seasonal forms
	                    * up to 24, longer ones deseasonalised first */
	int horizon;       /* 1 .. FC_MAX_HORIZON */
	bool nonnegative;  /* demand: clamp point forecasts and bounds at 0 */
	int backtest_origins; /* rolling origins for accuracy; 0 skips the back-test */
};

/* Rolling-origin back-test accuracy. A measure that is undefined (MAPE with
 * a zero actual, MASE with a constant history) is NAN. */
struct fc_accuracy {
	int origins;       /* origins actually used (fewer when history is short) */
	double mae, rmse, mape, smape, mase;
};

/* One forecast. The caller provides the arrays, each of horizon doubles. */
struct fc_result {
	double *mean, *lo80, *hi80, *lo95, *hi95;
	enum fc_method method;  /* the method used (never FC_AUTO); for a combination
	                         * or an ETS form the enum has no name for, the
	                         * method of its leading part's trend and season */
	char model[48];         /* exactly what ran, e.g. "ETS(M,Ad,M)", "Theta", "mean of ..." */
	double alpha, beta, gamma, phi; /* fitted smoothing parameters, NAN where the model has none */
	double sigma2;          /* one-step residual variance: of relative errors for a
	                         * lone multiplicative-error ETS model (as R reports it),
	                         * else in the data's units; a combination's is the
	                         * mean squared error of its combined fit */
	double aicc;            /* NAN for methods without a likelihood and for combinations */
	struct fc_accuracy accuracy;
};

/* Points out's five arrays into one block of 5 * horizon doubles (means,
 * then lo80, hi80, lo95, hi95) and clears the rest of out. */
static inline void fc_result_init(struct fc_result *out, double *block, int horizon)
{
	memset(out, 0, sizeof *out);
	out->mean = block;
	out->lo80 = block + horizon;
	out->hi80 = block + 2 * horizon;
	out->lo95 = block + 3 * horizon;
	out->hi95 = block + 4 * horizon;
}

/* Status of fc_forecast. */
enum fc_status {
	FC_OK = 0,
	FC_TOO_SHORT,      /* too little history for the method: the message says how much is needed */
	FC_BAD_INPUT,      /* a bad option or a non-finite value that is not a missing period */
	FC_NOMEM
};

/* Forecasts y[0..n-1] (NAN marks a missing period) opts->horizon steps
 * ahead into out. On anything but FC_OK, err (errlen bytes) holds a message
 * a user can act on, in plain words. Every number in out is finite. */
enum fc_status fc_forecast(const double *y, size_t n, const struct fc_options *opts,
                           struct fc_result *out, char *err, size_t errlen);

/* The method's name as the API and the command line spell it ("auto",
 * "naive", "snaive", "moving_average", "ses", "holt", "damped", "hw_additive",
 * "hw_multiplicative", "hw_additive_damped", "hw_multiplicative_damped",
 * "theta", "croston", "sba"); "unknown" for a value out of range. */
const char *fc_method_name(enum fc_method m);
/* The method named name, or -1. */
int fc_method_parse(const char *name);

/* A state-space ETS model with all its parameters and initial states given:
 * for tests that pin the recursions against independent implementations. */
struct fc_ets_spec {
	char error;        /* 'A' or 'M' */
	char trend;        /* 'N' or 'A' */
	char season;       /* 'N', 'A' or 'M' */
	bool damped;
	int period;
	double alpha, beta, gamma, phi;
	double l0, b0;
	double s0[366];    /* s0[0] is the most recent initial seasonal state, as R's forecast package orders them */
};

/* Runs the model over y[0..n-1], then writes horizon point forecasts to
 * mean and the one-step fitted values to fitted (n doubles, may be NULL).
 * Returns 0, or -1 when the model cannot be run (e.g. a multiplicative
 * model meets a value <= 0). */
int fc_ets_run(const struct fc_ets_spec *spec, const double *y, size_t n, int horizon,
               double *mean, double *fitted);

#endif
