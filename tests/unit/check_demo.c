/* check_demo: the seeded generator's distributions and the demo data's shape, ranges and patterns. */
#include "ac-config.h"

#include "civil.h"
#include "demo.h"
#include "rng.h"
#include "suites.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Check's ck_assert records the file and line on every call, a write to
 * its pipe; over the 8 MB of a data set that takes minutes. Checks inside
 * row loops therefore call Check only when they fail. */
#define EXPECT(expr) EXPECT_MSG(expr, "Assertion '%s' failed", #expr)
#define EXPECT_MSG(expr, ...) do { if (!(expr)) ck_abort_msg(__VA_ARGS__); } while (0)

#define MAX_FIELDS 16
#define MAX_LINE 1024
#define N_WEEKDAYS 7

/* The data set most tests read: seed 1, three years up to 30 June 2024,
 * made once before the tests fork, since it takes a moment under ASan. */
static struct demo_set shared;
static int32_t shared_first, shared_last;

static void shared_setup(void)
{
	struct demo_options opt = { 1, 0, 3, "USD" };

	shared_first = civil_days(2021, 7, 1);
	shared_last = civil_days(2024, 6, 30);
	opt.last_day = shared_last;
	if (demo_generate(&opt, &shared) < 0)
		memset(&shared, 0, sizeof shared);
}

static void shared_teardown(void)
{
	demo_set_free(&shared);
}

/* The six documents of a set, in their order. */
static void set_docs(const struct demo_set *set, const struct buf *docs[6])
{
	docs[0] = &set->channels;
	docs[1] = &set->products;
	docs[2] = &set->sales;
	docs[3] = &set->inventory;
	docs[4] = &set->receivables;
	docs[5] = &set->payables;
}

/* One CSV record, split in place: fields point into line. */
struct record {
	char line[MAX_LINE];
	char *field[MAX_FIELDS];
	int n;
};

/* Reads the record at *cur into rec, honouring quoted fields, and moves
 * *cur past its LF. Returns 1, or 0 at the end of the document. A record
 * that is too long or too wide fails the test. */
static int next_record(const char **cur, struct record *rec)
{
	const char *p = *cur;
	size_t len = 0;
	int quoted = 0;

	if (p == NULL || *p == '\0')
		return 0;
	rec->n = 1;
	rec->field[0] = rec->line;
	for (;;) {
		char c = *p;

		EXPECT_MSG(c != '\0', "record without a final LF");
		EXPECT(len < MAX_LINE - 1);
		p++;
		if (quoted) {
			if (c == '"' && *p == '"')
				p++;
			else if (c == '"') {
				quoted = 0;
				continue;
			}
			rec->line[len++] = c;
		} else if (c == '"') {
			quoted = 1;
		} else if (c == ',') {
			rec->line[len++] = '\0';
			EXPECT(rec->n < MAX_FIELDS);
			rec->field[rec->n++] = rec->line + len;
		} else if (c == '\n') {
			break;
		} else {
			EXPECT_MSG(c != '\r', "CR in a record");
			rec->line[len++] = c;
		}
	}
	rec->line[len] = '\0';
	*cur = p;
	return 1;
}

/* The first line of a document, which must be its header. */
static void assert_header(const struct buf *doc, const char *want)
{
	size_t n = strlen(want);

	ck_assert_ptr_nonnull(doc->data);
	ck_assert_uint_gt(doc->len, n);
	ck_assert_int_eq(memcmp(doc->data, want, n), 0);
	ck_assert_int_eq(doc->data[n], '\n');
}

/* The day of a strict YYYY-MM-DD date, or INT32_MIN when s is not one. */
static int32_t parse_date(const char *s)
{
	int y;
	unsigned m, d;
	char back[11];
	int32_t day;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return INT32_MIN;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return INT32_MIN;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (m < 1 || m > 12 || d < 1 || d > civil_month_length(y, m))
		return INT32_MIN;
	day = civil_days(y, m, d);
	civil_format(day, back);
	return strcmp(back, s) == 0 ? day : INT32_MIN;
}

/* A date field that must lie in [from, to]. */
static int32_t date_in(const char *s, int32_t from, int32_t to)
{
	int32_t day = parse_date(s);

	EXPECT_MSG(day != INT32_MIN, "bad date '%s'", s);
	EXPECT_MSG(day >= from && day <= to, "date %s out of range", s);
	return day;
}

/* A plain non-negative decimal integer, or -1. */
static long long parse_uint(const char *s)
{
	long long v = 0;

	if (*s == '\0' || strlen(s) > 12)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* An amount of money with 2 or 4 decimal places, in cents (4 places must
 * be whole cents here), or -1. */
static long long parse_cents(const char *s)
{
	const char *dot = strchr(s, '.');
	char whole[16];
	long long units, frac;
	size_t places;

	if (dot == NULL || dot == s || (size_t)(dot - s) >= sizeof whole)
		return -1;
	places = strlen(dot + 1);
	if (places != 2 && places != 4)
		return -1;
	memcpy(whole, s, (size_t)(dot - s));
	whole[dot - s] = '\0';
	units = parse_uint(whole);
	frac = parse_uint(dot + 1);
	if (units < 0 || frac < 0 || (places == 4 && frac % 100 != 0))
		return -1;
	return units * 100 + (places == 4 ? frac / 100 : frac);
}

/* The names in the first column of a document, collected for look-ups. */
struct names {
	char name[64][80];
	int n;
};

static void collect_names(const struct buf *doc, struct names *out)
{
	const char *cur = doc->data;
	struct record rec;

	out->n = 0;
	ck_assert(next_record(&cur, &rec));
	while (next_record(&cur, &rec)) {
		EXPECT(out->n < 64);
		EXPECT(strlen(rec.field[0]) < sizeof out->name[0]);
		strcpy(out->name[out->n++], rec.field[0]);
	}
}

/* The index of name in names, or -1. */
static int find_name(const struct names *names, const char *name)
{
	for (int i = 0; i < names->n; i++)
		if (strcmp(names->name[i], name) == 0)
			return i;
	return -1;
}

/* The number of data rows of a document, checking each has `fields` fields. */
static long count_rows(const struct buf *doc, int fields)
{
	const char *cur = doc->data;
	struct record rec;
	long rows = -1;

	while (next_record(&cur, &rec)) {
		EXPECT_MSG(rec.n == fields, "row %ld has %d fields", rows + 1, rec.n);
		rows++;
	}
	return rows;
}

START_TEST(test_rng_reproducible)
{
	struct rng a, b, c;
	int differ = 0;

	rng_seed(&a, 7);
	rng_seed(&b, 7);
	rng_seed(&c, 8);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = rng_next(&a);

		EXPECT(x == rng_next(&b));
		differ += x != rng_next(&c);
	}
	ck_assert_int_gt(differ, 990);
	/* Seed 0 must not give the all-zero state, which only yields zeros. */
	rng_seed(&a, 0);
	ck_assert_uint_ne(rng_next(&a) | rng_next(&a), 0);
}
END_TEST

START_TEST(test_rng_uniform_mean)
{
	struct rng r;
	double sum = 0.0;

	rng_seed(&r, 42);
	for (int i = 0; i < 100000; i++) {
		double u = rng_uniform(&r);

		EXPECT(u >= 0.0 && u < 1.0);
		sum += u;
	}
	/* The standard error of the mean is 0.29 / sqrt(1e5), under 0.001. */
	ck_assert_double_eq_tol(sum / 100000, 0.5, 0.005);
}
END_TEST

START_TEST(test_rng_below_bounds)
{
	static const uint32_t bounds[] = { 1, 2, 3, 7, 1000, 0x80000001u, 0xffffffffu };
	struct rng r;
	unsigned counts[7] = { 0 };

	rng_seed(&r, 3);
	ck_assert_uint_eq(rng_below(&r, 0), 0);
	for (size_t k = 0; k < sizeof bounds / sizeof bounds[0]; k++)
		for (int i = 0; i < 10000; i++)
			EXPECT(rng_below(&r, bounds[k]) < bounds[k]);
	for (int i = 0; i < 70000; i++)
		counts[rng_below(&r, 7)]++;
	for (int i = 0; i < 7; i++)
		EXPECT_MSG(counts[i] > 9500 && counts[i] < 10500, "value %d drawn %u times", i, counts[i]);
}
END_TEST

START_TEST(test_rng_poisson_mean)
{
	static const double means[] = { 0.3, 2.5, 9.9, 10.0, 40.0, 250.0 };
	struct rng r;

	rng_seed(&r, 11);
	ck_assert_uint_eq(rng_poisson(&r, 0.0), 0);
	ck_assert_uint_eq(rng_poisson(&r, -1.0), 0);
	for (size_t k = 0; k < sizeof means / sizeof means[0]; k++) {
		double sum = 0.0, sq = 0.0, mean, var;
		int n = 20000;

		for (int i = 0; i < n; i++) {
			double x = rng_poisson(&r, means[k]);

			sum += x;
			sq += x * x;
		}
		mean = sum / n;
		var = sq / n - mean * mean;
		/* Five standard errors of the mean, and a variance near the mean. */
		ck_assert_double_eq_tol(mean, means[k], 5.0 * sqrt(means[k] / n));
		ck_assert_double_eq_tol(var / means[k], 1.0, 0.1);
	}
}
END_TEST

START_TEST(test_rng_gamma_and_normal)
{
	static const double shapes[] = { 0.3, 1.0, 3.0, 10.0 };
	struct rng r;
	double sum = 0.0, sq = 0.0;
	int n = 20000;

	rng_seed(&r, 5);
	for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
		double s = 0.0;

		for (int i = 0; i < n; i++) {
			double g = rng_gamma(&r, shapes[k]);

			EXPECT(g >= 0.0);
			s += g;
		}
		ck_assert_double_eq_tol(s / n, shapes[k], 5.0 * sqrt(shapes[k] / n));
	}
	for (int i = 0; i < n; i++) {
		double z = rng_normal(&r);

		sum += z;
		sq += z * z;
	}
	ck_assert_double_eq_tol(sum / n, 0.0, 0.04);
	ck_assert_double_eq_tol(sq / n, 1.0, 0.05);
}
END_TEST

START_TEST(test_same_seed_same_bytes)
{
	struct demo_options opt = { 1, 0, 3, "USD" };
	struct demo_set a, b;
	const struct buf *pa[6], *pb[6], *ps[6];

	opt.last_day = shared_last;
	ck_assert_int_eq(demo_generate(&opt, &a), 0);
	ck_assert_int_eq(demo_generate(&opt, &b), 0);
	set_docs(&a, pa);
	set_docs(&b, pb);
	set_docs(&shared, ps);
	for (int i = 0; i < 6; i++) {
		ck_assert_uint_eq(pa[i]->len, pb[i]->len);
		ck_assert_int_eq(memcmp(pa[i]->data, pb[i]->data, pa[i]->len), 0);
		ck_assert_uint_eq(pa[i]->len, ps[i]->len);
		ck_assert_int_eq(memcmp(pa[i]->data, ps[i]->data, pa[i]->len), 0);
	}
	demo_set_free(&b);
	opt.seed = 2;
	ck_assert_int_eq(demo_generate(&opt, &b), 0);
	/* The catalogue is fixed; the drawn figures are not. */
	ck_assert_str_eq(a.products.data, b.products.data);
	EXPECT(a.sales.len != b.sales.len || memcmp(a.sales.data, b.sales.data, a.sales.len) != 0);
	ck_assert(a.inventory.len != b.inventory.len
		  || memcmp(a.inventory.data, b.inventory.data, a.inventory.len) != 0);
	ck_assert(a.receivables.len != b.receivables.len
		  || memcmp(a.receivables.data, b.receivables.data, a.receivables.len) != 0);
	demo_set_free(&a);
	demo_set_free(&b);
	ck_assert_ptr_null(b.sales.data);
}
END_TEST

START_TEST(test_headers)
{
	assert_header(&shared.channels, "name,type,receivable_terms_days");
	assert_header(&shared.products, "sku,name,category,unit_cost,selling_price,lead_time_days");
	assert_header(&shared.sales, "date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref");
	assert_header(&shared.inventory, "date,sku,location,on_hand,reserved,inbound,unit_cost");
	assert_header(&shared.receivables,
		      "invoice_ref,customer,channel,amount,currency,issued_on,due_on,paid_on");
	assert_header(&shared.payables, "bill_ref,supplier,amount,currency,issued_on,due_on,paid_on");
}
END_TEST

/* Field counts, plain ASCII and row counts within what three years of
 * 50 products on 3 channels should give. */
START_TEST(test_row_shapes_and_counts)
{
	const struct buf *docs[6];
	long rows;

	set_docs(&shared, docs);
	for (int i = 0; i < 6; i++)
		for (size_t k = 0; k < docs[i]->len; k++)
			EXPECT_MSG(docs[i]->data[k] == '\n' || (docs[i]->data[k] >= 0x20 && docs[i]->data[k] < 0x7f),
				      "document %d byte %zu is not printable ASCII", i, k);
	ck_assert_int_eq(count_rows(&shared.channels, 3), 3);
	rows = count_rows(&shared.products, 6);
	ck_assert(rows >= 40 && rows <= 60);
	rows = count_rows(&shared.sales, 8);
	ck_assert_msg(rows >= 100000 && rows <= 170000, "%ld sales rows", rows);
	/* 36 month ends, 2 locations, 50 products less those not yet launched. */
	rows = count_rows(&shared.inventory, 7);
	ck_assert_msg(rows >= 3000 && rows <= 36 * 2 * 50, "%ld inventory rows", rows);
	/* 8 customers invoiced weekly for 156 weeks. */
	rows = count_rows(&shared.receivables, 8);
	ck_assert_msg(rows >= 1000 && rows <= 1400, "%ld receivables", rows);
	rows = count_rows(&shared.payables, 7);
	ck_assert_msg(rows >= 300 && rows <= 1000, "%ld payables", rows);
}
END_TEST

START_TEST(test_channels_and_products)
{
	static const char *const types[] = { "retail", "wholesale", "ecommerce", "distributor", "direct", "other" };
	const char *cur = shared.channels.data;
	struct record rec;
	struct names skus;

	ck_assert(next_record(&cur, &rec));
	while (next_record(&cur, &rec)) {
		int known = 0;

		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			known |= strcmp(rec.field[1], types[i]) == 0;
		EXPECT_MSG(known, "channel type '%s'", rec.field[1]);
		ck_assert_int_ge(parse_uint(rec.field[2]), 0);
	}
	collect_names(&shared.products, &skus);
	cur = shared.products.data;
	ck_assert(next_record(&cur, &rec));
	for (int row = 0; next_record(&cur, &rec); row++) {
		const char *sku = rec.field[0];
		long long cost = parse_cents(rec.field[3]), price = parse_cents(rec.field[4]);
		long long lead = parse_uint(rec.field[5]);

		EXPECT(strlen(sku) >= 1 && strlen(sku) <= 64);
		ck_assert_uint_eq(strspn(sku, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"),
				  strlen(sku));
		EXPECT_MSG(find_name(&skus, sku) == row, "sku %s repeated", sku);
		EXPECT(strlen(rec.field[1]) >= 1 && strlen(rec.field[1]) <= 200);
		EXPECT(strlen(rec.field[2]) >= 1);
		EXPECT_MSG(cost > 0 && price > cost, "%s: cost %s, price %s", sku, rec.field[3], rec.field[4]);
		EXPECT(lead >= 3 && lead <= 60);
	}
}
END_TEST

START_TEST(test_sales_rows)
{
	const char *cur;
	struct record rec;
	struct names skus, chans;
	long long unit_cost[64];
	int32_t prev_day = INT32_MIN;
	int prev_sku = 0, prev_chan = 0;

	collect_names(&shared.products, &skus);
	collect_names(&shared.channels, &chans);
	/* Unit costs by product, to check each row's cogs. */
	cur = shared.products.data;
	ck_assert(next_record(&cur, &rec));
	for (int i = 0; next_record(&cur, &rec); i++)
		unit_cost[i] = parse_cents(rec.field[3]);
	cur = shared.sales.data;
	ck_assert(next_record(&cur, &rec));
	while (next_record(&cur, &rec)) {
		int32_t day = date_in(rec.field[0], shared_first, shared_last);
		int sku = find_name(&skus, rec.field[1]);
		int chan = find_name(&chans, rec.field[2]);
		long long qty = parse_uint(rec.field[3]);
		long long price = parse_cents(rec.field[4]);
		long long net = parse_cents(rec.field[5]);
		long long cogs = parse_cents(rec.field[6]);

		EXPECT_MSG(sku >= 0, "unknown sku %s", rec.field[1]);
		EXPECT_MSG(chan >= 0, "unknown channel %s", rec.field[2]);
		EXPECT_MSG(qty > 0, "quantity '%s'", rec.field[3]);
		EXPECT(price > 0 && net > 0 && cogs > 0);
		/* A promotion's discount lowers net revenue by at most a quarter
		 * (give or take the rounding cent). */
		EXPECT(net <= qty * price && (net + 1) * 4 >= qty * price * 3);
		EXPECT(cogs == qty * unit_cost[sku]);
		EXPECT(rec.field[7][0] == '\0');
		/* Sorted by date, product and channel, hence no duplicate key. */
		EXPECT(day > prev_day || (day == prev_day && (sku > prev_sku || (sku == prev_sku && chan > prev_chan))));
		prev_day = day;
		prev_sku = sku;
		prev_chan = chan;
	}
	ck_assert_int_eq(prev_day, shared_last);
}
END_TEST

START_TEST(test_inventory_rows)
{
	const char *cur = shared.inventory.data;
	struct record rec;
	struct names skus;
	int32_t last_seen = INT32_MIN;
	int snapshots = 0;

	collect_names(&shared.products, &skus);
	ck_assert(next_record(&cur, &rec));
	while (next_record(&cur, &rec)) {
		int32_t day = date_in(rec.field[0], shared_first, shared_last);
		int y;
		unsigned m, d;
		long long on_hand = parse_uint(rec.field[3]);
		long long reserved = parse_uint(rec.field[4]);
		long long inbound = parse_uint(rec.field[5]);

		civil_from_days(day, &y, &m, &d);
		EXPECT_MSG(d == civil_month_length(y, m) || day == shared_last, "snapshot on %s", rec.field[0]);
		EXPECT(find_name(&skus, rec.field[1]) >= 0);
		EXPECT(strcmp(rec.field[2], "") != 0);
		EXPECT(on_hand >= 0 && inbound >= 0);
		EXPECT(reserved >= 0 && reserved <= on_hand);
		EXPECT(parse_cents(rec.field[6]) > 0);
		if (day != last_seen) {
			EXPECT(day > last_seen);
			last_seen = day;
			snapshots++;
		}
	}
	ck_assert_int_eq(snapshots, 36);
	ck_assert_int_eq(last_seen, shared_last);
}
END_TEST

/* The checks receivables and payables share: a unique, increasing
 * reference with the given prefix and the issue year, an amount, the
 * currency and dates in order. Counts open and overdue rows. */
static void check_money_rows(const struct buf *doc, const char *prefix, int amount_col,
			     int *open, int *overdue, int *late)
{
	const char *cur = doc->data;
	struct record rec;
	char prev[64] = "";
	size_t plen = strlen(prefix);

	*open = *overdue = *late = 0;
	ck_assert(next_record(&cur, &rec));
	while (next_record(&cur, &rec)) {
		const char *ref = rec.field[0];
		int32_t issued = date_in(rec.field[amount_col + 2], shared_first, shared_last);
		int32_t due = date_in(rec.field[amount_col + 3], issued, shared_last + 90);
		const char *paid = rec.field[amount_col + 4];
		int y;
		unsigned m, d;
		char year[5];

		civil_from_days(issued, &y, &m, &d);
		snprintf(year, sizeof year, "%04d", y);
		EXPECT(strlen(ref) == plen + 12);
		EXPECT(strncmp(ref, prefix, plen) == 0);
		EXPECT(strncmp(ref + plen + 1, year, 4) == 0);
		EXPECT(strcmp(ref, prev) > 0);
		strcpy(prev, ref);
		EXPECT(strcmp(rec.field[1], "") != 0);
		EXPECT(parse_cents(rec.field[amount_col]) > 0);
		EXPECT(strcmp(rec.field[amount_col + 1], "USD") == 0);
		if (*paid == '\0') {
			(*open)++;
			*overdue += due < shared_last;
		} else {
			int32_t p = date_in(paid, issued, shared_last);

			*late += p > due;
		}
	}
}

START_TEST(test_receivables_rows)
{
	const char *cur;
	struct record rec;
	struct names chans;
	int terms[3], open, overdue, late;

	collect_names(&shared.channels, &chans);
	ck_assert_int_eq(chans.n, 3);
	cur = shared.channels.data;
	ck_assert(next_record(&cur, &rec));
	for (int i = 0; i < 3 && next_record(&cur, &rec); i++)
		terms[i] = (int)parse_uint(rec.field[2]);
	cur = shared.receivables.data;
	ck_assert(next_record(&cur, &rec));
	while (next_record(&cur, &rec)) {
		int chan = find_name(&chans, rec.field[2]);

		EXPECT_MSG(chan >= 0, "unknown channel %s", rec.field[2]);
		/* The due date is the issue date plus the channel's terms. */
		EXPECT(parse_date(rec.field[6]) - parse_date(rec.field[5]) == terms[chan]);
	}
	check_money_rows(&shared.receivables, "INV", 3, &open, &overdue, &late);
	/* The latest weeks are open, a few older ones overdue, some paid late. */
	ck_assert_int_ge(open, 10);
	ck_assert_int_ge(overdue, 1);
	ck_assert_int_lt(overdue, 60);
	ck_assert_int_ge(late, 50);
}
END_TEST

START_TEST(test_payables_rows)
{
	const char *cur = shared.payables.data;
	struct record rec;
	int open, overdue, late;

	ck_assert(next_record(&cur, &rec));
	while (next_record(&cur, &rec)) {
		int32_t terms = parse_date(rec.field[5]) - parse_date(rec.field[4]);

		EXPECT(terms >= 30 && terms <= 60);
	}
	check_money_rows(&shared.payables, "BILL", 2, &open, &overdue, &late);
	ck_assert_int_ge(open, 5);
	ck_assert_int_lt(late, 150);
}
END_TEST

/* Summer (June to August) outsells winter (December to February); retail's
 * best weekday beats its worst; wholesale hardly orders at weekends. */
START_TEST(test_seasonality_visible)
{
	const char *cur = shared.sales.data;
	struct record rec;
	struct names chans;
	long long by_month[13] = { 0 }, by_weekday[3][N_WEEKDAYS] = { { 0 } };
	long long best, worst, weekday_avg, weekend_avg;

	collect_names(&shared.channels, &chans);
	ck_assert_int_eq(chans.n, 3);
	ck_assert(next_record(&cur, &rec));
	while (next_record(&cur, &rec)) {
		int32_t day = parse_date(rec.field[0]);
		int y;
		unsigned m, d;
		long long qty = parse_uint(rec.field[3]);

		civil_from_days(day, &y, &m, &d);
		by_month[m] += qty;
		by_weekday[find_name(&chans, rec.field[2])][civil_weekday(day) - 1] += qty;
	}
	ck_assert_int_gt(by_month[6] + by_month[7] + by_month[8],
			 (by_month[12] + by_month[1] + by_month[2]) * 5 / 4);
	best = worst = by_weekday[0][0];
	for (int w = 1; w < N_WEEKDAYS; w++) {
		best = by_weekday[0][w] > best ? by_weekday[0][w] : best;
		worst = by_weekday[0][w] < worst ? by_weekday[0][w] : worst;
	}
	ck_assert_int_gt(best, worst * 13 / 10);
	/* Saturday is retail's best day. */
	ck_assert_int_eq(best, by_weekday[0][5]);
	weekday_avg = (by_weekday[1][0] + by_weekday[1][1] + by_weekday[1][2] + by_weekday[1][3] + by_weekday[1][4]) / 5;
	weekend_avg = (by_weekday[1][5] + by_weekday[1][6]) / 2;
	ck_assert_int_lt(weekend_avg * 5, weekday_avg);
}
END_TEST

/* The catalogue shows a long tail, intermittent products and launches:
 * some products sell on well under half the days, some start late. */
START_TEST(test_product_patterns)
{
	const char *cur = shared.sales.data;
	struct record rec;
	struct names skus;
	int32_t first_sale[64], last_counted[64];
	int sale_days[64] = { 0 }, intermittent = 0, launched = 0;
	int32_t ndays = shared_last - shared_first + 1;

	collect_names(&shared.products, &skus);
	for (int i = 0; i < 64; i++)
		first_sale[i] = last_counted[i] = INT32_MAX;
	ck_assert(next_record(&cur, &rec));
	while (next_record(&cur, &rec)) {
		int32_t day = parse_date(rec.field[0]);
		int sku = find_name(&skus, rec.field[1]);

		if (first_sale[sku] == INT32_MAX)
			first_sale[sku] = day;
		if (last_counted[sku] != day) {
			last_counted[sku] = day;
			sale_days[sku]++;
		}
	}
	for (int i = 0; i < skus.n; i++) {
		EXPECT_MSG(first_sale[i] != INT32_MAX, "%s never sells", skus.name[i]);
		launched += first_sale[i] > shared_first + ndays / 4;
		intermittent += first_sale[i] < shared_first + 30 && sale_days[i] < ndays / 2;
	}
	ck_assert(launched >= 2 && launched <= 4);
	ck_assert(intermittent >= 2 && intermittent <= 4);
}
END_TEST

START_TEST(test_options)
{
	struct demo_options opt = { 9, 0, 1, "EUR" };
	struct demo_set set;
	const char *cur;
	struct record rec;
	long rows;

	/* A leap day ends the history; one year starts on 1 March. */
	opt.last_day = civil_days(2024, 2, 29);
	ck_assert_int_eq(demo_generate(&opt, &set), 0);
	cur = set.sales.data;
	ck_assert(next_record(&cur, &rec));
	ck_assert(next_record(&cur, &rec));
	ck_assert_str_eq(rec.field[0], "2023-03-01");
	rows = count_rows(&set.sales, 8);
	ck_assert(rows >= 100000 / 3 && rows <= 170000 / 3);
	cur = set.payables.data;
	ck_assert(next_record(&cur, &rec));
	ck_assert(next_record(&cur, &rec));
	ck_assert_str_eq(rec.field[3], "EUR");
	demo_set_free(&set);

	/* Bad options fail and leave the set empty. */
	opt.currency = "eur";
	ck_assert_int_eq(demo_generate(&opt, &set), -1);
	ck_assert_ptr_null(set.sales.data);
	opt.currency = "EURO";
	ck_assert_int_eq(demo_generate(&opt, &set), -1);
	opt.currency = NULL;
	opt.last_day = civil_days(3000, 1, 1);
	ck_assert_int_eq(demo_generate(&opt, &set), -1);
	opt.last_day = civil_days(1901, 6, 30);
	opt.years = 2;
	ck_assert_int_eq(demo_generate(&opt, &set), -1);
	opt.last_day = civil_days(2024, 2, 29);
	opt.years = 21;
	ck_assert_int_eq(demo_generate(&opt, &set), -1);
	ck_assert_ptr_null(set.channels.data);

	/* No currency means USD; no years means three. */
	opt.years = 0;
	opt.seed = 1;
	opt.last_day = shared_last;
	ck_assert_int_eq(demo_generate(&opt, &set), 0);
	ck_assert_uint_eq(set.receivables.len, shared.receivables.len);
	ck_assert_int_eq(memcmp(set.receivables.data, shared.receivables.data, set.receivables.len), 0);
	demo_set_free(&set);
}
END_TEST

Suite *demo_suite(void)
{
	Suite *s = suite_create("demo");
	TCase *rng = tcase_create("rng");
	TCase *data = tcase_create("data");

	tcase_add_test(rng, test_rng_reproducible);
	tcase_add_test(rng, test_rng_uniform_mean);
	tcase_add_test(rng, test_rng_below_bounds);
	tcase_add_test(rng, test_rng_poisson_mean);
	tcase_add_test(rng, test_rng_gamma_and_normal);
	suite_add_tcase(s, rng);

	/* Generating under the sanitizers takes longer than Check's default. */
	tcase_set_timeout(data, 60);
	tcase_add_unchecked_fixture(data, shared_setup, shared_teardown);
	tcase_add_test(data, test_same_seed_same_bytes);
	tcase_add_test(data, test_headers);
	tcase_add_test(data, test_row_shapes_and_counts);
	tcase_add_test(data, test_channels_and_products);
	tcase_add_test(data, test_sales_rows);
	tcase_add_test(data, test_inventory_rows);
	tcase_add_test(data, test_receivables_rows);
	tcase_add_test(data, test_payables_rows);
	tcase_add_test(data, test_seasonality_visible);
	tcase_add_test(data, test_product_patterns);
	tcase_add_test(data, test_options);
	suite_add_tcase(s, data);
	return s;
}
