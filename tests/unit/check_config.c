/* check_config: config_load's defaults, every error path, and config_diff_fixed. */
#include "ac-config.h"

#include "config.h"
#include "db.h"
#include "log.h"
#include "suites.h"

#include <string.h>

/* A fake environment: NAME/value pairs ending with a NULL name. */
struct env_pair {
	const char *name;
	const char *value;
};

/* A config_getter reading a struct env_pair table passed as arg. */
static const char *table_get(const char *name, void *arg)
{
	const struct env_pair *p = arg;

	for (; p->name != NULL; p++)
		if (strcmp(p->name, name) == 0)
			return p->value;
	return NULL;
}

static int count_lines(const struct buf *b)
{
	int n = 0;

	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] == '\n')
			n++;
	return n;
}

/* Whether some line of b starts with "name:". */
static int has_line_for(const struct buf *b, const char *name)
{
	size_t n = strlen(name);
	const char *line = b->data;

	while (line != NULL && *line != '\0') {
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			return 1;
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return 0;
}

/* Loads env expecting exactly one problem, reported on a line naming var. */
static void assert_one_error(const struct env_pair *env, const char *var, const char *mentions)
{
	struct config c;
	struct buf errors = BUF_INIT;
	int n = config_load(&c, table_get, (void *)env, &errors);

	ck_assert_msg(n == 1, "%s: expected 1 error, got %d: %s", var, n,
	              errors.data != NULL ? errors.data : "");
	ck_assert_int_eq(count_lines(&errors), 1);
	ck_assert_msg(has_line_for(&errors, var), "no line names %s: %s", var, errors.data);
	if (mentions != NULL)
		ck_assert_msg(strstr(errors.data, mentions) != NULL, "\"%s\" not in: %s", mentions, errors.data);
	config_free(&c);
	buf_free(&errors);
}

/* Settings valid alone that defeat each other are named. */
START_TEST(test_warnings)
{
	static const struct env_pair keys_no_issuer[] = { { "CLERK_JWT_KEY", "-----BEGIN PUBLIC KEY-----" }, { NULL, NULL } };
	static const struct env_pair issuer_no_keys[] = { { "CLERK_ISSUER", "https://clerk.example.com" }, { NULL, NULL } };
	static const struct env_pair both[] = { { "CLERK_JWKS_FILE", "/etc/sentia/jwks.json" },
	                                        { "CLERK_ISSUER", "https://clerk.example.com" }, { NULL, NULL } };
	static const struct env_pair none[] = { { NULL, NULL } };
	const struct env_pair *cases[] = { keys_no_issuer, issuer_no_keys, both, none };
	const int expect[] = { 1, 1, 0, 0 };

	for (size_t i = 0; i < 4; i++) {
		struct config c;
		struct buf errors = BUF_INIT, warnings = BUF_INIT;

		ck_assert_int_eq(config_load(&c, table_get, (void *)cases[i], &errors), 0);
		ck_assert_int_eq(config_warnings(&c, &warnings), expect[i]);
		ck_assert_int_eq(count_lines(&warnings), expect[i]);
		if (expect[i] > 0)
			ck_assert(has_line_for(&warnings, "CLERK_ISSUER"));
		config_free(&c);
		buf_free(&errors);
		buf_free(&warnings);
	}
}
END_TEST

START_TEST(test_defaults)
{
	static const struct env_pair env[] = { { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT;

	ck_assert_int_eq(config_load(&c, table_get, (void *)env, &errors), 0);
	ck_assert_uint_eq(errors.len, 0);
	ck_assert_int_eq(c.app_env, ENV_DEVELOPMENT);
	ck_assert_int_eq(c.log_level, LOG_INFO);
	ck_assert_str_eq(c.database_url, "postgresql://localhost/sentia");
	ck_assert_str_eq(c.redis_url, "redis://127.0.0.1:6379/0");
	ck_assert_int_eq(c.api_min_instances, 2);
	ck_assert_int_eq(c.api_max_instances, 10);
	ck_assert_int_eq(c.api_max_requests, 10000);
	ck_assert_int_eq(c.api_drain_seconds, 30);
	ck_assert_int_eq(c.api_idle_seconds, 10);
	ck_assert_int_eq(c.api_max_body_bytes, 10485760);
	ck_assert_str_eq(c.api_listen, "");
	ck_assert_str_eq(c.api_status_listen, "");
	ck_assert_str_eq(c.api_socket_group, "");
	ck_assert_int_eq(c.db_connect_timeout_seconds, 3);
	ck_assert_int_eq(c.db_statement_timeout_ms, 5000);
	ck_assert_int_eq(c.redis_connect_timeout_ms, 1000);
	ck_assert_int_eq(c.redis_command_timeout_ms, 1000);
	ck_assert_int_eq(c.dependency_retry_max_ms, 2000);
	config_free(&c);
	buf_free(&errors);
}
END_TEST

START_TEST(test_values_read)
{
	static const struct env_pair env[] = {
		{ "APP_ENV", "staging" }, { "LOG_LEVEL", "debug" },
		{ "DATABASE_URL", "host=db dbname=sentia" }, { "REDIS_URL", "unix:///run/redis.sock?db=2" },
		{ "API_MIN_INSTANCES", "4" }, { "API_MAX_INSTANCES", "4" }, { "API_MAX_REQUESTS", "0" },
		{ "API_LISTEN", "127.0.0.1:9000" }, { NULL, NULL },
	};
	struct config c;
	struct buf errors = BUF_INIT;

	ck_assert_int_eq(config_load(&c, table_get, (void *)env, &errors), 0);
	ck_assert_int_eq(c.app_env, ENV_STAGING);
	ck_assert_int_eq(c.log_level, LOG_DEBUG);
	ck_assert_str_eq(c.database_url, "host=db dbname=sentia");
	ck_assert_str_eq(c.redis_url, "unix:///run/redis.sock?db=2");
	ck_assert_int_eq(c.api_min_instances, 4);
	ck_assert_int_eq(c.api_max_instances, 4);
	ck_assert_int_eq(c.api_max_requests, 0);
	ck_assert_str_eq(c.api_listen, "127.0.0.1:9000");
	config_free(&c);
	buf_free(&errors);
}
END_TEST

START_TEST(test_int_not_a_number)
{
	static const struct env_pair env[] = { { "API_MAX_REQUESTS", "lots" }, { NULL, NULL } };
	static const struct env_pair trailing[] = { { "API_DRAIN_SECONDS", "30s" }, { NULL, NULL } };
	static const struct env_pair empty[] = { { "API_IDLE_SECONDS", "" }, { NULL, NULL } };

	assert_one_error(env, "API_MAX_REQUESTS", "\"lots\"");
	assert_one_error(trailing, "API_DRAIN_SECONDS", "\"30s\"");
	assert_one_error(empty, "API_IDLE_SECONDS", NULL);
}
END_TEST

START_TEST(test_int_below_min)
{
	static const struct env_pair zero[] = { { "API_DRAIN_SECONDS", "0" }, { NULL, NULL } };
	static const struct env_pair neg[] = { { "API_MAX_REQUESTS", "-1" }, { NULL, NULL } };

	assert_one_error(zero, "API_DRAIN_SECONDS", "from 1 to 3600");
	assert_one_error(neg, "API_MAX_REQUESTS", "\"-1\"");
}
END_TEST

START_TEST(test_int_above_max)
{
	static const struct env_pair env[] = { { "DB_CONNECT_TIMEOUT_SECONDS", "61" }, { NULL, NULL } };
	static const struct env_pair huge[] = { { "API_MAX_INSTANCES", "99999999999999999999999" }, { NULL, NULL } };

	assert_one_error(env, "DB_CONNECT_TIMEOUT_SECONDS", "from 1 to 60");
	assert_one_error(huge, "API_MAX_INSTANCES", NULL);
}
END_TEST

START_TEST(test_int_bad_value_falls_back)
{
	static const struct env_pair env[] = { { "API_MAX_REQUESTS", "lots" }, { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT;

	ck_assert_int_eq(config_load(&c, table_get, (void *)env, &errors), 1);
	ck_assert_int_eq(c.api_max_requests, 10000);
	config_free(&c);
	buf_free(&errors);
}
END_TEST

START_TEST(test_bad_enum)
{
	static const struct env_pair env[] = { { "APP_ENV", "prod" }, { NULL, NULL } };
	static const struct env_pair level[] = { { "LOG_LEVEL", "verbose" }, { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT;

	assert_one_error(env, "APP_ENV", "\"prod\"");
	assert_one_error(level, "LOG_LEVEL", "\"verbose\"");
	ck_assert_int_eq(config_load(&c, table_get, (void *)env, &errors), 1);
	ck_assert_ptr_nonnull(strstr(errors.data, "production"));
	ck_assert_int_eq(c.app_env, ENV_DEVELOPMENT);
	config_free(&c);
	buf_free(&errors);
}
END_TEST

START_TEST(test_bad_size_suffix)
{
	static const struct env_pair x[] = { { "API_MAX_BODY_BYTES", "10X" }, { NULL, NULL } };
	static const struct env_pair mb[] = { { "API_MAX_BODY_BYTES", "10MB" }, { NULL, NULL } };
	static const struct env_pair bare[] = { { "API_MAX_BODY_BYTES", "M" }, { NULL, NULL } };
	static const struct env_pair big[] = { { "API_MAX_BODY_BYTES", "2G" }, { NULL, NULL } };

	assert_one_error(x, "API_MAX_BODY_BYTES", "\"10X\"");
	assert_one_error(mb, "API_MAX_BODY_BYTES", "\"10MB\"");
	assert_one_error(bare, "API_MAX_BODY_BYTES", NULL);
	assert_one_error(big, "API_MAX_BODY_BYTES", "\"2G\"");
}
END_TEST

/* Loads API_MAX_BODY_BYTES=text and returns the bytes it gave, asserting no error. */
static long body_bytes(const char *text)
{
	const struct env_pair env[] = { { "API_MAX_BODY_BYTES", text }, { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT;
	long v;

	ck_assert_msg(config_load(&c, table_get, (void *)env, &errors) == 0, "%s: %s", text,
	              errors.data != NULL ? errors.data : "");
	v = c.api_max_body_bytes;
	config_free(&c);
	buf_free(&errors);
	return v;
}

START_TEST(test_size_suffixes)
{
	ck_assert_int_eq(body_bytes("10M"), 10485760);
	ck_assert_int_eq(body_bytes("10m"), 10485760);
	ck_assert_int_eq(body_bytes("512K"), 524288);
	ck_assert_int_eq(body_bytes("1G"), 1073741824);
	ck_assert_int_eq(body_bytes("1000"), 1000);
}
END_TEST

START_TEST(test_min_above_max)
{
	static const struct env_pair env[] = {
		{ "API_MIN_INSTANCES", "5" }, { "API_MAX_INSTANCES", "3" }, { NULL, NULL },
	};

	assert_one_error(env, "API_MIN_INSTANCES", "API_MAX_INSTANCES");
}
END_TEST

START_TEST(test_bad_database_url)
{
	static const struct env_pair env[] = { { "DATABASE_URL", "mysql://db/sentia" }, { NULL, NULL } };
	static const struct env_pair pg[] = { { "DATABASE_URL", "postgres://db/sentia" }, { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT;

	assert_one_error(env, "DATABASE_URL", NULL);
	ck_assert_int_eq(config_load(&c, table_get, (void *)env, &errors), 1);
	ck_assert_str_eq(c.database_url, "postgresql://localhost/sentia");
	config_free(&c);
	buf_reset(&errors);
	ck_assert_int_eq(config_load(&c, table_get, (void *)pg, &errors), 0);
	ck_assert_str_eq(c.database_url, "postgres://db/sentia");
	config_free(&c);
	buf_free(&errors);
}
END_TEST

START_TEST(test_bad_redis_url)
{
	static const struct env_pair http[] = { { "REDIS_URL", "http://cache:6379" }, { NULL, NULL } };
	static const struct env_pair port[] = { { "REDIS_URL", "redis://cache:70000" }, { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT;

	assert_one_error(http, "REDIS_URL", "redis://");
	assert_one_error(port, "REDIS_URL", "port");
	ck_assert_int_eq(config_load(&c, table_get, (void *)http, &errors), 1);
	ck_assert_str_eq(c.redis_url, "redis://127.0.0.1:6379/0");
	config_free(&c);
	buf_free(&errors);
}
END_TEST

START_TEST(test_node_env_alias)
{
	static const struct env_pair env[] = { { "NODE_ENV", "production" }, { NULL, NULL } };
	static const struct env_pair both[] = { { "APP_ENV", "test" }, { "NODE_ENV", "test" }, { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT;

	ck_assert_int_eq(config_load(&c, table_get, (void *)env, &errors), 0);
	ck_assert_int_eq(c.app_env, ENV_PRODUCTION);
	config_free(&c);
	ck_assert_int_eq(config_load(&c, table_get, (void *)both, &errors), 0);
	ck_assert_int_eq(c.app_env, ENV_TEST);
	ck_assert_uint_eq(errors.len, 0);
	config_free(&c);
	buf_free(&errors);
}
END_TEST

/* The retention settings' issue names are the primary ones; the older
 * names still work as aliases. So does the webhook secret's short name. */
START_TEST(test_retention_and_webhook_aliases)
{
	static const struct env_pair none[] = { { NULL, NULL } };
	static const struct env_pair old[] = { { "IMPORT_RETENTION_DAYS", "7" }, { "JOB_RETENTION_DAYS", "3" },
	                                       { "CLERK_WEBHOOK_SECRET", "whsec_YWJjZGVmZ2hpamtsbW5vcA==" }, { NULL, NULL } };
	static const struct env_pair new[] = { { "RETENTION_IMPORT_DOCUMENTS_DAYS", "8" }, { "RETENTION_JOBS_DAYS", "4" },
	                                       { "RETENTION_AUDIT_DAYS", "100" },
	                                       { "CLERK_WEBHOOK_SIGNING_SECRET", "whsec_YWJjZGVmZ2hpamtsbW5vcA==" },
	                                       { NULL, NULL } };
	static const struct env_pair clash[] = { { "RETENTION_JOBS_DAYS", "4" }, { "JOB_RETENTION_DAYS", "5" },
	                                         { NULL, NULL } };
	static const struct env_pair bad_secret[] = { { "CLERK_WEBHOOK_SIGNING_SECRET", "whsec_***" }, { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT;

	ck_assert_int_eq(config_load(&c, table_get, (void *)none, &errors), 0);
	ck_assert_int_eq(c.retention_audit_days, 365);
	ck_assert_int_eq(c.retention_import_documents_days, 90);
	ck_assert_int_eq(c.retention_jobs_days, 30);
	ck_assert_str_eq(c.clerk_webhook_secret, "");
	ck_assert_int_eq(c.webhook_max_body_bytes, 256 * 1024);
	config_free(&c);
	ck_assert_int_eq(config_load(&c, table_get, (void *)old, &errors), 0);
	ck_assert_int_eq(c.retention_import_documents_days, 7);
	ck_assert_int_eq(c.retention_jobs_days, 3);
	ck_assert_str_eq(c.clerk_webhook_secret, "whsec_YWJjZGVmZ2hpamtsbW5vcA==");
	config_free(&c);
	ck_assert_int_eq(config_load(&c, table_get, (void *)new, &errors), 0);
	ck_assert_int_eq(c.retention_import_documents_days, 8);
	ck_assert_int_eq(c.retention_jobs_days, 4);
	ck_assert_int_eq(c.retention_audit_days, 100);
	config_free(&c);
	buf_free(&errors);
	assert_one_error(clash, "RETENTION_JOBS_DAYS", "JOB_RETENTION_DAYS");
	assert_one_error(bad_secret, "CLERK_WEBHOOK_SIGNING_SECRET", "whsec_");
}
END_TEST

START_TEST(test_app_env_node_env_disagree)
{
	static const struct env_pair env[] = {
		{ "APP_ENV", "production" }, { "NODE_ENV", "staging" }, { NULL, NULL },
	};

	assert_one_error(env, "APP_ENV", "NODE_ENV");
}
END_TEST

START_TEST(test_several_errors)
{
	static const struct env_pair env[] = {
		{ "APP_ENV", "prod" }, { "API_MAX_REQUESTS", "many" }, { "REDIS_URL", "http://x" },
		{ "API_MAX_BODY_BYTES", "1T" }, { NULL, NULL },
	};
	struct config c;
	struct buf errors = BUF_INIT;

	ck_assert_int_eq(config_load(&c, table_get, (void *)env, &errors), 4);
	ck_assert_int_eq(count_lines(&errors), 4);
	ck_assert(has_line_for(&errors, "APP_ENV"));
	ck_assert(has_line_for(&errors, "API_MAX_REQUESTS"));
	ck_assert(has_line_for(&errors, "REDIS_URL"));
	ck_assert(has_line_for(&errors, "API_MAX_BODY_BYTES"));
	ck_assert(!has_line_for(&errors, "LOG_LEVEL"));
	config_free(&c);
	buf_free(&errors);
}
END_TEST

START_TEST(test_free_clears)
{
	static const struct env_pair env[] = {
		{ "DATABASE_URL", "bad" }, { "API_LISTEN", "unix:/run/sentia.sock" }, { NULL, NULL },
	};
	struct config c;
	struct buf errors = BUF_INIT;

	/* One string falls back to its default, one is set: both are freed
	 * (ASan's leak check catches what is not). */
	ck_assert_int_eq(config_load(&c, table_get, (void *)env, &errors), 1);
	config_free(&c);
	ck_assert_ptr_null(c.database_url);
	ck_assert_ptr_null(c.redis_url);
	ck_assert_ptr_null(c.api_listen);
	ck_assert_ptr_null(c.api_status_listen);
	ck_assert_ptr_null(c.api_socket_group);
	buf_free(&errors);
}
END_TEST

START_TEST(test_diff_fixed)
{
	static const struct env_pair ea[] = { { "API_LISTEN", "unix:/run/a.sock" }, { "LOG_LEVEL", "info" }, { NULL, NULL } };
	static const struct env_pair eb[] = { { "API_LISTEN", "unix:/run/b.sock" }, { "LOG_LEVEL", "info" }, { NULL, NULL } };
	static const struct env_pair ec[] = { { "API_LISTEN", "unix:/run/a.sock" }, { "LOG_LEVEL", "debug" }, { NULL, NULL } };
	struct config a, b, c;
	struct buf errors = BUF_INIT, out = BUF_INIT;

	ck_assert_int_eq(config_load(&a, table_get, (void *)ea, &errors), 0);
	ck_assert_int_eq(config_load(&b, table_get, (void *)eb, &errors), 0);
	ck_assert_int_eq(config_load(&c, table_get, (void *)ec, &errors), 0);

	ck_assert_int_eq(config_diff_fixed(&a, &b, &out), 1);
	ck_assert_msg(strncmp(out.data, "API_LISTEN ", 11) == 0, "%s", out.data);
	ck_assert_int_eq(count_lines(&out), 1);

	buf_reset(&out);
	ck_assert_int_eq(config_diff_fixed(&a, &c, &out), 0);
	ck_assert_uint_eq(out.len, 0);

	ck_assert_int_eq(config_diff_fixed(&a, &a, &out), 0);
	ck_assert_uint_eq(out.len, 0);

	config_free(&a);
	config_free(&b);
	config_free(&c);
	buf_free(&errors);
	buf_free(&out);
}
END_TEST

/* A transaction-mode pooler needs a direct connection for the session
 * locks: without one, the configuration is refused, naming both. */
START_TEST(test_pooler_needs_direct_url)
{
	static const struct env_pair none[] = { { NULL, NULL } };
	static const struct env_pair alone[] = { { "DATABASE_POOLER", "pgbouncer-transaction" }, { NULL, NULL } };
	static const struct env_pair empty[] = { { "DATABASE_POOLER", "pgbouncer-transaction" },
	                                         { "DATABASE_URL_DIRECT", "" }, { NULL, NULL } };
	static const struct env_pair both[] = { { "DATABASE_POOLER", "pgbouncer-transaction" },
	                                        { "DATABASE_URL", "postgresql://sentia@pgbouncer:6432/sentia" },
	                                        { "DATABASE_URL_DIRECT", "postgresql://sentia@db:5432/sentia" },
	                                        { NULL, NULL } };
	static const struct env_pair direct_only[] = { { "DATABASE_URL_DIRECT", "host=db dbname=sentia" }, { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT;

	ck_assert_int_eq(config_load(&c, table_get, (void *)none, &errors), 0);
	ck_assert_int_eq(c.database_pooler, POOLER_NONE);
	ck_assert_str_eq(c.database_url_direct, "");
	config_free(&c);
	assert_one_error(alone, "DATABASE_URL_DIRECT", "DATABASE_POOLER is pgbouncer-transaction");
	assert_one_error(empty, "DATABASE_URL_DIRECT", "advisory locks");
	ck_assert_int_eq(config_load(&c, table_get, (void *)both, &errors), 0);
	ck_assert_int_eq(c.database_pooler, POOLER_PGBOUNCER_TRANSACTION);
	ck_assert_str_eq(c.database_url_direct, "postgresql://sentia@db:5432/sentia");
	config_free(&c);
	/* A direct URL without a pooler is fine: migrations use it. */
	ck_assert_int_eq(config_load(&c, table_get, (void *)direct_only, &errors), 0);
	config_free(&c);
	ck_assert_uint_eq(errors.len, 0);
	buf_free(&errors);
}
END_TEST

START_TEST(test_pooler_bad_values)
{
	static const struct env_pair session[] = { { "DATABASE_POOLER", "pgbouncer-session" }, { NULL, NULL } };
	static const struct env_pair mysql[] = { { "DATABASE_URL_DIRECT", "mysql://db/sentia" }, { NULL, NULL } };

	assert_one_error(session, "DATABASE_POOLER", "pgbouncer-transaction");
	assert_one_error(mysql, "DATABASE_URL_DIRECT", "postgresql://");
}
END_TEST

/* The direct URL that is the pooler's own URL is valid but defeats its
 * purpose: a warning. */
START_TEST(test_pooler_direct_same_as_url)
{
	static const struct env_pair same[] = { { "DATABASE_POOLER", "pgbouncer-transaction" },
	                                        { "DATABASE_URL", "postgresql://sentia@pgbouncer:6432/sentia" },
	                                        { "DATABASE_URL_DIRECT", "postgresql://sentia@pgbouncer:6432/sentia" },
	                                        { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT, warnings = BUF_INIT;

	ck_assert_int_eq(config_load(&c, table_get, (void *)same, &errors), 0);
	ck_assert_int_eq(config_warnings(&c, &warnings), 1);
	ck_assert(has_line_for(&warnings, "DATABASE_URL_DIRECT"));
	config_free(&c);
	buf_free(&errors);
	buf_free(&warnings);
}
END_TEST

/* What the configuration makes of a connection: behind the pooler, no
 * startup options and a direct connection (named for its job) for locks;
 * otherwise one connection for everything. Nothing connects here. */
START_TEST(test_pooler_db_setup)
{
	static const struct env_pair pooled[] = { { "DATABASE_POOLER", "pgbouncer-transaction" },
	                                          { "DATABASE_URL", "postgresql://sentia@127.0.0.1:1/sentia" },
	                                          { "DATABASE_URL_DIRECT", "postgresql://sentia@127.0.0.1:2/sentia" },
	                                          { NULL, NULL } };
	struct config c;
	struct buf errors = BUF_INIT;
	struct db db;

	ck_assert_int_eq(config_load(&c, table_get, (void *)pooled, &errors), 0);
	ck_assert_int_eq(db_init_config(&db, &c, "sentia-worker", 5000), 0);
	ck_assert_int_eq(db.pooled, 1);
	ck_assert_str_eq(db.url, "postgresql://sentia@127.0.0.1:1/sentia");
	ck_assert_ptr_nonnull(db.session);
	ck_assert_int_eq(db.session->pooled, 0);
	ck_assert_ptr_null(db.session->session);
	ck_assert_str_eq(db.session->url, "postgresql://sentia@127.0.0.1:2/sentia");
	ck_assert_str_eq(db.session->application_name, "sentia-worker-locks");
	ck_assert_int_eq(db.session->statement_timeout_ms, 5000);
	/* Neither is open: releasing a lock sends nothing. */
	ck_assert_int_eq(db_locks_held(&db), 0);
	db_unlock(&db, 1);
	db_free(&db);
	ck_assert_ptr_null(db.session);
	config_free(&c);

	ck_assert_int_eq(config_load(&c, table_get, (void *)(const struct env_pair[]){ { NULL, NULL } }, &errors), 0);
	ck_assert_int_eq(db_init_config(&db, &c, "sentia-api", 5000), 0);
	ck_assert_int_eq(db.pooled, 0);
	ck_assert_ptr_null(db.session);
	db_free(&db);
	config_free(&c);
	buf_free(&errors);
}
END_TEST

START_TEST(test_env_name)
{
	ck_assert_str_eq(config_env_name(ENV_PRODUCTION), "production");
	ck_assert_str_eq(config_env_name(ENV_DEVELOPMENT), "development");
	ck_assert_str_eq(config_env_name(ENV__MAX), "unknown");
	ck_assert_str_eq(config_env_name(-1), "unknown");
}
END_TEST

START_TEST(test_table_complete)
{
	/* Every row has a help sentence and a default that loads. */
	for (size_t i = 0; i < config_nvars; i++) {
		ck_assert_ptr_nonnull(config_vars[i].name);
		ck_assert_ptr_nonnull(config_vars[i].def);
		ck_assert_msg(config_vars[i].help != NULL && config_vars[i].help[0] != '\0',
		              "%s has no help", config_vars[i].name);
	}
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");
	TCase *tc_diff = tcase_create("diff");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_warnings);
	tcase_add_test(tc, test_values_read);
	tcase_add_test(tc, test_int_not_a_number);
	tcase_add_test(tc, test_int_below_min);
	tcase_add_test(tc, test_int_above_max);
	tcase_add_test(tc, test_int_bad_value_falls_back);
	tcase_add_test(tc, test_bad_enum);
	tcase_add_test(tc, test_bad_size_suffix);
	tcase_add_test(tc, test_size_suffixes);
	tcase_add_test(tc, test_min_above_max);
	tcase_add_test(tc, test_bad_database_url);
	tcase_add_test(tc, test_bad_redis_url);
	tcase_add_test(tc, test_node_env_alias);
	tcase_add_test(tc, test_app_env_node_env_disagree);
	tcase_add_test(tc, test_retention_and_webhook_aliases);
	tcase_add_test(tc, test_several_errors);
	tcase_add_test(tc, test_free_clears);
	tcase_add_test(tc, test_table_complete);
	tcase_add_test(tc, test_pooler_needs_direct_url);
	tcase_add_test(tc, test_pooler_bad_values);
	tcase_add_test(tc, test_pooler_direct_same_as_url);
	tcase_add_test(tc, test_pooler_db_setup);
	suite_add_tcase(s, tc);
	tcase_add_test(tc_diff, test_diff_fixed);
	tcase_add_test(tc_diff, test_env_name);
	suite_add_tcase(s, tc_diff);
	return s;
}
