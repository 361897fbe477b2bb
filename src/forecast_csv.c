/* forecast_csv: reads every series of a long CSV and checks it all, then
 * forecasts the series one by one and writes their rows. */
#include "ac-config.h"

#include "forecast_csv.h"

#include "buf.h"
#include "csv.h"
#include "strmap.h"
#include "value.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Messages name the tool as the operator types it. */
#define WHO "sentiactl forecast"

/* The longest field quoted back in a message. */
#define QUOTE_MAX 40

/* One series: its id in the ids arena, its values in the values array. */
struct series {
	size_t id_off, id_len;
	size_t start, n;
	unsigned long line;     /* the line of its first row */
};

/* A document read and checked: all its series. */
struct doc {
	struct buf ids;         /* the ids end to end, each followed by a NUL */
	double *y;
	size_t ny, cap_y;
	struct series *s;
	size_t ns, cap_s;
	struct strmap seen;     /* id -> index in s */
};

/* A row's t: a whole number or a day, compared within its kind. */
struct t_key {
	int is_date;
	int64_t v;
	unsigned long line;
};

void forecast_csv_options_init(struct forecast_csv_options *o)
{
	memset(o, 0, sizeof *o);
	o->method = FC_AUTO;
	o->nonnegative = true;
}

static void doc_free(struct doc *d)
{
	buf_free(&d->ids);
	free(d->y);
	free(d->s);
	strmap_free(&d->seen);
}

/* Parses a decimal number as people and spreadsheets write them: an
 * optional sign, digits with an optional '.', an optional exponent
 * ("12", "-0.5", "3.", ".25", "1e-3"); no spaces, no hex, no "nan" or
 * "inf". Returns 0 with *v, or -1. */
static int parse_number(const char *s, size_t len, double *v)
{
	char tmp[64], *end;
	size_t i = 0, digits = 0;

	if (len == 0 || len >= sizeof tmp)
		return -1;
	if (s[i] == '+' || s[i] == '-')
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (digits == 0)
		return -1;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp_digits = 0;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, exp_digits++;
		if (exp_digits == 0)
			return -1;
	}
	if (i != len)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	*v = strtod(tmp, &end);
	if (end != tmp + len || !isfinite(*v))
		return -1;
	return 0;
}

/* Parses t: a whole number, else a YYYY-MM-DD date. Returns 0, or -1. */
static int parse_t(const char *s, size_t len, struct t_key *t)
{
	int32_t days;

	if (value_int(s, len, INT64_MIN, INT64_MAX, &t->v) == VALUE_OK) {
		t->is_date = 0;
		return 0;
	}
	if (value_date(s, len, &days) == VALUE_OK) {
		t->is_date = 1;
		t->v = days;
		return 0;
	}
	return -1;
}

/* The field as a quoted excerpt for a message: its length for %.*s. */
static int excerpt(size_t len)
{
	return (int)(len > QUOTE_MAX ? QUOTE_MAX : len);
}

/* Starts a new series for the id at line. Returns 0, or -1 with a
 * message on errs (the id came before, or no memory). */
static int series_start(struct doc *d, const struct csv_field *id, unsigned long line, FILE *errs)
{
	int64_t prev;
	int rc;

	if (d->ns == d->cap_s) {
		size_t cap = d->cap_s ? d->cap_s * 2 : 64;
		struct series *p = realloc(d->s, cap * sizeof *p);

		if (p == NULL) {
			fprintf(errs, WHO ": out of memory reading the series\n");
			return -1;
		}
		d->s = p;
		d->cap_s = cap;
	}
	rc = strmap_put(&d->seen, id->s, id->len, (int64_t)d->ns, &prev);
	if (rc < 0) {
		fprintf(errs, WHO ": out of memory reading the series\n");
		return -1;
	}
	if (rc == 0) {
		fprintf(errs,
		        WHO ": line %lu: the rows of series \"%.*s\" began on line %lu and other series came between;"
		        " the rows of a series must be together (sort the file by id, then t)\n",
		        line, excerpt(id->len), id->s, d->s[prev].line);
		return -1;
	}
	d->s[d->ns].id_off = d->ids.len;
	d->s[d->ns].id_len = id->len;
	d->s[d->ns].start = d->ny;
	d->s[d->ns].n = 0;
	d->s[d->ns].line = line;
	if (buf_append(&d->ids, id->s, id->len) < 0 || buf_putc(&d->ids, '\0') < 0) {
		fprintf(errs, WHO ": out of memory reading the series\n");
		return -1;
	}
	d->ns++;
	return 0;
}

/* Appends one value to the current series. Returns 0, or -1. */
static int series_push(struct doc *d, double v, FILE *errs)
{
	if (d->ny == d->cap_y) {
		size_t cap = d->cap_y ? d->cap_y * 2 : 1024;
		double *p = realloc(d->y, cap * sizeof *p);

		if (p == NULL) {
			fprintf(errs, WHO ": out of memory reading the series\n");
			return -1;
		}
		d->y = p;
		d->cap_y = cap;
	}
	d->y[d->ny++] = v;
	d->s[d->ns - 1].n++;
	return 0;
}

/* Reads the header into col (the document columns of id, t and value).
 * Returns 0, or -1 with a message on errs. */
static int read_header(struct csv_reader *r, int col[3], FILE *errs)
{
	static const char *const names[3] = { "id", "t", "value" };
	int rc = csv_next(r);

	col[0] = col[1] = col[2] = -1;
	if (rc == CSV_END) {
		fprintf(errs, WHO ": the input is empty: it should start with the header id,t,value\n");
		return -1;
	}
	if (rc == CSV_ERROR) {
		fprintf(errs, WHO ": line %lu: the header is malformed: %s\n", r->error_line, r->error);
		return -1;
	}
	for (size_t i = 0; i < r->nfields; i++) {
		const struct csv_field *f = &r->fields[i];
		int k;

		for (k = 0; k < 3; k++)
			if (f->len == strlen(names[k]) && memcmp(f->s, names[k], f->len) == 0)
				break;
		if (k == 3) {
			fprintf(errs, WHO ": line %lu: unknown column \"%.*s\" in the header; the columns are id,t,value\n",
			        r->line, excerpt(f->len), f->s);
			return -1;
		}
		if (col[k] >= 0) {
			fprintf(errs, WHO ": line %lu: column \"%s\" appears twice in the header\n", r->line, names[k]);
			return -1;
		}
		col[k] = (int)i;
	}
	for (int k = 0; k < 3; k++)
		if (col[k] < 0) {
			fprintf(errs, WHO ": line %lu: the header has no column \"%s\"; the columns are id,t,value\n",
			        r->line, names[k]);
			return -1;
		}
	return 0;
}

/* Reads and checks the whole document into d. Returns 0, or -1 with the
 * first problem on errs. */
static int read_doc(struct doc *d, const char *data, size_t len, FILE *errs)
{
	struct csv_reader r;
	struct t_key last = { 0, 0, 0 };
	int col[3], rc = 0;

	csv_init(&r, data, len);
	if (read_header(&r, col, errs) < 0) {
		csv_free(&r);
		return -1;
	}
	while (rc == 0) {
		const struct csv_field *id, *tf, *vf;
		struct t_key t;
		double v;
		int st = csv_next(&r);

		if (st == CSV_END)
			break;
		if (st == CSV_ERROR) {
			fprintf(errs, WHO ": line %lu: %s\n", r.line, r.error);
			rc = -1;
			break;
		}
		if (r.nfields != 3) {
			fprintf(errs, WHO ": line %lu: %zu field%s where the header has 3 (id,t,value)\n", r.line, r.nfields,
			        r.nfields == 1 ? "" : "s");
			rc = -1;
			break;
		}
		id = &r.fields[col[0]];
		tf = &r.fields[col[1]];
		vf = &r.fields[col[2]];
		if (id->len == 0) {
			fprintf(errs, WHO ": line %lu: the id is empty\n", r.line);
			rc = -1;
			break;
		}
		if (parse_t(tf->s, tf->len, &t) < 0) {
			fprintf(errs, WHO ": line %lu: t \"%.*s\" is neither a whole number nor a YYYY-MM-DD date\n", r.line,
			        excerpt(tf->len), tf->s);
			rc = -1;
			break;
		}
		t.line = r.line;
		if (vf->len == 0) {
			v = NAN;
		} else if (parse_number(vf->s, vf->len, &v) < 0) {
			fprintf(errs, WHO ": line %lu: value \"%.*s\" is not a number (leave it empty for a missing period)\n",
			        r.line, excerpt(vf->len), vf->s);
			rc = -1;
			break;
		}
		if (d->ns == 0 || id->len != d->s[d->ns - 1].id_len ||
		    memcmp(id->s, d->ids.data + d->s[d->ns - 1].id_off, id->len) != 0) {
			if (series_start(d, id, r.line, errs) < 0) {
				rc = -1;
				break;
			}
		} else if (t.is_date != last.is_date) {
			fprintf(errs, WHO ": line %lu: t \"%.*s\" is %s, but on line %lu, in the same series, it is %s\n",
			        r.line, excerpt(tf->len), tf->s, t.is_date ? "a date" : "a whole number", last.line,
			        last.is_date ? "a date" : "a whole number");
			rc = -1;
			break;
		} else if (t.v <= last.v) {
			fprintf(errs,
			        WHO ": line %lu: t \"%.*s\" is not after the t of line %lu in series \"%.*s\";"
			        " t must ascend within a series (sort the file by id, then t)\n",
			        r.line, excerpt(tf->len), tf->s, last.line, excerpt(id->len), id->s);
			rc = -1;
			break;
		}
		last = t;
		if (series_push(d, v, errs) < 0)
			rc = -1;
	}
	csv_free(&r);
	return rc;
}

/* Writes a CSV field, quoted when it has a comma, a quote or a line break. */
static void put_field(FILE *out, const char *s, size_t len)
{
	if (memchr(s, ',', len) == NULL && memchr(s, '"', len) == NULL && memchr(s, '\n', len) == NULL &&
	    memchr(s, '\r', len) == NULL) {
		fwrite(s, 1, len, out);
		return;
	}
	putc('"', out);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			putc('"', out);
		putc(s[i], out);
	}
	putc('"', out);
}

/* x, with -0 as 0: a clamped bound prints as 0, not -0. */
static double nozero(double x)
{
	return x == 0 ? 0.0 : x;
}

/* Writes one series' forecast rows. */
static void put_rows(FILE *out, const char *id, size_t id_len, const struct fc_result *res, int horizon)
{
	size_t mlen = strnlen(res->model, sizeof res->model);
	const char *method = mlen > 0 ? res->model : fc_method_name(res->method);

	if (method == NULL)
		method = "?";
	if (mlen == 0)
		mlen = strlen(method);

	for (int k = 0; k < horizon; k++) {
		put_field(out, id, id_len);
		fprintf(out, ",%d,%.10g,%.10g,%.10g,%.10g,%.10g,", k + 1, nozero(res->mean[k]), nozero(res->lo80[k]),
		        nozero(res->hi80[k]), nozero(res->lo95[k]), nozero(res->hi95[k]));
		put_field(out, method, mlen);
		putc('\n', out);
	}
}

int forecast_csv_run(const char *data, size_t len, const struct forecast_csv_options *opts, FILE *out, FILE *errs)
{
	struct doc d = { BUF_INIT, NULL, 0, 0, NULL, 0, 0, STRMAP_INIT };
	struct fc_options fo;
	struct fc_result res;
	double *arrays;
	size_t failed = 0;
	int rc = 0;

	if (opts->horizon < 1 || opts->horizon > FC_MAX_HORIZON) {
		fprintf(errs, WHO ": the horizon is %d; it must be from 1 to %d\n", opts->horizon, FC_MAX_HORIZON);
		return 2;
	}
	if (opts->period < 1) {
		fprintf(errs, WHO ": the period is %d; it must be 1 (no season) or more\n", opts->period);
		return 2;
	}
	if ((int)opts->method < 0 || opts->method >= FC_METHOD__MAX) {
		fprintf(errs, WHO ": no such method (%d)\n", (int)opts->method);
		return 2;
	}
	if (read_doc(&d, data, len, errs) < 0) {
		doc_free(&d);
		return 2;
	}
	arrays = calloc(5 * (size_t)opts->horizon, sizeof *arrays);
	if (arrays == NULL) {
		fprintf(errs, WHO ": out of memory\n");
		doc_free(&d);
		return 2;
	}
	memset(&fo, 0, sizeof fo);
	fo.method = opts->method;
	fo.period = opts->period;
	fo.horizon = opts->horizon;
	fo.nonnegative = opts->nonnegative;
	fo.backtest_origins = 0;
	fputs("id,k,forecast,lo80,hi80,lo95,hi95,method\n", out);
	for (size_t i = 0; i < d.ns && rc != 2; i++) {
		const struct series *s = &d.s[i];
		const char *id = d.ids.data + s->id_off;
		char err[256] = "";
		enum fc_status st;

		fc_result_init(&res, arrays, opts->horizon);
		st = fc_forecast(d.y + s->start, s->n, &fo, &res, err, sizeof err);
		if (st == FC_OK) {
			put_rows(out, id, s->id_len, &res, opts->horizon);
		} else if (st == FC_NOMEM) {
			fprintf(errs, WHO ": out of memory forecasting series \"%s\"\n", id);
			rc = 2;
		} else {
			fprintf(errs, WHO ": series \"%s\" (line %lu, %zu period%s): %s\n", id, s->line, s->n,
			        s->n == 1 ? "" : "s", err[0] != '\0' ? err : "cannot be forecast");
			failed++;
		}
	}
	if (rc == 0 && failed > 0) {
		fprintf(errs, WHO ": %zu of %zu series could not be forecast\n", failed, d.ns);
		rc = 1;
	}
	if (d.ns == 0)
		fprintf(errs, WHO ": the input has a header but no rows: nothing to forecast\n");
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(errs, WHO ": cannot write the forecasts: %s\n", strerror(errno));
		rc = 2;
	}
	free(arrays);
	doc_free(&d);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sentiactl " FORECAST_CSV_USAGE "\n"
	           "  --input FILE      CSV with the header id,t,value (- for standard input): the rows of\n"
	           "                    a series together, t ascending (whole numbers or YYYY-MM-DD),\n"
	           "                    value empty for a missing period\n"
	           "  --horizon H       periods to forecast, 1 to %d\n"
	           "  --period P        seasonal period: 1 (none), 4 quarterly, 7 daily, 12 monthly, 52 weekly\n"
	           "  --method METHOD   auto (the default) or one of:",
	        FC_MAX_HORIZON);
	for (int m = FC_AUTO + 1, col = 50; m < FC_METHOD__MAX; m++) {
		const char *name = fc_method_name((enum fc_method)m);
		int w = (int)strlen(name) + 1;

		if (col + w > 90) {
			fputs("\n                   ", f);
			col = 19;
		}
		fprintf(f, " %s", name);
		col += w;
	}
	fprintf(f, "\n"
	           "  --output FILE     where the forecasts go (default standard output): the header\n"
	           "                    id,k,forecast,lo80,hi80,lo95,hi95,method, a row per series and step\n"
	           "  --allow-negative  let forecasts and bounds go below 0 (they do not by default: demand)\n"
	           "Exit status: 0 all series forecast, 1 some could not be (named on standard error),\n"
	           "2 bad arguments or a bad input file (its first problem named with its line).\n");
}

/* Parses a whole number in [min, max] from an argument. Returns 0, or -1. */
static int arg_int(const char *s, int min, int max, int *out)
{
	int64_t v;

	if (value_int(s, strlen(s), min, max, &v) != VALUE_OK)
		return -1;
	*out = (int)v;
	return 0;
}

/* Writes the forecasts to path through a temporary file renamed at the
 * end, so that a bad input leaves an earlier output as it was. Devices
 * and pipes are written directly. */
static int run_to_file(const struct buf *doc, const struct forecast_csv_options *o, const char *path)
{
	struct buf tmp = BUF_INIT;
	struct stat sb;
	FILE *f;
	int rc;

	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		if ((f = fopen(path, "w")) == NULL) {
			fprintf(stderr, WHO ": %s: %s\n", path, strerror(errno));
			return 2;
		}
		rc = forecast_csv_run(doc->data, doc->len, o, f, stderr);
		if (fclose(f) != 0 && rc < 2) {
			fprintf(stderr, WHO ": %s: %s\n", path, strerror(errno));
			rc = 2;
		}
		return rc;
	}
	if (buf_printf(&tmp, "%s.tmp%ld", path, (long)getpid()) < 0) {
		fprintf(stderr, WHO ": out of memory\n");
		return 2;
	}
	if ((f = fopen(tmp.data, "w")) == NULL) {
		fprintf(stderr, WHO ": cannot write next to %s: %s\n", path, strerror(errno));
		buf_free(&tmp);
		return 2;
	}
	rc = forecast_csv_run(doc->data, doc->len, o, f, stderr);
	if (fclose(f) != 0 && rc < 2) {
		fprintf(stderr, WHO ": %s: %s\n", tmp.data, strerror(errno));
		rc = 2;
	}
	if (rc < 2 && rename(tmp.data, path) != 0) {
		fprintf(stderr, WHO ": cannot rename %s to %s: %s\n", tmp.data, path, strerror(errno));
		rc = 2;
	}
	if (rc == 2)
		unlink(tmp.data);
	buf_free(&tmp);
	return rc;
}

int forecast_csv_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "horizon", required_argument, NULL, 'H' },
		{ "period", required_argument, NULL, 'p' },
		{ "method", required_argument, NULL, 'm' },
		{ "allow-negative", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct forecast_csv_options o;
	struct buf doc = BUF_INIT;
	const char *input = NULL, *output = NULL;
	int opt, m, rc;

	forecast_csv_options_init(&o);
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i': input = optarg; break;
		case 'o': output = optarg; break;
		case 'n': o.nonnegative = false; break;
		case 'h': usage(stdout); return 0;
		case 'H':
			if (arg_int(optarg, 1, FC_MAX_HORIZON, &o.horizon) < 0) {
				fprintf(stderr, WHO ": --horizon %s: a whole number from 1 to %d\n", optarg, FC_MAX_HORIZON);
				return 2;
			}
			break;
		case 'p':
			if (arg_int(optarg, 1, FC_MAX_LENGTH, &o.period) < 0) {
				fprintf(stderr, WHO ": --period %s: a whole number from 1 (no season) up\n", optarg);
				return 2;
			}
			break;
		case 'm':
			if ((m = fc_method_parse(optarg)) < 0) {
				fprintf(stderr, WHO ": --method %s: no such method\n", optarg);
				usage(stderr);
				return 2;
			}
			o.method = (enum fc_method)m;
			break;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || input == NULL || o.horizon == 0 || o.period == 0) {
		if (optind != argc)
			fprintf(stderr, WHO ": unexpected argument %s\n", argv[optind]);
		else
			fprintf(stderr, WHO ": --input, --horizon and --period are required\n");
		usage(stderr);
		return 2;
	}
	if (buf_read_file(&doc, strcmp(input, "-") == 0 ? "/dev/stdin" : input, 0) != 0) {
		fprintf(stderr, WHO ": %s: %s\n", input, strerror(errno));
		buf_free(&doc);
		return 2;
	}
	if (output == NULL || strcmp(output, "-") == 0)
		rc = forecast_csv_run(doc.data, doc.len, &o, stdout, stderr);
	else
		rc = run_to_file(&doc, &o, output);
	buf_free(&doc);
	return rc;
}
