/* config: every setting comes from the environment, read through one table. */
#include "ac-config.h"

#include "config.h"
#include "value.h"
#include "kv.h"
#include "netacl.h"
#include "log.h"
#include "svix.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const env_choices[] = { "development", "test", "staging", "production", NULL };
static const char *const level_choices[] = { "debug", "info", "warn", "error", NULL };
/* A security switch: "auto" is on in production and staging, off elsewhere. */
static const char *const switch_choices[] = { "auto", "true", "false", NULL };
static const char *const fail_choices[] = { "open", "closed", NULL };
/* What stands between sentia and PostgreSQL (enum config_pooler). */
static const char *const pooler_choices[] = { "none", "pgbouncer-transaction", NULL };

static int check_database_url(const char *v, struct buf *why);
static int check_address_list(const char *v, struct buf *why)
{
	struct netacl acl;

	return netacl_parse(&acl, v, why) == 0 ? 0 : -1;
}

static int check_database_url_direct(const char *v, struct buf *why);
static int check_redis_url(const char *v, struct buf *why);
static int check_currency(const char *v, struct buf *why);
static int check_webhook_secret(const char *v, struct buf *why);
static int check_address_list(const char *v, struct buf *why);

#define OFF(f) offsetof(struct config, f)

/* Every variable sentia reads, one line each. The operator's guide lists
 * this table; keep the help text a full sentence. */
const struct cfg_var config_vars[] = {
	{ "APP_ENV", "NODE_ENV", CFG_ENUM, OFF(app_env), "development", 0, 0, env_choices, NULL, 0,
	  "Deployment environment: development, test, staging or production." },
	{ "LOG_LEVEL", NULL, CFG_ENUM, OFF(log_level), "info", 0, 0, level_choices, NULL, 1,
	  "Lowest level of log line written: debug, info, warn or error." },
	{ "DATABASE_URL", NULL, CFG_STRING, OFF(database_url), "postgresql://localhost/sentia", 0, 0, NULL, check_database_url, 1,
	  "PostgreSQL connection URL (postgresql://...) or key=value connection string." },
	{ "DATABASE_POOLER", NULL, CFG_ENUM, OFF(database_pooler), "none", 0, 0, pooler_choices, NULL, 0,
	  "What DATABASE_URL reaches: none (PostgreSQL itself) or pgbouncer-transaction (PgBouncer in transaction mode,"
	  " which keeps no session: then no startup options, and advisory locks go over DATABASE_URL_DIRECT)." },
	{ "DATABASE_URL_DIRECT", NULL, CFG_STRING, OFF(database_url_direct), "", 0, 0, NULL, check_database_url_direct, 0,
	  "A connection to PostgreSQL itself, past any pooler: sentiactl migrate runs on it, and behind a transaction-mode"
	  " pooler the advisory locks of imports and jobs are held on it (empty: DATABASE_URL)." },
	{ "REDIS_URL", NULL, CFG_STRING, OFF(redis_url), "redis://127.0.0.1:6379/0", 0, 0, NULL, check_redis_url, 1,
	  "Redis URL: redis://[:password@]host[:port][/db] or unix:///path/to/socket[?db=N]." },
	{ "API_MIN_INSTANCES", NULL, CFG_INT, OFF(api_min_instances), "2", 1, 256, NULL, NULL, 1,
	  "Fewest responder processes the pool keeps." },
	{ "API_MAX_INSTANCES", NULL, CFG_INT, OFF(api_max_instances), "10", 1, 256, NULL, NULL, 1,
	  "Most responder processes the pool grows to while every responder is busy." },
	{ "API_MAX_REQUESTS", NULL, CFG_INT, OFF(api_max_requests), "10000", 0, 1000000000, NULL, NULL, 1,
	  "Requests a responder serves before it is replaced by a fresh one (0: never)." },
	{ "API_DRAIN_SECONDS", NULL, CFG_INT, OFF(api_drain_seconds), "30", 1, 3600, NULL, NULL, 1,
	  "Seconds in-flight requests get to finish on SIGTERM before responders are killed." },
	{ "API_IDLE_SECONDS", NULL, CFG_INT, OFF(api_idle_seconds), "10", 1, 86400, NULL, NULL, 1,
	  "Seconds a spare responder may idle before the pool shrinks toward API_MIN_INSTANCES." },
	{ "API_REQUEST_TIMEOUT_SECONDS", NULL, CFG_INT, OFF(api_request_timeout_seconds), "60", 0, 86400, NULL, NULL, 1,
	  "Seconds one request may keep a responder busy before the master kills and replaces it (0: never)." },
	{ "API_MAX_BODY_BYTES", NULL, CFG_SIZE, OFF(api_max_body_bytes), "10M", 1, 1L << 30, NULL, NULL, 1,
	  "Largest request body accepted (bytes; K, M, G suffixes); larger bodies get 413." },
	{ "API_LISTEN", NULL, CFG_STRING, OFF(api_listen), "", 0, 0, NULL, NULL, 0,
	  "Address to listen on when --listen is not given: unix:PATH or HOST:PORT (empty: fd 0 or systemd)." },
	{ "API_STATUS_LISTEN", NULL, CFG_STRING, OFF(api_status_listen), "", 0, 0, NULL, NULL, 0,
	  "Optional second address served by a dedicated responder for /health, /ready, /metrics and /api/status." },
	{ "API_SOCKET_GROUP", NULL, CFG_STRING, OFF(api_socket_group), "", 0, 0, NULL, NULL, 0,
	  "Group owning the unix sockets sentia creates (mode 0660); empty: the process's group." },
	{ "DB_CONNECT_TIMEOUT_SECONDS", NULL, CFG_INT, OFF(db_connect_timeout_seconds), "3", 1, 60, NULL, NULL, 1,
	  "Seconds a PostgreSQL connection attempt may take." },
	{ "DB_STATEMENT_TIMEOUT_MS", NULL, CFG_INT, OFF(db_statement_timeout_ms), "5000", 100, 600000, NULL, NULL, 1,
	  "Milliseconds a PostgreSQL statement may run before it is cancelled." },
	{ "REDIS_CONNECT_TIMEOUT_MS", NULL, CFG_INT, OFF(redis_connect_timeout_ms), "1000", 10, 60000, NULL, NULL, 1,
	  "Milliseconds a Redis connection attempt may take." },
	{ "REDIS_COMMAND_TIMEOUT_MS", NULL, CFG_INT, OFF(redis_command_timeout_ms), "1000", 10, 60000, NULL, NULL, 1,
	  "Milliseconds a Redis command may take." },
	{ "DEPENDENCY_RETRY_MAX_MS", NULL, CFG_INT, OFF(dependency_retry_max_ms), "2000", 100, 60000, NULL, NULL, 1,
	  "Longest wait between reconnection attempts to a dependency that is down." },
	{ "IMPORT_MAX_BYTES", NULL, CFG_SIZE, OFF(import_max_bytes), "10M", 1, 1L << 30, NULL, NULL, 1,
	  "Largest import document accepted by POST /api/imports (bytes; K, M, G suffixes); larger: 413." },
	{ "IMPORT_MAX_ERRORS", NULL, CFG_INT, OFF(import_max_errors), "100000", 100, 10000000, NULL, NULL, 1,
	  "Bad rows recorded per import; the count of rejected rows stays exact beyond it." },
	{ "BASE_CURRENCY", NULL, CFG_STRING, OFF(base_currency), "USD", 0, 0, NULL, check_currency, 1,
	  "ISO 4217 currency of imported amounts that name none." },
	{ "RETENTION_AUDIT_DAYS", NULL, CFG_INT, OFF(retention_audit_days), "365", 1, 36500, NULL, NULL, 1,
	  "Days an audit log record is kept before the daily purge removes it." },
	{ "RETENTION_IMPORT_DOCUMENTS_DAYS", "IMPORT_RETENTION_DAYS", CFG_INT, OFF(retention_import_documents_days), "90", 1,
	  36500, NULL, NULL, 1, "Days a finished import's stored document is kept (its record and errors stay)." },
	{ "RETENTION_JOBS_DAYS", "JOB_RETENTION_DAYS", CFG_INT, OFF(retention_jobs_days), "30", 1, 36500, NULL, NULL, 1,
	  "Days a finished job's record is kept." },
	{ "WORKER_MIN_INSTANCES", NULL, CFG_INT, OFF(worker_min_instances), "1", 1, 256, NULL, NULL, 1,
	  "Fewest sentia-worker processes." },
	{ "WORKER_MAX_INSTANCES", NULL, CFG_INT, OFF(worker_max_instances), "5", 1, 256, NULL, NULL, 1,
	  "Most sentia-worker processes." },
	{ "WORKER_SCALE_QUEUE_DEPTH", NULL, CFG_INT, OFF(worker_scale_queue_depth), "100", 1, 10000000, NULL, NULL, 1,
	  "Waiting jobs above which the worker pool grows." },
	{ "WORKER_MAX_JOBS", NULL, CFG_INT, OFF(worker_max_jobs), "1000", 0, 100000000, NULL, NULL, 1,
	  "Jobs a worker runs before it is replaced (0: never)." },
	{ "WORKER_DRAIN_SECONDS", NULL, CFG_INT, OFF(worker_drain_seconds), "60", 1, 86400, NULL, NULL, 1,
	  "Time running jobs get to finish on SIGTERM; a job cut short is claimed again by another worker." },
	{ "WORKER_IDLE_SECONDS", NULL, CFG_INT, OFF(worker_idle_seconds), "30", 1, 86400, NULL, NULL, 1,
	  "Idle time before the worker pool shrinks." },
	{ "WORKER_JOB_TIME_LIMIT_SECONDS", NULL, CFG_INT, OFF(worker_job_time_limit_seconds), "0", 0, 86400, NULL, NULL, 1,
	  "Longest run of any job (0: each queue's own limit)." },
	{ "WORKER_VISIBILITY_TIMEOUT_SECONDS", NULL, CFG_INT, OFF(worker_visibility_timeout_seconds), "0", 0, 86400, NULL, NULL, 1,
	  "How long a silent worker holds a job before another claims it (0: each queue's own)." },
	{ "WORKER_RETRY_BASE_MS", NULL, CFG_INT, OFF(worker_retry_base_ms), "0", 0, 86400000, NULL, NULL, 1,
	  "The first retry's delay, doubled for each one after (0: each queue's own)." },
	{ "WORKER_LEASE_MS", NULL, CFG_INT, OFF(worker_lease_ms), "15000", 500, 600000, NULL, NULL, 1,
	  "The scheduler lease: another worker takes over this long after its holder dies." },
	{ "CLERK_JWKS_FILE", NULL, CFG_STRING, OFF(clerk_jwks_file), "", 0, 0, NULL, NULL, 1,
	  "A JWKS file of the RSA keys that sign session tokens (several at once while keys rotate)." },
	{ "CLERK_JWT_KEY", NULL, CFG_STRING, OFF(clerk_jwt_key), "", 0, 0, NULL, NULL, 1,
	  "A PEM public key that signs session tokens, for tokens without a kid." },
	{ "CLERK_ISSUER", NULL, CFG_STRING, OFF(clerk_issuer), "", 0, 0, NULL, NULL, 1,
	  "The iss every session token must carry (the Clerk frontend API URL); none: tokens are refused." },
	{ "CLERK_WEBHOOK_SIGNING_SECRET", "CLERK_WEBHOOK_SECRET", CFG_STRING, OFF(clerk_webhook_secret), "", 0, 0, NULL,
	  check_webhook_secret, 1,
	  "The secret Clerk signs its webhooks with (whsec_ and base64); none: POST /api/webhooks/clerk answers 503." },
	{ "WEBHOOK_MAX_BODY_BYTES", NULL, CFG_SIZE, OFF(webhook_max_body_bytes), "256K", 1024, 1L << 24, NULL, NULL, 1,
	  "Largest webhook body accepted (bytes; K, M suffixes); larger: 413." },
	{ "CLERK_AUTHORIZED_PARTIES", NULL, CFG_STRING, OFF(clerk_authorized_parties), "", 0, 0, NULL, NULL, 1,
	  "Comma-separated origins a token's azp may name (empty: any)." },
	{ "AUTH_CLOCK_SKEW_SECONDS", NULL, CFG_INT, OFF(auth_clock_skew_seconds), "5", 0, 300, NULL, NULL, 1,
	  "Seconds of clock difference allowed when checking exp and nbf." },
	{ "AUTH_ROLE_CLAIM", NULL, CFG_STRING, OFF(auth_role_claim), "metadata.role", 0, 0, NULL, NULL, 1,
	  "The dotted path of the token claim that holds the user's role." },
	{ "AUTH_LOCKOUT_FAILURES", NULL, CFG_INT, OFF(auth_lockout_failures), "5", 1, 1000, NULL, NULL, 1,
	  "Failed authentications from one address, within the window, that lock it out." },
	{ "AUTH_LOCKOUT_WINDOW_SECONDS", NULL, CFG_INT, OFF(auth_lockout_window_seconds), "900", 1, 86400, NULL, NULL, 1,
	  "The window failed authentications are counted in." },
	{ "AUTH_LOCKOUT_SECONDS", NULL, CFG_INT, OFF(auth_lockout_seconds), "900", 1, 86400, NULL, NULL, 1,
	  "The first lock-out; each one after doubles, up to AUTH_LOCKOUT_MAX_SECONDS." },
	{ "AUTH_LOCKOUT_MAX_SECONDS", NULL, CFG_INT, OFF(auth_lockout_max_seconds), "28800", 1, 604800, NULL, NULL, 1,
	  "The longest lock-out." },
	{ "RATE_LIMIT_DEFAULT_MAX", NULL, CFG_INT, OFF(rate_default_max), "1000", 1, 1000000, NULL, NULL, 1,
	  "Requests per window of routes in the default class, per identity or address." },
	{ "RATE_LIMIT_DEFAULT_WINDOW_SECONDS", NULL, CFG_INT, OFF(rate_default_window), "900", 1, 86400, NULL, NULL, 1,
	  "The default class's window." },
	{ "RATE_LIMIT_IMPORT_MAX", NULL, CFG_INT, OFF(rate_import_max), "50", 1, 1000000, NULL, NULL, 1,
	  "Uploads per window of the import class." },
	{ "RATE_LIMIT_IMPORT_WINDOW_SECONDS", NULL, CFG_INT, OFF(rate_import_window), "3600", 1, 86400, NULL, NULL, 1,
	  "The import class's window." },
	{ "RATE_LIMIT_AUTH_SENSITIVE_MAX", NULL, CFG_INT, OFF(rate_auth_max), "20", 1, 1000000, NULL, NULL, 1,
	  "Requests per window of the auth-sensitive class." },
	{ "RATE_LIMIT_AUTH_SENSITIVE_WINDOW_SECONDS", NULL, CFG_INT, OFF(rate_auth_window), "300", 1, 86400, NULL, NULL, 1,
	  "The auth-sensitive class's window." },
	{ "RATE_LIMIT_WEBHOOK_MAX", NULL, CFG_INT, OFF(rate_webhook_max), "600", 1, 100000000, NULL, NULL, 1,
	  "Webhook deliveries per window, per sending address." },
	{ "RATE_LIMIT_WEBHOOK_WINDOW_SECONDS", NULL, CFG_INT, OFF(rate_webhook_window), "60", 1, 86400, NULL, NULL, 1,
	  "The webhook class's window." },
	{ "RATE_LIMIT_FAIL_MODE", NULL, CFG_ENUM, OFF(rate_fail_closed), "open", 0, 0, fail_choices, NULL, 1,
	  "What the rate limiter does while Redis is unreachable: open (let requests through) or closed (refuse them)." },
	{ "CORS_ALLOWED_ORIGINS", NULL, CFG_STRING, OFF(cors_allowed_origins), "", 0, 0, NULL, NULL, 1,
	  "Comma-separated origins (scheme://host[:port]) browsers may call the API from; empty: none." },
	{ "ENABLE_HSTS", NULL, CFG_ENUM, OFF(enable_hsts), "auto", 0, 0, switch_choices, NULL, 1,
	  "Send Strict-Transport-Security: true, false, or auto (on in production and staging)." },
	{ "METRICS_ALLOWED_IPS", NULL, CFG_STRING, OFF(metrics_allowed_ips), "", 0, 0, NULL, NULL, 1,
	  "Comma-separated addresses or CIDRs allowed to read /metrics (empty: any)." },
	{ "API_TRUSTED_PROXIES", NULL, CFG_STRING, OFF(api_trusted_proxies), "", 0, 0, NULL, check_address_list, 1,
	  "Comma-separated addresses or CIDRs of proxies (load balancers) whose X-Forwarded-For names the client, for a"
	  " web server that passes its own peer as REMOTE_ADDR (Caddy 2.6); empty: REMOTE_ADDR is the client." },
	{ "MAINTENANCE_MODE", NULL, CFG_ENUM, OFF(maintenance_mode), "false", 0, 0, switch_choices, NULL, 1,
	  "Start in maintenance mode (sentiactl maintenance changes it at run time, for every host)." },
	{ "MAINTENANCE_MESSAGE", NULL, CFG_STRING, OFF(maintenance_message), "sentia is down for maintenance.", 0, 0, NULL, NULL, 1,
	  "The message clients get during maintenance." },
	{ "MAINTENANCE_ALLOWED_IPS", NULL, CFG_STRING, OFF(maintenance_allowed_ips), "", 0, 0, NULL, NULL, 1,
	  "Comma-separated addresses or CIDRs served as usual during maintenance." },
	{ "PII_REDACTION_ENABLED", NULL, CFG_ENUM, OFF(pii_redaction), "auto", 0, 0, switch_choices, NULL, 1,
	  "Keep e-mail addresses, phone numbers, tokens, keys and secrets out of log lines: true, false, or auto (on in production and staging)." },
	{ "PII_HASH_KEY", NULL, CFG_STRING, OFF(pii_hash_key), "", 0, 0, NULL, NULL, 1,
	  "With it, redacted values become a keyed hash (so one user's lines can be correlated); without, a marker." },
	{ "WORKING_CAPITAL_WINDOW_DAYS", NULL, CFG_INT, OFF(wc_window_days), "90", 1, 3660, NULL, NULL, 1,
	  "The trailing window (days) of the working-capital snapshots the scheduler computes." },
	{ "INVENTORY_SERVICE_LEVEL", NULL, CFG_INT, OFF(inventory_service_level), "95", 50, 99, NULL, NULL, 1,
	  "The cycle service level (percent) inventory policies aim for, unless a request names another." },
	{ "ENABLE_CACHE", NULL, CFG_ENUM, OFF(enable_cache), "auto", 0, 0, switch_choices, NULL, 1,
	  "Cache the expensive reads in Redis: true, false, or auto (on in production and staging)." },
	{ "CACHE_TTL_SECONDS", NULL, CFG_INT, OFF(cache_ttl_seconds), "3600", 1, 86400, NULL, NULL, 1,
	  "Longest life of a cached read; a new import or snapshot makes it obsolete at once." },
	{ "HEALTH_DISK_PATHS", NULL, CFG_STRING, OFF(health_disk_paths), "log=/var/log,data=/var/lib/postgresql", 0, 0, NULL,
	  NULL, 1, "Folders whose free space GET /api/admin/health reports, as NAME=PATH pairs separated by commas." },
};

const size_t config_nvars = sizeof config_vars / sizeof config_vars[0];

const char *config_getenv(const char *name, void *arg)
{
	(void)arg;
	return getenv(name);
}

int config_switch_on(const struct config *c, int sw)
{
	return sw == SWITCH_ON || (sw == SWITCH_AUTO && (c->app_env == ENV_PRODUCTION || c->app_env == ENV_STAGING));
}

const char *config_env_name(int app_env)
{
	return app_env >= 0 && app_env < ENV__MAX ? env_choices[app_env] : "unknown";
}

static int check_database_url(const char *v, struct buf *why)
{
	if (strncmp(v, "postgresql://", 13) == 0 || strncmp(v, "postgres://", 11) == 0 || strchr(v, '=') != NULL)
		return 0;
	buf_puts(why, "must be a postgresql:// URL or a key=value connection string");
	return -1;
}

static int check_database_url_direct(const char *v, struct buf *why)
{
	return *v == '\0' ? 0 : check_database_url(v, why);
}

static int check_currency(const char *v, struct buf *why)
{
	if (value_currency(v, strlen(v)) == VALUE_OK)
		return 0;
	buf_puts(why, "not an active ISO 4217 currency code (such as USD or EUR)");
	return -1;
}

static int check_webhook_secret(const char *v, struct buf *why)
{
	unsigned char key[SVIX_KEY_MAX];

	if (v[0] == '\0' || svix_secret_decode(v, key, sizeof key) > 0)
		return 0;
	buf_puts(why, "must be whsec_ followed by the base64 of the key, as Clerk shows it");
	return -1;
}

static int check_redis_url(const char *v, struct buf *why)
{
	struct kv_target t;

	if (kv_url_parse(v, &t, why) == 0) {
		kv_target_free(&t);
		return 0;
	}
	return -1;
}

/* Parses a whole decimal integer; no sign games, no trailing text. */
static int parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (*s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int parse_size(const char *s, long *out)
{
	char num[32];
	size_t n = strlen(s);
	long mult = 1, v;

	if (n == 0 || n >= sizeof num)
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'K': case 'k': mult = 1L << 10; break;
	case 'M': case 'm': mult = 1L << 20; break;
	case 'G': case 'g': mult = 1L << 30; break;
	default: break;
	}
	if (mult != 1)
		num[n - 1] = '\0';
	if (parse_long(num, &v) < 0 || v < 0 || v > (1L << 40) / mult)
		return -1;
	*out = v * mult;
	return 0;
}

/* Reads one variable, or its alias, noting a disagreement between them. */
static const char *lookup(const struct cfg_var *v, config_getter get, void *arg, struct buf *errors, int *nerr)
{
	const char *val = get(v->name, arg);
	const char *alt = v->alias != NULL ? get(v->alias, arg) : NULL;

	if (val != NULL && alt != NULL && strcmp(val, alt) != 0) {
		buf_printf(errors, "%s: set to \"%s\" while its alias %s says \"%s\"; set only one\n",
		           v->name, val, v->alias, alt);
		(*nerr)++;
	}
	return val != NULL ? val : alt;
}

static int load_one(struct config *c, const struct cfg_var *v, const char *val, struct buf *errors)
{
	char *base = (char *)c + v->offset;
	struct buf why = BUF_INIT;
	long n;

	switch (v->type) {
	case CFG_STRING:
		if (v->check != NULL && v->check(val, &why) < 0) {
			buf_printf(errors, "%s: %s\n", v->name, why.data != NULL ? why.data : "invalid value");
			buf_free(&why);
			return -1;
		}
		*(char **)(void *)base = strdup(val);
		return 0;
	case CFG_INT:
	case CFG_SIZE:
		if ((v->type == CFG_INT ? parse_long(val, &n) : parse_size(val, &n)) < 0 || n < v->min || n > v->max) {
			buf_printf(errors, "%s: must be %s from %ld to %ld, got \"%s\"\n", v->name,
			           v->type == CFG_INT ? "a whole number" : "a size in bytes (K, M, G allowed)",
			           v->min, v->max, val);
			return -1;
		}
		*(long *)(void *)base = n;
		return 0;
	case CFG_ENUM:
		for (int i = 0; v->choices[i] != NULL; i++) {
			if (strcmp(val, v->choices[i]) == 0) {
				*(int *)(void *)base = i;
				return 0;
			}
		}
		buf_printf(errors, "%s: must be one of", v->name);
		for (int i = 0; v->choices[i] != NULL; i++)
			buf_printf(errors, "%s %s", i ? "," : "", v->choices[i]);
		buf_printf(errors, "; got \"%s\"\n", val);
		return -1;
	}
	return -1;
}

int config_load(struct config *c, config_getter get, void *arg, struct buf *errors)
{
	int nerr = 0;

	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < config_nvars; i++) {
		const struct cfg_var *v = &config_vars[i];
		const char *val = lookup(v, get, arg, errors, &nerr);

		if (val == NULL)
			val = v->def;
		if (load_one(c, v, val, errors) < 0) {
			nerr++;
			/* Keep the struct usable: fall back to the default. */
			if (v->type == CFG_STRING)
				*(char **)(void *)((char *)c + v->offset) = strdup(v->def);
			else
				load_one(c, v, v->def, errors);
		}
	}
	if (c->api_min_instances > c->api_max_instances) {
		buf_printf(errors, "API_MIN_INSTANCES: %ld is more than API_MAX_INSTANCES (%ld)\n",
		           c->api_min_instances, c->api_max_instances);
		nerr++;
	}
	/* A transaction-mode pooler gives each transaction any server
	 * connection: a session lock taken through it lands on a connection
	 * that outlives its holder, and its release may land on another. */
	if (c->database_pooler == POOLER_PGBOUNCER_TRANSACTION && c->database_url_direct[0] == '\0') {
		buf_puts(errors, "DATABASE_URL_DIRECT: must be set when DATABASE_POOLER is pgbouncer-transaction: the advisory"
		                 " locks of migrations, imports and jobs need a session of their own, which a transaction-mode"
		                 " pooler does not keep\n");
		nerr++;
	}
	if (c->worker_min_instances > c->worker_max_instances) {
		buf_printf(errors, "WORKER_MIN_INSTANCES: %ld is more than WORKER_MAX_INSTANCES (%ld)\n",
		           c->worker_min_instances, c->worker_max_instances);
		nerr++;
	}
	return nerr;
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < config_nvars; i++) {
		if (config_vars[i].type == CFG_STRING) {
			char **p = (char **)(void *)((char *)c + config_vars[i].offset);
			free(*p);
			*p = NULL;
		}
	}
}

int config_warnings(const struct config *c, struct buf *out)
{
	int n = 0;

	/* Tokens are checked for their issuer; without one, none passes. */
	if ((c->clerk_jwks_file[0] != '\0' || c->clerk_jwt_key[0] != '\0') && c->clerk_issuer[0] == '\0') {
		buf_puts(out, "CLERK_ISSUER: empty while session-token keys are set, so every session token is refused\n");
		n++;
	}
	if (c->clerk_issuer[0] != '\0' && c->clerk_jwks_file[0] == '\0' && c->clerk_jwt_key[0] == '\0') {
		buf_puts(out, "CLERK_ISSUER: set, but neither CLERK_JWKS_FILE nor CLERK_JWT_KEY gives a key, so every session"
		              " token is refused\n");
		n++;
	}
	if (c->database_pooler == POOLER_PGBOUNCER_TRANSACTION && strcmp(c->database_url_direct, c->database_url) == 0) {
		buf_puts(out, "DATABASE_URL_DIRECT: the same as DATABASE_URL, which goes through the pooler; it must reach"
		              " PostgreSQL itself\n");
		n++;
	}
	return n;
}

int config_diff_fixed(const struct config *a, const struct config *b, struct buf *out)
{
	int n = 0;

	for (size_t i = 0; i < config_nvars; i++) {
		const struct cfg_var *v = &config_vars[i];
		const char *pa = (const char *)a + v->offset, *pb = (const char *)b + v->offset;
		int same;

		if (v->reloadable)
			continue;
		if (v->type == CFG_STRING)
			same = strcmp(*(char *const *)(const void *)pa, *(char *const *)(const void *)pb) == 0;
		else if (v->type == CFG_ENUM)
			same = *(const int *)(const void *)pa == *(const int *)(const void *)pb;
		else
			same = *(const long *)(const void *)pa == *(const long *)(const void *)pb;
		if (!same) {
			buf_printf(out, "%s changed but takes effect only on restart\n", v->name);
			n++;
		}
	}
	return n;
}
