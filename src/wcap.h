/* wcap: working capital from the imported data: receivables, payables,
 * inventory value, DSO, DIO, DPO, the cash-conversion cycle, ratios and
 * ageing. PostgreSQL's numeric does every sum and division; C only moves
 * the decimal text into JSON, so no money passes through a double. */
#ifndef SENTIA_WCAP_H
#define SENTIA_WCAP_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "db.h"

/* The recency objective: figures computed within the last 24 hours. */
#define WCAP_RECENCY_SLO_SECONDS 86400

/* The longest trailing window, and the most periods one history asks for. */
#define WCAP_MAX_WINDOW_DAYS 3660
#define WCAP_MAX_PERIODS 120

/* One period: the window of window_days days that ends on as_of (a day
 * number, see civil.h), both ends' days included. */
struct wcap_period {
	int32_t as_of;
	long window_days;
};

/* Computes the figures of n periods in one statement and returns a JSON
 * array of n objects (the caller puts it). With explain, each object also
 * carries "figures": every figure's formula, inputs, and the reason it is
 * null when it is; and "excluded": open invoices and bills in other
 * currencies than currency, which the figures leave out. NULL when the
 * database failed (db->error says why). */
struct json_object *wcap_compute(struct db *db, const char *currency, const struct wcap_period *p, size_t n,
                                 int explain);

/* The ageing of open receivables and payables on as_of, in buckets of days
 * overdue (current, 1-30, 31-60, 61-90, over 90), with counts and sums.
 * NULL when the database failed. */
struct json_object *wcap_ageing(struct db *db, const char *currency, int32_t as_of);

/* Computes the period's figures and stores them as the snapshot of that
 * date and window (replacing one computed earlier the same day). reason
 * is "schedule", "import", "request" or "command"; job_id 0 for none.
 * Returns 0, or -1 with db->error set. */
int wcap_snapshot(struct db *db, const char *currency, const struct wcap_period *p, const char *reason,
                  int64_t job_id);

#endif
