/* wcap: working-capital figures, their explanations, ageing and snapshots. */
#include "ac-config.h"

#include "wcap.h"
#include "buf.h"
#include "civil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every figure: the SQL column that holds it, how it is worked out, what
 * it is worked out from (other figures or counts of the same row), and why
 * it may be null. The statement below computes them; this table explains
 * them, to the user and to whoever changes the statement. */
static const struct wcap_figure {
	const char *name;
	const char *formula;
	const char *inputs[5];
	const char *null_reason;
} figures[] = {
	{ "revenue", "sum of net_revenue of the sales dated in the window", { "sales_rows" }, NULL },
	{ "cogs", "sum of cogs of the sales dated in the window", { "sales_rows" }, NULL },
	{ "receivables", "sum of amount of the invoices issued on or before as_of and not paid by then",
	  { "receivables_open" }, NULL },
	{ "payables", "sum of amount of the bills issued on or before as_of and not paid by then",
	  { "payables_open" }, NULL },
	{ "inventory_value", "sum of on_hand x unit_cost of the latest snapshot on or before as_of of each product and location",
	  { "inventory_positions", "inventory_oldest_snapshot", "inventory_newest_snapshot" }, NULL },
	{ "net_working_capital", "receivables + inventory_value - payables",
	  { "receivables", "inventory_value", "payables" }, NULL },
	{ "dso", "receivables / revenue x window_days", { "receivables", "revenue", "window_days" },
	  "no revenue in the window" },
	{ "dio", "inventory_value / cogs x window_days", { "inventory_value", "cogs", "window_days" },
	  "no cost of goods sold in the window" },
	{ "dpo", "payables / cogs x window_days", { "payables", "cogs", "window_days" },
	  "no cost of goods sold in the window" },
	{ "ccc", "dso + dio - dpo", { "dso", "dio", "dpo" }, "DSO, DIO or DPO is undefined" },
	{ "inventory_turnover", "cogs / inventory_value x 365 / window_days (annualised)",
	  { "cogs", "inventory_value", "window_days" }, "no inventory value on as_of" },
	{ "current_assets", "cash + other_current_assets + receivables + inventory_value",
	  { "cash", "other_current_assets", "balance_sheet_as_of" }, "no balance-sheet import dated within the window" },
	{ "current_liabilities", "payables + other_current_liabilities",
	  { "other_current_liabilities", "balance_sheet_as_of" }, "no balance-sheet import dated within the window" },
	{ "current_ratio", "current_assets / current_liabilities", { "current_assets", "current_liabilities" },
	  "no balance-sheet import dated within the window, or no current liabilities" },
	{ "quick_ratio", "(current_assets - inventory_value) / current_liabilities",
	  { "current_assets", "inventory_value", "current_liabilities" },
	  "no balance-sheet import dated within the window, or no current liabilities" },
};
#define NFIGURES (sizeof figures / sizeof figures[0])

/* The figures of each period. Days and ratios are rounded to two places
 * from the exact quotients; the cycle is summed from the rounded days so
 * that a reader can check it by hand. Open documents in other currencies
 * are left out (and listed by wcap_compute). A balance sheet counts when
 * it is dated within the window. */
static const char figures_sql[] =
	"SELECT as_of, window_days, revenue, cogs, sales_rows, receivables, receivables_open, payables, payables_open,"
	" inventory_value, inventory_positions, inventory_oldest_snapshot, inventory_newest_snapshot,"
	" net_working_capital, dso, dio, dpo, dso + dio - dpo AS ccc, inventory_turnover,"
	" balance_sheet_as_of, cash, other_current_assets, other_current_liabilities, current_assets,"
	" current_liabilities, round(ca / nullif(cl, 0), 2) AS current_ratio,"
	" round((ca - inv) / nullif(cl, 0), 2) AS quick_ratio"
	" FROM (SELECT to_char(p.as_of, 'YYYY-MM-DD') AS as_of, p.window_days,"
	"  round(s.revenue, 2) AS revenue, round(s.cogs, 2) AS cogs, s.n AS sales_rows,"
	"  round(r.amount, 2) AS receivables, r.n AS receivables_open,"
	"  round(y.amount, 2) AS payables, y.n AS payables_open,"
	"  round(i.value, 2) AS inventory_value, i.n AS inventory_positions,"
	"  to_char(i.oldest, 'YYYY-MM-DD') AS inventory_oldest_snapshot,"
	"  to_char(i.newest, 'YYYY-MM-DD') AS inventory_newest_snapshot,"
	"  round(r.amount + i.value - y.amount, 2) AS net_working_capital,"
	"  round(r.amount / nullif(s.revenue, 0) * p.window_days, 2) AS dso,"
	"  round(i.value / nullif(s.cogs, 0) * p.window_days, 2) AS dio,"
	"  round(y.amount / nullif(s.cogs, 0) * p.window_days, 2) AS dpo,"
	"  round(s.cogs / nullif(i.value, 0) * 365 / p.window_days, 2) AS inventory_turnover,"
	"  to_char(b.as_of, 'YYYY-MM-DD') AS balance_sheet_as_of, round(b.cash, 2) AS cash,"
	"  round(b.other_current_assets, 2) AS other_current_assets,"
	"  round(b.other_current_liabilities, 2) AS other_current_liabilities,"
	"  round(b.cash + b.other_current_assets + r.amount + i.value, 2) AS current_assets,"
	"  round(b.other_current_liabilities + y.amount, 2) AS current_liabilities,"
	"  b.cash + b.other_current_assets + r.amount + i.value AS ca, b.other_current_liabilities + y.amount AS cl,"
	"  i.value AS inv, p.as_of AS day"
	"  FROM unnest($1::date[], $2::integer[]) AS p (as_of, window_days)"
	"  CROSS JOIN LATERAL (SELECT coalesce(sum(net_revenue), 0) AS revenue, coalesce(sum(cogs), 0) AS cogs,"
	"   count(*) AS n FROM sales WHERE sale_date > p.as_of - p.window_days AND sale_date <= p.as_of) s"
	"  CROSS JOIN LATERAL (SELECT coalesce(sum(amount), 0) AS amount, count(*) AS n FROM receivables"
	"   WHERE currency = $3 AND issued_on <= p.as_of AND (paid_on IS NULL OR paid_on > p.as_of)) r"
	"  CROSS JOIN LATERAL (SELECT coalesce(sum(amount), 0) AS amount, count(*) AS n FROM payables"
	"   WHERE currency = $3 AND issued_on <= p.as_of AND (paid_on IS NULL OR paid_on > p.as_of)) y"
	"  CROSS JOIN LATERAL (SELECT coalesce(sum(on_hand * unit_cost), 0) AS value, count(*) AS n,"
	"   min(snapshot_date) AS oldest, max(snapshot_date) AS newest"
	"   FROM (SELECT DISTINCT ON (product_id, location) on_hand, unit_cost, snapshot_date"
	"    FROM inventory_snapshots WHERE snapshot_date <= p.as_of"
	"    ORDER BY product_id, location, snapshot_date DESC) latest) i"
	"  LEFT JOIN LATERAL (SELECT * FROM balance_sheet bs WHERE bs.as_of <= p.as_of"
	"   AND bs.as_of > p.as_of - p.window_days ORDER BY bs.as_of DESC LIMIT 1) b ON true) q"
	" ORDER BY day";

/* Open documents in other currencies on the day, by kind and currency. */
static const char excluded_sql[] =
	"SELECT kind, currency, count(*), round(sum(amount), 2) FROM ("
	" SELECT 'receivables' AS kind, currency, amount FROM receivables WHERE currency <> $2"
	"  AND issued_on <= $1::date AND (paid_on IS NULL OR paid_on > $1::date)"
	" UNION ALL SELECT 'payables', currency, amount FROM payables WHERE currency <> $2"
	"  AND issued_on <= $1::date AND (paid_on IS NULL OR paid_on > $1::date)) x"
	" GROUP BY kind, currency ORDER BY kind DESC, currency";

/* Runs a statement that returns rows; NULL with db->error set when it
 * could not. */
static PGresult *query(struct db *db, const char *sql, int n, const char *const *params)
{
	PGresult *r = db_exec(db, sql, n, params);

	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK)
		return r;
	if (r != NULL) {
		snprintf(db->error, sizeof db->error, "%s", PQresultErrorMessage(r));
		db->error[strcspn(db->error, "\n")] = '\0';
	}
	PQclear(r);
	return NULL;
}

/* Adds column name of the row to o under the same name. */
static void add_db_json_value(struct json_object *o, const PGresult *r, int row, const char *name)
{
	json_object_object_add(o, name, db_json_value(r, row, PQfnumber(r, name)));
}

/* The "figures" member: each figure's value, formula, inputs and reason. */
static struct json_object *explain_row(const PGresult *r, int row)
{
	struct json_object *all = json_object_new_object();

	for (size_t i = 0; i < NFIGURES; i++) {
		const struct wcap_figure *f = &figures[i];
		struct json_object *o = json_object_new_object(), *in = json_object_new_object();
		int col = PQfnumber(r, f->name);

		json_object_object_add(o, "value", db_json_value(r, row, col));
		json_object_object_add(o, "formula", json_object_new_string(f->formula));
		for (size_t k = 0; k < 5 && f->inputs[k] != NULL; k++)
			add_db_json_value(in, r, row, f->inputs[k]);
		json_object_object_add(o, "inputs", in);
		if (PQgetisnull(r, row, col) && f->null_reason != NULL)
			json_object_object_add(o, "reason", json_object_new_string(f->null_reason));
		json_object_object_add(all, f->name, o);
	}
	return all;
}

/* The "excluded" member for one day. */
static struct json_object *excluded(struct db *db, const char *currency, const char *day)
{
	const char *p[] = { day, currency };
	PGresult *r = query(db, excluded_sql, 2, p);
	struct json_object *a;

	if (r == NULL)
		return NULL;
	a = json_object_new_array();
	for (int i = 0; i < PQntuples(r); i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", db_json_value(r, i, 0));
		json_object_object_add(o, "currency", db_json_value(r, i, 1));
		json_object_object_add(o, "count", db_json_value(r, i, 2));
		json_object_object_add(o, "amount", db_json_value(r, i, 3));
		json_object_array_add(a, o);
	}
	PQclear(r);
	return a;
}

struct json_object *wcap_compute(struct db *db, const char *currency, const struct wcap_period *p, size_t n,
                                 int explain)
{
	struct buf days = BUF_INIT, windows = BUF_INIT;
	struct json_object *out = NULL;
	PGresult *r;

	buf_putc(&days, '{');
	buf_putc(&windows, '{');
	for (size_t i = 0; i < n; i++) {
		char d[11];

		civil_format(p[i].as_of, d);
		buf_printf(&days, "%s%s", i > 0 ? "," : "", d);
		buf_printf(&windows, "%s%ld", i > 0 ? "," : "", p[i].window_days);
	}
	buf_putc(&days, '}');
	buf_putc(&windows, '}');
	{
		const char *params[] = { days.data, windows.data, currency };

		r = query(db, figures_sql, 3, params);
	}
	if (r == NULL)
		goto out;
	out = json_object_new_array();
	for (int row = 0; row < PQntuples(r); row++) {
		struct json_object *o = json_object_new_object();

		add_db_json_value(o, r, row, "as_of");
		add_db_json_value(o, r, row, "window_days");
		json_object_object_add(o, "currency", json_object_new_string(currency));
		for (size_t i = 0; i < NFIGURES; i++)
			add_db_json_value(o, r, row, figures[i].name);
		if (explain) {
			struct json_object *x = excluded(db, currency, PQgetvalue(r, row, PQfnumber(r, "as_of")));

			if (x == NULL) {
				json_object_put(o);
				json_object_put(out);
				out = NULL;
				break;
			}
			json_object_object_add(o, "figures", explain_row(r, row));
			json_object_object_add(o, "excluded", x);
		}
		json_object_array_add(out, o);
	}
	PQclear(r);
out:
	buf_free(&days);
	buf_free(&windows);
	return out;
}

/* The ageing buckets, in order, with the days overdue each covers. */
static const struct {
	const char *name, *days;
} buckets[] = {
	{ "current", "not yet due" },
	{ "1_30", "1 to 30 days overdue" },
	{ "31_60", "31 to 60 days overdue" },
	{ "61_90", "61 to 90 days overdue" },
	{ "over_90", "more than 90 days overdue" },
};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

static const char ageing_sql[] =
	"SELECT kind, bucket, count(*), round(sum(amount), 2) FROM ("
	" SELECT kind, amount, CASE WHEN overdue <= 0 THEN 'current' WHEN overdue <= 30 THEN '1_30'"
	"  WHEN overdue <= 60 THEN '31_60' WHEN overdue <= 90 THEN '61_90' ELSE 'over_90' END AS bucket FROM ("
	"  SELECT 'receivables' AS kind, amount, $1::date - due_on AS overdue FROM receivables WHERE currency = $2"
	"   AND issued_on <= $1::date AND (paid_on IS NULL OR paid_on > $1::date)"
	"  UNION ALL SELECT 'payables', amount, $1::date - due_on FROM payables WHERE currency = $2"
	"   AND issued_on <= $1::date AND (paid_on IS NULL OR paid_on > $1::date)) x) y"
	" GROUP BY kind, bucket";

/* One kind's buckets, every bucket present (zero when empty), and total. */
static struct json_object *ageing_kind(const PGresult *r, const char *kind)
{
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	long long total_n = 0;

	for (size_t b = 0; b < NBUCKETS; b++) {
		struct json_object *e = json_object_new_object(), *count = json_object_new_int(0);
		struct json_object *amount = json_object_new_double_s(0, "0.00");

		for (int i = 0; i < PQntuples(r); i++) {
			if (strcmp(PQgetvalue(r, i, 0), kind) == 0 && strcmp(PQgetvalue(r, i, 1), buckets[b].name) == 0) {
				json_object_put(count);
				json_object_put(amount);
				count = db_json_value(r, i, 2);
				amount = db_json_value(r, i, 3);
				total_n += strtoll(PQgetvalue(r, i, 2), NULL, 10);
			}
		}
		json_object_object_add(e, "bucket", json_object_new_string(buckets[b].name));
		json_object_object_add(e, "days", json_object_new_string(buckets[b].days));
		json_object_object_add(e, "count", count);
		json_object_object_add(e, "amount", amount);
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "buckets", a);
	json_object_object_add(o, "count", json_object_new_int64(total_n));
	return o;
}

struct json_object *wcap_ageing(struct db *db, const char *currency, int32_t as_of)
{
	char day[11];
	const char *p[] = { day, currency };
	static const char totals_sql[] =
		"SELECT round(coalesce(sum(amount) FILTER (WHERE kind = 'r'), 0), 2),"
		" round(coalesce(sum(amount) FILTER (WHERE kind = 'p'), 0), 2) FROM ("
		" SELECT 'r' AS kind, amount FROM receivables WHERE currency = $2"
		"  AND issued_on <= $1::date AND (paid_on IS NULL OR paid_on > $1::date)"
		" UNION ALL SELECT 'p', amount FROM payables WHERE currency = $2"
		"  AND issued_on <= $1::date AND (paid_on IS NULL OR paid_on > $1::date)) x";
	PGresult *r, *t;
	struct json_object *o, *rec, *pay;

	civil_format(as_of, day);
	r = query(db, ageing_sql, 2, p);
	if (r == NULL)
		return NULL;
	t = query(db, totals_sql, 2, p);
	if (t == NULL) {
		PQclear(r);
		return NULL;
	}
	o = json_object_new_object();
	json_object_object_add(o, "as_of", json_object_new_string(day));
	json_object_object_add(o, "currency", json_object_new_string(currency));
	rec = ageing_kind(r, "receivables");
	json_object_object_add(rec, "amount", db_json_value(t, 0, 0));
	pay = ageing_kind(r, "payables");
	json_object_object_add(pay, "amount", db_json_value(t, 0, 1));
	json_object_object_add(o, "receivables", rec);
	json_object_object_add(o, "payables", pay);
	PQclear(r);
	PQclear(t);
	return o;
}

int wcap_snapshot(struct db *db, const char *currency, const struct wcap_period *p, const char *reason,
                  int64_t job_id)
{
	struct json_object *a = wcap_compute(db, currency, p, 1, 1);
	char day[11], window[24], job[24];
	int rc = -1;

	if (a == NULL)
		return -1;
	civil_format(p->as_of, day);
	snprintf(window, sizeof window, "%ld", p->window_days);
	snprintf(job, sizeof job, "%lld", (long long)job_id);
	if (json_object_array_length(a) == 1) {
		const char *params[] = { day, window, json_object_to_json_string_ext(json_object_array_get_idx(a, 0),
		                                                                      JSON_C_TO_STRING_PLAIN),
		                         reason, job_id > 0 ? job : NULL };

		rc = db_command(db, "INSERT INTO working_capital_snapshots (as_of, window_days, figures, reason, job_id)"
		                    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (as_of, window_days) DO UPDATE SET"
		                    " figures = excluded.figures, reason = excluded.reason, job_id = excluded.job_id,"
		                    " computed_at = now()", 5, params);
	} else {
		snprintf(db->error, sizeof db->error, "the figures statement returned no row");
	}
	json_object_put(a);
	return rc;
}
