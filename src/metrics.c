/* metrics: the pool's Prometheus exposition (text format 0.0.4), rendered
 * from the scoreboard through one table of metric families. */
#include "ac-config.h"

#include "metrics.h"
#include "wcap.h"
#include "clock.h"

#include <string.h>

/* Appends a label value with the escapes the text format asks for. */
static void label_value(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_puts(out, "\\\\");
		else if (*s == '"')
			buf_puts(out, "\\\"");
		else if (*s == '\n')
			buf_puts(out, "\\n");
		else
			buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

static const char *route_label(const struct metrics_input *in, size_t i)
{
	return i < in->nroutes ? in->routes[i].pattern : "unmatched";
}

/* The rows of the scoreboard's route table that are in use. */
static int route_rows(const struct metrics_input *in, size_t i)
{
	return i < in->nroutes || i == SB_MAX_ROUTES - 1;
}

static void s_build_info(const struct metrics_input *in, const char *name, struct buf *out)
{
	buf_printf(out, "%s{version=", name);
	label_value(out, in->version);
	buf_puts(out, ",commit=");
	label_value(out, in->commit);
	buf_puts(out, "} 1\n");
}

static void s_start_time(const struct metrics_input *in, const char *name, struct buf *out)
{
	buf_printf(out, "%s %.3f\n", name, in->sb->start_wall);
}

static void s_requests(const struct metrics_input *in, const char *name, struct buf *out)
{
	static const char *const cls[5] = { "1xx", "2xx", "3xx", "4xx", "5xx" };

	for (size_t i = 0; i < SB_MAX_ROUTES; i++) {
		if (!route_rows(in, i))
			continue;
		for (int m = 0; m < HTTP__MAX; m++) {
			for (int c = 0; c < 5; c++) {
				uint64_t v = sb_load(&in->sb->routes[i].count[m][c]);
				if (v == 0)
					continue;
				buf_printf(out, "%s{route=", name);
				label_value(out, route_label(in, i));
				buf_printf(out, ",method=\"%s\",status=\"%s\"} %llu\n",
				           http_method_name((enum http_method)m), cls[c], (unsigned long long)v);
			}
		}
	}
}

static void s_duration(const struct metrics_input *in, const char *name, struct buf *out)
{
	for (size_t i = 0; i < SB_MAX_ROUTES; i++) {
		const struct sb_route *r = &in->sb->routes[i];
		uint64_t cum = 0, b[SB_NBUCKETS];

		if (!route_rows(in, i))
			continue;
		for (int k = 0; k < SB_NBUCKETS; k++) {
			b[k] = sb_load(&r->buckets[k]);
			cum += b[k];
		}
		if (cum == 0)
			continue;
		cum = 0;
		for (int k = 0; k < SB_NBUCKETS; k++) {
			cum += b[k];
			buf_printf(out, "%s_bucket{route=", name);
			label_value(out, route_label(in, i));
			if (k < SB_NBUCKETS - 1)
				buf_printf(out, ",le=\"%g\"} %llu\n", (double)sb_bucket_bounds_us[k] / 1e6, (unsigned long long)cum);
			else
				buf_printf(out, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
		}
		buf_printf(out, "%s_sum{route=", name);
		label_value(out, route_label(in, i));
		buf_printf(out, "} %.6f\n", (double)sb_load(&r->sum_us) / 1e6);
		buf_printf(out, "%s_count{route=", name);
		label_value(out, route_label(in, i));
		buf_printf(out, "} %llu\n", (unsigned long long)cum);
	}
}

static void s_responders(const struct metrics_input *in, const char *name, struct buf *out)
{
	struct sb_counts c;

	scoreboard_count(in->sb, &c);
	buf_printf(out, "%s{state=\"busy\"} %d\n", name, c.busy);
	buf_printf(out, "%s{state=\"idle\"} %d\n", name, c.idle);
	buf_printf(out, "%s{state=\"starting\"} %d\n", name, c.starting);
}

static void s_limits(const struct metrics_input *in, const char *name, struct buf *out)
{
	buf_printf(out, "%s{bound=\"min\"} %d\n", name, in->sb->min_instances);
	buf_printf(out, "%s{bound=\"max\"} %d\n", name, in->sb->max_instances);
}

static void s_restarts(const struct metrics_input *in, const char *name, struct buf *out)
{
	for (int i = 0; i < RESTART__MAX; i++)
		buf_printf(out, "%s{reason=\"%s\"} %llu\n", name, restart_reason_names[i],
		           (unsigned long long)sb_load(&in->sb->restarts[i]));
}

static void s_max_reached(const struct metrics_input *in, const char *name, struct buf *out)
{
	buf_printf(out, "%s %llu\n", name, (unsigned long long)sb_load(&in->sb->max_reached));
}

static void s_dep_failures(const struct metrics_input *in, const char *name, struct buf *out)
{
	for (int i = 0; i < DEP__MAX; i++)
		buf_printf(out, "%s{dependency=\"%s\"} %llu\n", name, dependency_names[i],
		           (unsigned long long)sb_load(&in->sb->dep_failures[i]));
}

static void s_memory(const struct metrics_input *in, const char *name, struct buf *out)
{
	buf_printf(out, "%s{process=\"master\"} %llu\n", name, (unsigned long long)in->rss_master);
	buf_printf(out, "%s{process=\"responders\"} %llu\n", name, (unsigned long long)in->rss_responders);
	buf_printf(out, "%s{process=\"status\"} %llu\n", name, (unsigned long long)in->rss_status);
}

static void s_memory_limit(const struct metrics_input *in, const char *name, struct buf *out)
{
	(void)in;
	buf_printf(out, "%s %llu\n", name, (unsigned long long)memory_limit_bytes());
}

static void s_memory_max(const struct metrics_input *in, const char *name, struct buf *out)
{
	buf_printf(out, "%s %llu\n", name, (unsigned long long)in->rss_responder_max);
}

static void s_auth_failures(const struct metrics_input *in, const char *name, struct buf *out)
{
	buf_printf(out, "%s %llu\n", name, (unsigned long long)sb_load(&in->sb->auth_failures));
}

static void s_auth_lockouts(const struct metrics_input *in, const char *name, struct buf *out)
{
	buf_printf(out, "%s %llu\n", name, (unsigned long long)sb_load(&in->sb->auth_lockouts));
}

static void s_ratelimited(const struct metrics_input *in, const char *name, struct buf *out)
{
	buf_printf(out, "%s %llu\n", name, (unsigned long long)sb_load(&in->sb->ratelimited));
}

static void s_ratelimit_failures(const struct metrics_input *in, const char *name, struct buf *out)
{
	buf_printf(out, "%s %llu\n", name, (unsigned long long)sb_load(&in->sb->ratelimit_redis_failures));
}

/* The data sources' freshness, from the scoreboard's copy (families with
 * no samples when it has never been filled). */
static void sources_samples(const struct metrics_input *in, const char *name, struct buf *out, int age)
{
	static struct sb_sources t;   /* large; one render at a time per process */
	double now = in->now_wall > 0 ? in->now_wall : clock_wall();

	if (sb_read(&in->sb->sources.lock, &in->sb->sources, &t, sizeof t) != 0 || t.n < 0)
		return;
	for (int i = 0; i < t.n && i < SB_MAX_SOURCES; i++) {
		buf_printf(out, "%s{source=", name);
		label_value(out, t.rows[i].name);
		buf_printf(out, "} %lld\n", age ? (long long)now - (long long)t.rows[i].last_success
		                               : (long long)t.rows[i].last_success);
	}
}

static void s_source_success(const struct metrics_input *in, const char *name, struct buf *out)
{
	sources_samples(in, name, out, 0);
}

static void s_source_freshness(const struct metrics_input *in, const char *name, struct buf *out)
{
	sources_samples(in, name, out, 1);
}

/* The newest working-capital snapshot: its time, its age, and whether it
 * breaches the recency objective (also when there is none). No samples
 * until the periodic work has looked. */
static void wc_samples(const struct metrics_input *in, const char *name, struct buf *out, int what)
{
	int64_t at = __atomic_load_n(&in->sb->wc_computed_at, __ATOMIC_RELAXED);
	double now = in->now_wall > 0 ? in->now_wall : clock_wall();
	long long age = (long long)now - (long long)at;

	if (at == 0 || (at < 0 && what != 2))
		return;
	if (what == 0)
		buf_printf(out, "%s %lld\n", name, (long long)at);
	else if (what == 1)
		buf_printf(out, "%s %lld\n", name, age);
	else
		buf_printf(out, "%s %d\n", name, at < 0 || age > WCAP_RECENCY_SLO_SECONDS);
}

static void s_wc_time(const struct metrics_input *in, const char *name, struct buf *out)
{
	wc_samples(in, name, out, 0);
}

static void s_wc_age(const struct metrics_input *in, const char *name, struct buf *out)
{
	wc_samples(in, name, out, 1);
}

static void s_wc_breach(const struct metrics_input *in, const char *name, struct buf *out)
{
	wc_samples(in, name, out, 2);
}

/* Forecast runs of the last 24 hours, and the success rate (no samples
 * before the periodic work has counted; no ratio without runs). */
static void s_forecast_runs(const struct metrics_input *in, const char *name, struct buf *out)
{
	if (!__atomic_load_n(&in->sb->forecast_counted, __ATOMIC_ACQUIRE))
		return;
	buf_printf(out, "%s{outcome=\"succeeded\"} %lld\n", name,
	           (long long)__atomic_load_n(&in->sb->forecast_succeeded_24h, __ATOMIC_RELAXED));
	buf_printf(out, "%s{outcome=\"failed\"} %lld\n", name,
	           (long long)__atomic_load_n(&in->sb->forecast_failed_24h, __ATOMIC_RELAXED));
}

static void s_forecast_ratio(const struct metrics_input *in, const char *name, struct buf *out)
{
	int64_t ok = __atomic_load_n(&in->sb->forecast_succeeded_24h, __ATOMIC_RELAXED);
	int64_t bad = __atomic_load_n(&in->sb->forecast_failed_24h, __ATOMIC_RELAXED);

	if (__atomic_load_n(&in->sb->forecast_counted, __ATOMIC_ACQUIRE) && ok + bad > 0)
		buf_printf(out, "%s %.6f\n", name, (double)ok / (double)(ok + bad));
}

/* Every metric family sentia exports, one row each. */
static const struct {
	const char *name;
	const char *type;
	const char *help;
	void (*samples)(const struct metrics_input *, const char *, struct buf *);
} families[] = {
	{ "sentia_build_info", "gauge", "Version and commit of the running build.", s_build_info },
	{ "sentia_start_time_seconds", "gauge", "When the pool's master started, in seconds since the epoch.", s_start_time },
	{ "sentia_http_requests_total", "counter", "Requests served by the pool, by route, method and status class.", s_requests },
	{ "sentia_http_request_duration_seconds", "histogram", "Time from accepting a request to finishing its response, by route.", s_duration },
	{ "sentia_responders", "gauge", "Pool responders by state.", s_responders },
	{ "sentia_responders_limit", "gauge", "The pool's configured minimum and maximum size.", s_limits },
	{ "sentia_responder_restarts_total", "counter", "Responders replaced, by reason.", s_restarts },
	{ "sentia_pool_max_reached_total", "counter", "Seconds in which every responder was busy and the pool was at its maximum.", s_max_reached },
	{ "sentia_dependency_check_failures_total", "counter", "Failed checks of a dependency, by dependency.", s_dep_failures },
	{ "sentia_resident_memory_bytes", "gauge", "Resident memory of the pool's processes, summed by kind.", s_memory },
	{ "sentia_memory_limit_bytes", "gauge", "Memory the service may use: its control group's limit, else the machine's.", s_memory_limit },
	{ "sentia_responder_resident_memory_max_bytes", "gauge", "Resident memory of the largest pool responder.", s_memory_max },
	{ "sentia_auth_failures_total", "counter", "Requests whose credentials were refused.", s_auth_failures },
	{ "sentia_auth_lockouts_total", "counter", "Addresses locked out after repeated failed authentication.", s_auth_lockouts },
	{ "sentia_rate_limited_total", "counter", "Requests refused with 429 by the rate limiter.", s_ratelimited },
	{ "sentia_rate_limit_unavailable_total", "counter", "Rate checks decided by RATE_LIMIT_FAIL_MODE because Redis did not answer.", s_ratelimit_failures },
	{ "sentia_data_source_last_success_timestamp_seconds", "gauge", "When each data source last loaded data, in seconds since the epoch.", s_source_success },
	{ "sentia_data_source_freshness_seconds", "gauge", "Seconds since each data source last loaded data (the objective: under 1800).", s_source_freshness },
	{ "sentia_working_capital_snapshot_timestamp_seconds", "gauge", "When the newest working-capital snapshot was computed, in seconds since the epoch.", s_wc_time },
	{ "sentia_working_capital_recency_seconds", "gauge", "Age of the newest working-capital snapshot (the objective: under 86400).", s_wc_age },
	{ "sentia_forecast_runs_24h", "gauge", "Forecast runs finished in the last 24 hours, by outcome (runs rejected for their data, and cancelled ones, are not counted).", s_forecast_runs },
	{ "sentia_forecast_success_ratio_24h", "gauge", "Forecast runs that succeeded, of those that finished, in the last 24 hours (the objective: above 0.99).", s_forecast_ratio },
	{ "sentia_working_capital_recency_breach", "gauge", "1 when the newest working-capital snapshot is older than 24 hours or there is none, else 0.", s_wc_breach },
};

void metrics_render(const struct metrics_input *in, struct buf *out)
{
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
		buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", families[i].name, families[i].help,
		           families[i].name, families[i].type);
		families[i].samples(in, families[i].name, out);
	}
}

void metrics_gather_memory(struct metrics_input *in)
{
	in->rss_master = proc_rss_bytes(in->sb->master_pid);
	in->rss_responders = in->rss_responder_max = in->rss_status = 0;
	for (int i = 0; i < SB_MAX_SLOTS; i++) {
		const struct sb_slot *s = &in->sb->slots[i];
		uint64_t rss;

		if (s->pid == 0 || s->state == SLOT_EMPTY)
			continue;
		rss = proc_rss_bytes(s->pid);
		if (s->kind == SLOT_STATUS) {
			in->rss_status += rss;
		} else {
			in->rss_responders += rss;
			if (rss > in->rss_responder_max)
				in->rss_responder_max = rss;
		}
	}
}
