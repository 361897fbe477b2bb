/* check_metrics: the Prometheus exposition rendered from a scoreboard in plain memory. */
#include "ac-config.h"

#include "metrics.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROMTOOL "/usr/bin/promtool"

static void dummy_handler(struct request *req, struct response *res)
{
	(void)req;
	(void)res;
}

/* The two-route table the counters are recorded against. */
static const struct route two_routes[] = {
	{ HTTP_GET, "/api/items", dummy_handler, ROLE_NONE, RATE_DEFAULT, 0 },
	{ HTTP_POST, "/api/items/{id}", dummy_handler, ROLE_NONE, RATE_DEFAULT, 0 },
};

/* A table whose pattern needs escaping in a label value. */
static const struct route odd_routes[] = {
	{ HTTP_GET, "/odd/\"quoted\"/back\\slash", dummy_handler, ROLE_NONE, RATE_NONE, 0 },
};

/* Every family the exposition must declare, with its type. */
static const struct {
	const char *name, *type;
} families[] = {
	{ "sentia_build_info", "gauge" },
	{ "sentia_start_time_seconds", "gauge" },
	{ "sentia_http_requests_total", "counter" },
	{ "sentia_http_request_duration_seconds", "histogram" },
	{ "sentia_responders", "gauge" },
	{ "sentia_responders_limit", "gauge" },
	{ "sentia_responder_restarts_total", "counter" },
	{ "sentia_pool_max_reached_total", "counter" },
	{ "sentia_dependency_check_failures_total", "counter" },
	{ "sentia_resident_memory_bytes", "gauge" },
	{ "sentia_responder_resident_memory_max_bytes", "gauge" },
	{ "sentia_auth_failures_total", "counter" },
	{ "sentia_auth_lockouts_total", "counter" },
	{ "sentia_rate_limited_total", "counter" },
	{ "sentia_rate_limit_unavailable_total", "counter" },
	{ "sentia_data_source_last_success_timestamp_seconds", "gauge" },
	{ "sentia_data_source_freshness_seconds", "gauge" },
};

static struct scoreboard *sb;
static struct buf out;

/* A scoreboard in plain memory, with a few requests and responders. */
static void setup(void)
{
	sb = calloc(1, sizeof *sb);
	ck_assert_ptr_nonnull(sb);
	sb->master_pid = getpid();
	sb->start_wall = 1700000000.25;
	sb->min_instances = 2;
	sb->max_instances = 8;
	sb->slots[0].pid = 1001;
	sb->slots[0].kind = SLOT_POOL;
	sb->slots[0].state = SLOT_BUSY;
	sb->slots[1].pid = 1002;
	sb->slots[1].kind = SLOT_POOL;
	sb->slots[1].state = SLOT_IDLE;
	sb->restarts[RESTART_CRASHED] = 3;
	sb->dep_failures[DEP_REDIS] = 5;

	scoreboard_record(sb, 0, HTTP_GET, 200, 500);        /* le 0.001 */
	scoreboard_record(sb, 0, HTTP_GET, 200, 3000);       /* le 0.005 */
	scoreboard_record(sb, 0, HTTP_GET, 404, 20000);      /* le 0.025 */
	scoreboard_record(sb, 1, HTTP_POST, 201, 7000000);   /* +Inf */
	scoreboard_record(sb, 1, HTTP_POST, 503, 1000);      /* le 0.001: bounds are inclusive */
	scoreboard_record(sb, -1, HTTP_GET, 404, 100);       /* unmatched */
	ck_assert_int_eq(sb_write_begin(&sb->sources.lock), 0);
	sb->sources.n = 2;
	strcpy(sb->sources.rows[0].name, "erp");
	sb->sources.rows[0].last_success = 1700000000;
	strcpy(sb->sources.rows[1].name, "shop.eu");
	sb->sources.rows[1].last_success = 1699990000;
	sb_write_end(&sb->sources.lock, 1);
	out = (struct buf)BUF_INIT;
}

static void teardown(void)
{
	free(sb);
	sb = NULL;
	buf_free(&out);
}

static void render(const struct route *routes, size_t nroutes)
{
	struct metrics_input in = {
		.sb = sb, .routes = routes, .nroutes = nroutes, .version = "1.2.3", .commit = "abc123",
		.rss_master = 1000, .rss_responders = 2000, .rss_responder_max = 1500, .rss_status = 0,
		.now_wall = 1700000100,
	};

	buf_reset(&out);
	metrics_render(&in, &out);
	ck_assert_ptr_nonnull(out.data);
}

/* The value of the sample whose name and labels are exactly series, or -1
 * when there is no such line. */
static double sample(const char *series)
{
	size_t n = strlen(series);

	for (const char *line = out.data; line != NULL && *line != '\0';) {
		if (strncmp(line, series, n) == 0 && line[n] == ' ')
			return strtod(line + n + 1, NULL);
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return -1;
}

/* Whether text holds line as a whole line. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

/* Whether s[0..n) is exactly suffix. */
static int is_suffix(const char *s, size_t n, const char *suffix)
{
	return n == strlen(suffix) && strncmp(s, suffix, n) == 0;
}

START_TEST(test_every_family_declared)
{
	char line[256];

	render(two_routes, 2);
	for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
		snprintf(line, sizeof line, "# TYPE %s %s", families[i].name, families[i].type);
		ck_assert_msg(has_line(out.data, line), "missing: %s", line);
		snprintf(line, sizeof line, "# HELP %s ", families[i].name);
		ck_assert_msg(strstr(out.data, line) != NULL, "missing: %s", line);
	}
}
END_TEST

START_TEST(test_samples_follow_their_declaration)
{
	char family[128] = "", type[32] = "";
	int helped = 0;

	render(two_routes, 2);
	/* Each sample belongs to the family declared last, HELP then TYPE. */
	for (char *line = out.data; *line != '\0';) {
		char *nl = strchr(line, '\n');
		size_t len = strcspn(line, "{ ");

		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		if (strncmp(line, "# HELP ", 7) == 0) {
			ck_assert_int_eq(sscanf(line, "# HELP %127s", family), 1);
			helped = 1;
		} else if (strncmp(line, "# TYPE ", 7) == 0) {
			char name[128];
			ck_assert_int_eq(sscanf(line, "# TYPE %127s %31s", name, type), 2);
			ck_assert_msg(helped && strcmp(name, family) == 0, "TYPE without HELP: %s", line);
			helped = 0;
		} else {
			size_t fl = strlen(family);
			int ok = len >= fl && strncmp(line, family, fl) == 0
			         && (len == fl || (strcmp(type, "histogram") == 0
			                           && (is_suffix(line + fl, len - fl, "_bucket")
			                               || is_suffix(line + fl, len - fl, "_sum")
			                               || is_suffix(line + fl, len - fl, "_count"))));
			ck_assert_msg(ok, "sample outside its family %s: %s", family, line);
		}
		*nl = '\n';
		line = nl + 1;
	}
}
END_TEST

START_TEST(test_counters)
{
	render(two_routes, 2);
	ck_assert_double_eq(sample("sentia_http_requests_total{route=\"/api/items\",method=\"GET\",status=\"2xx\"}"), 2);
	ck_assert_double_eq(sample("sentia_http_requests_total{route=\"/api/items\",method=\"GET\",status=\"4xx\"}"), 1);
	ck_assert_double_eq(sample("sentia_http_requests_total{route=\"/api/items/{id}\",method=\"POST\",status=\"2xx\"}"), 1);
	ck_assert_double_eq(sample("sentia_http_requests_total{route=\"/api/items/{id}\",method=\"POST\",status=\"5xx\"}"), 1);
	/* Nothing was recorded here, so there is no line. */
	ck_assert_double_eq(sample("sentia_http_requests_total{route=\"/api/items\",method=\"POST\",status=\"2xx\"}"), -1);
	ck_assert_double_eq(sample("sentia_responder_restarts_total{reason=\"crashed\"}"), 3);
	ck_assert_double_eq(sample("sentia_responder_restarts_total{reason=\"recycled\"}"), 0);
	ck_assert_double_eq(sample("sentia_dependency_check_failures_total{dependency=\"redis\"}"), 5);
}
END_TEST

START_TEST(test_source_freshness)
{
	render(two_routes, 2);
	ck_assert_double_eq(sample("sentia_data_source_last_success_timestamp_seconds{source=\"erp\"}"), 1700000000);
	ck_assert_double_eq(sample("sentia_data_source_freshness_seconds{source=\"erp\"}"), 100);
	ck_assert_double_eq(sample("sentia_data_source_freshness_seconds{source=\"shop.eu\"}"), 10100);
}
END_TEST

/* A writer that died mid-write leaves the table unreadable until the next
 * writer takes over from it; a live writer keeps others out. */
START_TEST(test_sources_writer_takeover)
{
	struct sb_sources *snap = malloc(sizeof *snap);
	pid_t dead = fork();

	ck_assert_ptr_nonnull(snap);
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	ck_assert_int_eq(sb_read(&sb->sources.lock, &sb->sources, snap, sizeof *snap), 0);
	ck_assert_int_eq(snap->n, 2);
	/* Mid-write, by a process now gone. */
	sb->sources.lock.writer = dead;
	sb->sources.lock.seq |= 1u;
	ck_assert_int_eq(sb_read(&sb->sources.lock, &sb->sources, snap, sizeof *snap), -1);
	ck_assert_int_eq(sb_write_begin(&sb->sources.lock), 0);
	sb->sources.n = 1;
	sb_write_end(&sb->sources.lock, 2);
	ck_assert_int_eq(sb_read(&sb->sources.lock, &sb->sources, snap, sizeof *snap), 0);
	ck_assert_int_eq(snap->n, 1);
	ck_assert_int_eq(sb->sources.lock.seq % 2, 0);
	/* A live writer (this process's parent stands in) is not displaced. */
	sb->sources.lock.writer = getppid();
	ck_assert_int_eq(sb_write_begin(&sb->sources.lock), -1);
	sb->sources.lock.writer = 0;
	free(snap);
}
END_TEST

START_TEST(test_gauges)
{
	render(two_routes, 2);
	ck_assert_double_eq(sample("sentia_responders{state=\"busy\"}"), 1);
	ck_assert_double_eq(sample("sentia_responders{state=\"idle\"}"), 1);
	ck_assert_double_eq(sample("sentia_responders_limit{bound=\"max\"}"), 8);
	ck_assert_double_eq(sample("sentia_build_info{version=\"1.2.3\",commit=\"abc123\"}"), 1);
	ck_assert_double_eq(sample("sentia_start_time_seconds"), 1700000000.25);
	ck_assert_double_eq(sample("sentia_resident_memory_bytes{process=\"responders\"}"), 2000);
}
END_TEST

/* Checks the histogram of one route: cumulative buckets ending in +Inf,
 * and a _count equal to the +Inf bucket. Returns the +Inf count. */
static double assert_histogram(const char *route)
{
	char prefix[256], series[256];
	size_t plen;
	double prev_le = -1, prev = 0, inf = -1;
	int nbuckets = 0;

	plen = (size_t)snprintf(prefix, sizeof prefix, "sentia_http_request_duration_seconds_bucket{route=\"%s\",le=\"", route);
	for (const char *line = out.data; (line = strstr(line, prefix)) != NULL; line++) {
		const char *le = line + plen;
		const char *v = strstr(le, "} ");
		double value;

		ck_assert_ptr_nonnull(v);
		value = strtod(v + 2, NULL);
		ck_assert_msg(value >= prev, "%s: bucket %d goes down (%g < %g)", route, nbuckets, value, prev);
		ck_assert_msg(inf < 0, "%s: a bucket after +Inf", route);
		if (strncmp(le, "+Inf\"", 5) == 0) {
			inf = value;
		} else {
			double bound = strtod(le, NULL);
			ck_assert_msg(bound > prev_le, "%s: le bounds not increasing", route);
			prev_le = bound;
		}
		prev = value;
		nbuckets++;
	}
	ck_assert_int_eq(nbuckets, SB_NBUCKETS);
	ck_assert_msg(inf >= 0, "%s: no +Inf bucket", route);
	snprintf(series, sizeof series, "sentia_http_request_duration_seconds_count{route=\"%s\"}", route);
	ck_assert_double_eq(sample(series), inf);
	return inf;
}

START_TEST(test_histogram_cumulative)
{
	render(two_routes, 2);
	ck_assert_double_eq(assert_histogram("/api/items"), 3);
	ck_assert_double_eq(assert_histogram("/api/items/{id}"), 2);
	ck_assert_double_eq(assert_histogram("unmatched"), 1);
	ck_assert_double_eq(sample("sentia_http_request_duration_seconds_bucket{route=\"/api/items\",le=\"0.001\"}"), 1);
	ck_assert_double_eq(sample("sentia_http_request_duration_seconds_bucket{route=\"/api/items\",le=\"0.005\"}"), 2);
	ck_assert_double_eq(sample("sentia_http_request_duration_seconds_bucket{route=\"/api/items\",le=\"0.01\"}"), 2);
	ck_assert_double_eq(sample("sentia_http_request_duration_seconds_bucket{route=\"/api/items\",le=\"0.025\"}"), 3);
	ck_assert_double_eq(sample("sentia_http_request_duration_seconds_bucket{route=\"/api/items/{id}\",le=\"0.001\"}"), 1);
	ck_assert_double_eq(sample("sentia_http_request_duration_seconds_bucket{route=\"/api/items/{id}\",le=\"5\"}"), 1);
	ck_assert_double_eq_tol(sample("sentia_http_request_duration_seconds_sum{route=\"/api/items\"}"), 0.0235, 1e-9);
}
END_TEST

START_TEST(test_unmatched_label)
{
	render(two_routes, 2);
	ck_assert_double_eq(sample("sentia_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"4xx\"}"), 1);
	ck_assert_double_eq(sample("sentia_http_request_duration_seconds_count{route=\"unmatched\"}"), 1);
}
END_TEST

START_TEST(test_label_escaping)
{
	scoreboard_record(sb, 0, HTTP_GET, 200, 10);
	render(odd_routes, 1);
	/* Table row 1 is not in this table, so its requests are not shown. */
	ck_assert_ptr_null(strstr(out.data, "/api/items/{id}"));
	ck_assert_double_eq(sample("sentia_http_requests_total{route=\"/odd/\\\"quoted\\\"/back\\\\slash\",method=\"GET\",status=\"2xx\"}"), 3);
	ck_assert_double_eq(sample("sentia_http_request_duration_seconds_count{route=\"/odd/\\\"quoted\\\"/back\\\\slash\"}"), 4);
	ck_assert_ptr_null(strstr(out.data, "route=\"/odd/\"quoted"));
}
END_TEST

/* Runs promtool on text; returns its exit status. quiet hides its report. */
static int promtool_check(const char *text, size_t len, int quiet)
{
	char path[] = "/tmp/check_metrics_XXXXXX";
	char cmd[160];
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof cmd, PROMTOOL " check metrics < %s%s", path, quiet ? " >/dev/null 2>&1" : "");
	rc = system(cmd);
	unlink(path);
	ck_assert_int_ne(rc, -1);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

START_TEST(test_promtool_accepts)
{
	static const char broken[] = "sentia_x{route=\"a} 1\n";

	if (access(PROMTOOL, X_OK) != 0)
		return;   /* no promtool here: nothing to check against */
	render(two_routes, 2);
	ck_assert_int_eq(promtool_check(out.data, out.len, 0), 0);
	render(odd_routes, 1);
	ck_assert_int_eq(promtool_check(out.data, out.len, 0), 0);
	/* And promtool does fail on a broken exposition. */
	ck_assert_int_ne(promtool_check(broken, strlen(broken), 1), 0);
}
END_TEST

Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("render");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_every_family_declared);
	tcase_add_test(tc, test_samples_follow_their_declaration);
	tcase_add_test(tc, test_counters);
	tcase_add_test(tc, test_gauges);
	tcase_add_test(tc, test_source_freshness);
	tcase_add_test(tc, test_sources_writer_takeover);
	tcase_add_test(tc, test_histogram_cumulative);
	tcase_add_test(tc, test_unmatched_label);
	tcase_add_test(tc, test_label_escaping);
	tcase_add_test(tc, test_promtool_accepts);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
