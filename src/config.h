/* config: every setting comes from the environment, read through one table. */
#ifndef SENTIA_CONFIG_H
#define SENTIA_CONFIG_H

#include <stddef.h>

#include "buf.h"

/* The deployment environments APP_ENV (or its alias NODE_ENV) may name. */
enum app_env {
	ENV_DEVELOPMENT,
	ENV_TEST,
	ENV_STAGING,
	ENV_PRODUCTION,
	ENV__MAX
};

/* The whole configuration of a process. Strings are owned; config_free
 * releases them. */
struct config {
	int app_env;              /* enum app_env */
	int log_level;            /* enum log_level */
	char *database_url;
	int database_pooler;      /* enum config_pooler */
	char *database_url_direct;
	char *redis_url;
	long api_min_instances;
	long api_max_instances;
	long api_max_requests;
	long api_drain_seconds;
	long api_idle_seconds;
	long api_request_timeout_seconds;
	long api_max_body_bytes;
	char *api_listen;
	char *api_status_listen;
	char *api_socket_group;
	long db_connect_timeout_seconds;
	long db_statement_timeout_ms;
	long redis_connect_timeout_ms;
	long redis_command_timeout_ms;
	long dependency_retry_max_ms;
	long import_max_bytes;
	long import_max_errors;
	char *base_currency;
	long retention_audit_days;
	long retention_import_documents_days;
	long retention_jobs_days;
	long worker_min_instances;
	long worker_max_instances;
	long worker_scale_queue_depth;
	long worker_max_jobs;
	long worker_drain_seconds;
	long worker_idle_seconds;
	long worker_job_time_limit_seconds;
	long worker_visibility_timeout_seconds;
	long worker_retry_base_ms;
	long worker_lease_ms;
	char *clerk_jwks_file;
	char *clerk_jwt_key;
	char *clerk_issuer;
	char *clerk_authorized_parties;
	char *clerk_webhook_secret;
	long webhook_max_body_bytes;
	long auth_clock_skew_seconds;
	char *auth_role_claim;
	long auth_lockout_failures;
	long auth_lockout_window_seconds;
	long auth_lockout_seconds;
	long auth_lockout_max_seconds;
	long rate_default_max, rate_default_window;
	long rate_import_max, rate_import_window;
	long rate_auth_max, rate_auth_window;
	long rate_webhook_max, rate_webhook_window;
	int rate_fail_closed;     /* 0 open, 1 closed */
	char *cors_allowed_origins;
	int enable_hsts;          /* enum config_switch */
	char *metrics_allowed_ips;
	char *api_trusted_proxies;
	int maintenance_mode;     /* enum config_switch */
	char *maintenance_message;
	char *maintenance_allowed_ips;
	int pii_redaction;        /* enum config_switch */
	char *pii_hash_key;
	long wc_window_days;
	long inventory_service_level;  /* percent */
	int enable_cache;         /* enum config_switch */
	long cache_ttl_seconds;
	char *health_disk_paths;
};

/* The values of a security switch; "auto" is on in production and staging. */
enum config_switch {
	SWITCH_AUTO,
	SWITCH_ON,
	SWITCH_OFF,
};

/* What DATABASE_URL reaches. */
enum config_pooler {
	POOLER_NONE,
	POOLER_PGBOUNCER_TRANSACTION,   /* PgBouncer, pool_mode = transaction: no session state */
};

enum cfg_type {
	CFG_STRING,
	CFG_INT,
	CFG_SIZE,   /* bytes, with an optional K, M or G suffix (powers of 1024) */
	CFG_ENUM,
};

/* One row of the configuration table: a variable, its type, where it goes
 * in struct config, its default, its bounds, and what it means. */
struct cfg_var {
	const char *name;
	const char *alias;           /* another name accepted for it, or NULL */
	enum cfg_type type;
	size_t offset;
	const char *def;             /* default, as text */
	long min, max;               /* for CFG_INT and CFG_SIZE */
	const char *const *choices;  /* for CFG_ENUM, NULL-terminated */
	int (*check)(const char *value, struct buf *why); /* extra check, or NULL */
	int reloadable;              /* whether SIGHUP may change it */
	const char *help;
};

/* The table itself, and its length. */
extern const struct cfg_var config_vars[];
extern const size_t config_nvars;

/* Where config_load reads variables from: getenv, or a test's table. */
typedef const char *(*config_getter)(const char *name, void *arg);

/* Fills c from the variables get returns, defaults for the rest. Appends
 * one line per problem to errors, each naming its variable, and returns the
 * number of problems (0 when c is usable). c is always left freeable. */
int config_load(struct config *c, config_getter get, void *arg, struct buf *errors);
/* The process environment, as a config_getter. */
const char *config_getenv(const char *name, void *arg);
/* Releases the strings c owns. */
void config_free(struct config *c);
/* Appends a line per setting that is valid alone but does not do what it
 * seems to with the others ("NAME: why"); returns how many. */
int config_warnings(const struct config *c, struct buf *out);
/* Appends a line per non-reloadable variable that differs between a and b. */
int config_diff_fixed(const struct config *a, const struct config *b, struct buf *out);

/* Whether a switch (enum config_switch) is on in this configuration. */
int config_switch_on(const struct config *c, int sw);
/* The name of an environment. */
const char *config_env_name(int app_env);

#endif
