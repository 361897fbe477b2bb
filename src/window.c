/* window: the shared rolling windows in Redis (see window.h).
 *
 * Keys:
 *   sentia:slo:m:{epoch minute}  hash, 26 h: totals "n" "e" "us" "b0".."b12",
 *                                 per route "{route}|n" and so on, "dbfail"
 *   sentia:slo:h:{epoch hour}    hash, 31 days: the totals and "dbfail"
 *   sentia:slo:up:{epoch day}    bitmap, 32 days: bit m set when a probe
 *                                 succeeded in minute m of that day
 *   sentia:slo:first             the epoch minute of the first probe */
#include "ac-config.h"

#include "window.h"
#include "buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINUTE_TTL (26 * 3600)
#define HOUR_TTL (31 * 86400)
#define DAY_TTL (32 * 86400)

/* Adds each field's increment to the minute's hash, and the fields marked
 * with a leading '*' to the hour's too; sets the probe's bit; all in one
 * round trip, so a flush is taken whole or not at all. */
static const char flush_script[] =
	"for i = 6, #ARGV - 1, 2 do"
	"  local f = ARGV[i]"
	"  if string.sub(f, 1, 1) == '*' then"
	"    f = string.sub(f, 2)"
	"    redis.call('HINCRBY', KEYS[2], f, ARGV[i + 1])"
	"  end"
	"  redis.call('HINCRBY', KEYS[1], f, ARGV[i + 1])"
	" end"
	" redis.call('EXPIRE', KEYS[1], ARGV[1])"
	" redis.call('EXPIRE', KEYS[2], ARGV[2])"
	" if tonumber(ARGV[4]) >= 0 then"
	"  redis.call('SETBIT', KEYS[3], ARGV[4], 1)"
	"  redis.call('EXPIRE', KEYS[3], ARGV[3])"
	"  redis.call('SETNX', KEYS[4], ARGV[5])"
	" end"
	" return 1";

/* The flush's arguments, as offsets into one buffer until sent. */
struct args {
	struct buf text;
	size_t off[2048];
	int n;
};

static void arg(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct args *a, const char *fmt, ...)
{
	va_list ap;

	if (a->n >= (int)(sizeof a->off / sizeof a->off[0]))
		return;
	a->off[a->n++] = a->text.len;
	va_start(ap, fmt);
	buf_vprintf(&a->text, fmt, ap);
	va_end(ap);
	buf_putc(&a->text, '\0');
}

/* A field and its increment, when there is one. */
static void add(struct args *a, int hourly, const char *route, const char *field, uint64_t delta)
{
	if (delta == 0)
		return;
	if (route != NULL)
		arg(a, "%s|%s", route, field);
	else
		arg(a, "%s%s", hourly ? "*" : "", field);
	arg(a, "%llu", (unsigned long long)delta);
}

static void route_name(const struct route *routes, size_t nroutes, size_t i, char *out, size_t size)
{
	if (i < nroutes)
		snprintf(out, size, "%s %s", http_method_name(routes[i].method), routes[i].pattern);
	else
		snprintf(out, size, "unmatched");
}

int win_flush(struct kv *kv, struct scoreboard *sb, const struct route *routes, size_t nroutes, time_t now,
              int probe_ok)
{
	struct sb_flushed *f = &sb->flushed;
	static struct sb_flushed next;         /* what f becomes once Redis has taken the flush */
	static struct args a;
	struct win_totals total;
	uint64_t dbfail;
	long minute = (long)(now / 60);
	const char *argv[2048 + 8];
	redisReply *r;
	int rc;

	if (sb_write_begin(&f->lock) != 0)
		return -1;
	memset(&total, 0, sizeof total);
	buf_reset(&a.text);
	a.n = 0;
	arg(&a, "EVAL");
	arg(&a, "%s", flush_script);
	arg(&a, "4");
	arg(&a, WIN_PREFIX "m:%ld", minute);
	arg(&a, WIN_PREFIX "h:%ld", minute / 60);
	arg(&a, WIN_PREFIX "up:%ld", minute / 1440);
	arg(&a, WIN_PREFIX "first");
	arg(&a, "%d", MINUTE_TTL);
	arg(&a, "%d", HOUR_TTL);
	arg(&a, "%d", DAY_TTL);
	arg(&a, "%ld", probe_ok ? minute % 1440 : -1L);
	arg(&a, "%ld", minute);
	next.lock = f->lock;
	for (size_t i = 0; i < SB_MAX_ROUTES; i++) {
		const struct sb_route *sr = &sb->routes[i];
		uint64_t n = 0, e = 0, dn, de, ds;
		char name[128];

		for (int m = 0; m < HTTP__MAX; m++) {
			for (int c = 0; c < 5; c++)
				n += sb_load(&sr->count[m][c]);
			e += sb_load(&sr->count[m][4]);
		}
		next.n[i] = n;
		next.errors[i] = e;
		next.sum_us[i] = sb_load(&sr->sum_us);
		dn = n - f->n[i];
		de = e - f->errors[i];
		ds = next.sum_us[i] - f->sum_us[i];
		route_name(routes, nroutes, i, name, sizeof name);
		if (i >= nroutes && i != SB_MAX_ROUTES - 1)
			dn = 0;
		if (dn > 0) {
			add(&a, 0, name, "n", dn);
			add(&a, 0, name, "e", de);
			add(&a, 0, name, "us", ds);
		}
		total.n += dn;
		total.errors += de;
		total.sum_us += ds;
		for (int b = 0; b < SB_NBUCKETS; b++) {
			char field[8];
			uint64_t d;

			next.buckets[i][b] = sb_load(&sr->buckets[b]);
			d = next.buckets[i][b] - f->buckets[i][b];
			snprintf(field, sizeof field, "b%d", b);
			if (dn > 0)
				add(&a, 0, name, field, d);
			total.buckets[b] += d;
		}
	}
	next.db_failures = sb_load(&sb->dep_failures[DEP_DATABASE]);
	dbfail = next.db_failures - f->db_failures;
	add(&a, 1, NULL, "n", total.n);
	add(&a, 1, NULL, "e", total.errors);
	add(&a, 1, NULL, "us", total.sum_us);
	for (int b = 0; b < SB_NBUCKETS; b++) {
		char field[8];

		snprintf(field, sizeof field, "b%d", b);
		add(&a, 1, NULL, field, total.buckets[b]);
	}
	add(&a, 1, NULL, "dbfail", dbfail);

	for (int i = 0; i < a.n; i++)
		argv[i] = a.text.data + a.off[i];
	r = kv_command_argv(kv, a.n, argv);
	rc = r != NULL && r->type == REDIS_REPLY_INTEGER ? 0 : -1;
	freeReplyObject(r);
	/* Only what Redis took is marked as flushed; the rest goes next time. */
	if (rc == 0)
		memcpy((char *)f + sizeof f->lock, (char *)&next + sizeof next.lock, sizeof *f - sizeof f->lock);
	sb_write_end(&f->lock, 0);
	return rc;
}

/* Adds one totals field of a hash ("n", "b3", ...) to t. */
static void total_field(struct win_totals *t, const char *field, uint64_t v)
{
	if (strcmp(field, "n") == 0)
		t->n += v;
	else if (strcmp(field, "e") == 0)
		t->errors += v;
	else if (strcmp(field, "us") == 0)
		t->sum_us += v;
	else if (strcmp(field, "dbfail") == 0)
		t->dbfail += v;
	else if (field[0] == 'b') {
		char *end;
		long b = strtol(field + 1, &end, 10);

		if (*end == '\0' && end != field + 1 && b >= 0 && b < SB_NBUCKETS)
			t->buckets[b] += v;
	}
}

static struct win_route *route_slot(struct win_route *routes, size_t max, size_t *n, const char *name, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen(routes[i].name) == len && memcmp(routes[i].name, name, len) == 0)
			return &routes[i];
	if (*n >= max || len >= sizeof routes[0].name)
		return NULL;
	memset(&routes[*n], 0, sizeof routes[*n]);
	memcpy(routes[*n].name, name, len);
	return &routes[(*n)++];
}

int win_recent(struct kv *kv, time_t now, struct win_totals *total, struct win_route *routes, size_t max, size_t *n)
{
	long minute = (long)(now / 60);

	memset(total, 0, sizeof *total);
	if (n != NULL)
		*n = 0;
	for (long m = minute - WIN_RECENT_MINUTES; m <= minute; m++) {
		redisReply *r = kv_command(kv, "HGETALL " WIN_PREFIX "m:%ld", m);

		if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(r);
			return -1;
		}
		for (size_t i = 0; i + 1 < r->elements; i += 2) {
			const char *field = r->element[i]->str, *bar = strrchr(field, '|');
			uint64_t v = strtoull(r->element[i + 1]->str, NULL, 10);

			if (bar == NULL) {
				total_field(total, field, v);
			} else if (routes != NULL) {
				struct win_route *wr = route_slot(routes, max, n, field, (size_t)(bar - field));

				if (wr != NULL)
					total_field(&wr->t, bar + 1, v);
			}
		}
		freeReplyObject(r);
	}
	return 0;
}

int win_hours(struct kv *kv, time_t now, struct win_totals *out, int nhours)
{
	long hour = (long)(now / 3600);

	for (int i = 0; i < nhours; i++) {
		redisReply *r = kv_command(kv, "HGETALL " WIN_PREFIX "h:%ld", hour - (nhours - 1) + i);

		memset(&out[i], 0, sizeof out[i]);
		if (r == NULL || r->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(r);
			return -1;
		}
		for (size_t k = 0; k + 1 < r->elements; k += 2)
			total_field(&out[i], r->element[k]->str, strtoull(r->element[k + 1]->str, NULL, 10));
		freeReplyObject(r);
	}
	return 0;
}

/* The epoch minute of the first probe, 0 when none; -1 when Redis failed. */
static long first_minute(struct kv *kv)
{
	redisReply *r = kv_command(kv, "GET " WIN_PREFIX "first");
	long v = -1;

	if (r != NULL && r->type == REDIS_REPLY_NIL)
		v = 0;
	else if (r != NULL && r->type == REDIS_REPLY_STRING)
		v = strtol(r->str, NULL, 10);
	freeReplyObject(r);
	return v;
}

/* Minutes with a successful probe in [from, to), epoch minutes. */
static long count_up(struct kv *kv, long from, long to)
{
	long up = 0;

	while (from < to) {
		long day = from / 1440, last = to - 1 < day * 1440 + 1439 ? to - 1 : day * 1440 + 1439;
		redisReply *r = kv_command(kv, "BITCOUNT " WIN_PREFIX "up:%ld %ld %ld BIT", day, from % 1440, last % 1440);

		if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
			freeReplyObject(r);
			return -1;
		}
		up += (long)r->integer;
		freeReplyObject(r);
		from = last + 1;
	}
	return up;
}

int win_availability(struct kv *kv, time_t now, int days, long *up, long *span)
{
	long minute = (long)(now / 60), first = first_minute(kv), from;

	*up = *span = 0;
	if (first < 0)
		return -1;
	if (first == 0 || first >= minute)
		return 0;
	from = first > minute - (long)days * 1440 ? first : minute - (long)days * 1440;
	*up = count_up(kv, from, minute);
	if (*up < 0)
		return -1;
	*span = minute - from;
	return 0;
}

int win_availability_hours(struct kv *kv, time_t now, double *out, int nhours)
{
	long minute = (long)(now / 60), first = first_minute(kv), hour = minute / 60;

	if (first < 0)
		return -1;
	for (int i = 0; i < nhours; i++) {
		long h = hour - (nhours - 1) + i, from = h * 60, to = h * 60 + 60, up;

		if (first != 0 && from < first)
			from = first;
		if (to > minute)
			to = minute;
		out[i] = NAN;
		if (first == 0 || from >= to)
			continue;
		up = count_up(kv, from, to);
		if (up < 0)
			return -1;
		out[i] = (double)up / (double)(to - from);
	}
	return 0;
}

double win_quantile(const uint64_t buckets[SB_NBUCKETS], double q)
{
	uint64_t total = 0, cum = 0;
	double rank;

	for (int b = 0; b < SB_NBUCKETS; b++)
		total += buckets[b];
	if (total == 0)
		return NAN;
	rank = q * (double)total;
	for (int b = 0; b < SB_NBUCKETS; b++) {
		double lower = b == 0 ? 0 : (double)sb_bucket_bounds_us[b - 1] / 1e6;

		if (buckets[b] == 0 || (double)(cum + buckets[b]) < rank) {
			cum += buckets[b];
			continue;
		}
		if (b == SB_NBUCKETS - 1)
			return lower;
		return lower + ((double)sb_bucket_bounds_us[b] / 1e6 - lower) * (rank - (double)cum) / (double)buckets[b];
	}
	return (double)sb_bucket_bounds_us[SB_NBUCKETS - 2] / 1e6;
}

uint64_t win_slower_than(const struct win_totals *t, uint64_t bound_us)
{
	uint64_t n = 0;

	for (int b = SB_NBUCKETS - 1; b > 0 && sb_bucket_bounds_us[b - 1] >= bound_us; b--)
		n += t->buckets[b];
	return n;
}
