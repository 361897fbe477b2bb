/* forecast_csv: forecasting many series from a long-format CSV (id,t,value)
 * into a CSV of forecasts and intervals; sentiactl's forecast verb. */
#ifndef SENTIA_FORECAST_CSV_H
#define SENTIA_FORECAST_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "forecast.h"

/* The verb's usage line, for sentiactl's table of verbs. */
#define FORECAST_CSV_USAGE \
	"forecast --input FILE --horizon H --period P [--method METHOD] [--output FILE] [--allow-negative]"
/* What the verb does, in a line. */
#define FORECAST_CSV_HELP \
	"forecast every series of a CSV (id,t,value) H periods ahead, with 80% and 95% intervals, as CSV"

/* What a run asks for: one horizon, period and method for every series. */
struct forecast_csv_options {
	int horizon;             /* 1 .. FC_MAX_HORIZON */
	int period;              /* seasonal period, 1 for none */
	enum fc_method method;   /* FC_AUTO lets the engine choose per series */
	bool nonnegative;        /* demand: forecasts and bounds no lower than 0 */
};

/* Sets the defaults: horizon and period 0 (the caller must set them), the
 * method auto, forecasts non-negative. */
void forecast_csv_options_init(struct forecast_csv_options *o);

/* Forecasts every series of the CSV document data (len bytes; a header
 * naming id, t and value, then one row per period, the rows of an id
 * together and t ascending within them, t a whole number or a YYYY-MM-DD
 * date, value empty for a missing period) and writes to out the header
 * id,k,forecast,lo80,hi80,lo95,hi95,method and one row per series and step
 * k = 1..horizon. The whole document is checked before anything is
 * written. Returns 0 when every series was forecast; 1 when some could not
 * be (each named on errs with the reason; the others are written); 2 when
 * the options or the document are bad (the first problem, with its line,
 * on errs; nothing written), or out cannot be
 * written, or memory runs out. */
int forecast_csv_run(const char *data, size_t len, const struct forecast_csv_options *opts, FILE *out,
                     FILE *errs);

/* The verb: argv[0] is its name, then the options of FORECAST_CSV_USAGE
 * (--input - reads standard input; without --output the forecasts go to
 * standard output). Returns the exit status: that of forecast_csv_run, or
 * 2 after printing the usage on bad arguments or an unreadable file. */
int forecast_csv_main(int argc, char **argv);

#endif
