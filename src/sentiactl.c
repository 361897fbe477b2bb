/* sentiactl: the operator's tool. One table of verbs, each a function
 * with its usage line; main reads the options common to all, loads the
 * configuration and runs the verb. */
#include "ac-config.h"

#include "civil.h"
#include "config.h"
#include "db.h"
#include "demo.h"
#include "envfile.h"
#include "import.h"
#include "log.h"
#include "auth.h"
#include "jobs.h"
#include "netacl.h"
#include "migrate.h"
#include "queue.h"
#include "retention.h"
#include "slo.h"
#include "users.h"
#include "smoke.h"
#include "config_doc.h"
#include "forecast_csv.h"
#include "value.h"
#include "version.h"

#include <errno.h>
#include <json-c/json.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What every verb gets: the configuration and a database handle that
 * connects on first use. */
struct ctl {
	struct config *cfg;
	struct db db;
	struct kv kv;
	char worker[96];
};

typedef int (*verb_fn)(struct ctl *ctl, int argc, char **argv);

/* Who runs sentiactl, as the audit log and imports name them:
 * "operator:<login>" (the login behind sudo, when there is one). */
static void operator_actor(char *out, size_t size)
{
	const char *user = getenv("SUDO_USER") != NULL ? getenv("SUDO_USER") : getenv("USER");

	snprintf(out, size, "operator:%s", user != NULL ? user : "unknown");
}

static int verb_migrate(struct ctl *ctl, int argc, char **argv);
static int verb_import(struct ctl *ctl, int argc, char **argv);
static int verb_demo_data(struct ctl *ctl, int argc, char **argv);
static int verb_check_config(struct ctl *ctl, int argc, char **argv);
static int verb_queue(struct ctl *ctl, int argc, char **argv);
static int verb_apikey(struct ctl *ctl, int argc, char **argv);
static int verb_maintenance(struct ctl *ctl, int argc, char **argv);
static int verb_slo(struct ctl *ctl, int argc, char **argv);
static int verb_forecast(struct ctl *ctl, int argc, char **argv);
static int verb_user(struct ctl *ctl, int argc, char **argv);
static int verb_retention(struct ctl *ctl, int argc, char **argv);
static int verb_smoke(struct ctl *ctl, int argc, char **argv);
static int verb_config_doc(struct ctl *ctl, int argc, char **argv);

/* How a verb reaches PostgreSQL. */
enum verb_db {
	VIA_URL,      /* DATABASE_URL, through whatever pooler it names */
	VIA_DIRECT,   /* DATABASE_URL_DIRECT when set: the whole run is one session */
};

/* The verbs: name, function, its database path, usage, and what it does. */
static const struct verb {
	const char *name;
	verb_fn fn;
	enum verb_db via;
	const char *usage;
	const char *help;
} verbs[] = {
	/* Migrations hold their lock for the whole run and create tables
	 * and functions: a session's work, past any pooler. */
	{ "migrate", verb_migrate, VIA_DIRECT, "migrate up | down VERSION | status",
	  "apply pending schema migrations, undo them down to VERSION, or show their state" },
	{ "import", verb_import, VIA_URL, "import TYPE FILE [--source NAME] [--mode all_or_nothing|skip_invalid]",
	  "import a CSV or JSON file (by its extension) through the same path as the API, and wait for it" },
	{ "demo-data", verb_demo_data, VIA_URL, "demo-data [--seed N] [--end YYYY-MM-DD] [--years N]",
	  "generate and import a reproducible data set for a small drinks manufacturer" },
	{ "queue", verb_queue, VIA_URL, "queue status | inspect QUEUE [--dead] | retry JOB_ID | retry --all-dead QUEUE | purge-dead QUEUE | enqueue TYPE [--payload JSON] [--count N]",
	  "the job queues: depths and workers, waiting/delayed/dead jobs with their errors, retrying dead jobs, queuing one" },
	{ "apikey", verb_apikey, VIA_URL, "apikey create --name NAME --role ROLE | list | revoke NAME",
	  "API keys for machines: the key is printed once, only its hash is kept" },
	{ "maintenance", verb_maintenance, VIA_URL, "maintenance on [--message TEXT] [--allow CIDRS] [--until TIME] | off | status",
	  "maintenance mode for every responder and host, within a second, without a restart" },
	{ "user", verb_user, VIA_URL, "user erase USER_ID",
	  "erase a user now, as DELETE /api/users/{id} does through the queue: profile deleted, person pseudonymised" },
	{ "retention", verb_retention, VIA_URL, "retention status",
	  "what the next retention purge would remove, per kind of record, with the setting that keeps it" },
	{ "forecast", verb_forecast, VIA_URL, FORECAST_CSV_USAGE, FORECAST_CSV_HELP " (no database or server needed)" },
	{ "slo", verb_slo, VIA_URL, "slo",
	  "the service-level objectives now; exit 0 when all are ok, 1 on a warning, 2 on a critical one" },
	{ "check-config", verb_check_config, VIA_URL, "check-config", "check the configuration and exit" },
	{ "smoke", verb_smoke, VIA_URL, "smoke --url URL [--token T] [--expect-version V] [--connect HOST:PORT] [--cacert FILE]"
	  " [--timeout S] [--slow-ms MS]",
	  "the post-deployment checks against a running instance, timed, as a table; exit 1 on any failure" },
	{ "config-doc", verb_config_doc, VIA_URL, "config-doc",
	  "print the table of every configuration variable (markdown), as the operator's guide shows it" },
};
#define NVERBS (sizeof verbs / sizeof verbs[0])

static void usage(FILE *f)
{
	fprintf(f, "Usage: sentiactl [--env-file PATH] VERB [ARGS]...\n"
	           "The operator's tool for sentia. Settings come from the environment\n"
	           "(DATABASE_URL and the rest), over which --env-file may set some.\n\nVerbs:\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(f, "  %s\n      %s\n", verbs[i].usage, verbs[i].help);
	fprintf(f, "  version\n      print the version\n");
}

/* Says how a verb is used, and returns the exit status for that. */
static int bad_usage(const char *verb)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (strcmp(verbs[i].name, verb) == 0)
			fprintf(stderr, "usage: sentiactl %s\n", verbs[i].usage);
	return 2;
}

static int verb_migrate(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "up") == 0)
		return migrate_up(&ctl->db, stdout) == 0 ? 0 : 1;
	if (argc == 2 && strcmp(argv[1], "status") == 0)
		return migrate_status(&ctl->db, stdout) == 0 ? 0 : 1;
	if (argc == 3 && strcmp(argv[1], "down") == 0) {
		char *end;
		long to = strtol(argv[2], &end, 10);

		if (*argv[2] == '\0' || *end != '\0' || to < 0 || to > 9999) {
			fprintf(stderr, "sentiactl: %s is not a version number\n", argv[2]);
			return 2;
		}
		return migrate_down(&ctl->db, (int)to, stdout) == 0 ? 0 : 1;
	}
	return bad_usage("migrate");
}

/* Accepts and processes one document, as the API would, and prints the
 * outcome. Returns 0 when every row loaded, 1 otherwise. */
static int import_one(struct ctl *ctl, struct import_request *rq, int quiet)
{
	struct import_settings s = { ctl->cfg->base_currency, ctl->cfg->import_max_errors, ctl->worker };
	struct buf why = BUF_INIT;
	char idtext[24];
	const char *p[] = { idtext };
	PGresult *r;
	int64_t id;
	int rc = 1;

	if (import_check_shape(rq, &why) != 0) {
		fprintf(stderr, "sentiactl: %s: %s\n", rq->type->name, why.data);
		buf_free(&why);
		return 1;
	}
	buf_free(&why);
	if (import_accept(&ctl->db, rq, &id) != IMPORT_NEW) {
		fprintf(stderr, "sentiactl: cannot store the import: %s\n", ctl->db.error);
		return 1;
	}
	if (import_process(&ctl->db, id, &s) != IMPORT_DONE) {
		fprintf(stderr, "sentiactl: import %lld is stored but not processed (%s); the API will take it up\n",
		        (long long)id, ctl->db.error);
		return 1;
	}
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	r = db_exec(&ctl->db, "SELECT status, rows_read, rows_loaded, rows_rejected, rows_inserted, rows_updated,"
	                      " (extract(epoch FROM finished_at - started_at) * 1000)::bigint, coalesce(error, '')"
	                      " FROM imports WHERE id = $1", 1, p);
	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		rc = strcmp(PQgetvalue(r, 0, 0), "completed") == 0 ? 0 : 1;
		if (!quiet || rc != 0)
			printf("import %lld (%s): %s; %s rows read, %s loaded (%s new, %s changed), %s rejected, in %s ms%s%s\n",
			       (long long)id, rq->type->name, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2),
			       PQgetvalue(r, 0, 4), PQgetvalue(r, 0, 5), PQgetvalue(r, 0, 3), PQgetvalue(r, 0, 6),
			       *PQgetvalue(r, 0, 7) ? ": " : "", PQgetvalue(r, 0, 7));
	}
	PQclear(r);
	if (rc != 0)
		printf("see GET /api/imports/%lld/errors for the bad rows\n", (long long)id);
	return rc;
}

static int verb_import(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_request rq;
	struct buf doc = BUF_INIT;
	const char *path, *dot;
	char actor[160];
	int opt, rc;

	memset(&rq, 0, sizeof rq);
	rq.source = "cli";
	rq.source_kind = "cli";
	operator_actor(actor, sizeof actor);
	rq.created_by = actor;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 's')
			rq.source = optarg;
		else if (opt == 'm' && strcmp(optarg, "skip_invalid") == 0)
			rq.mode = IMPORT_SKIP_INVALID;
		else if (opt == 'm' && strcmp(optarg, "all_or_nothing") == 0)
			rq.mode = IMPORT_ALL_OR_NOTHING;
		else
			return bad_usage("import");
	}
	if (argc - optind != 2)
		return bad_usage("import");
	if ((rq.type = import_type_find(argv[optind])) == NULL) {
		fprintf(stderr, "sentiactl: no import type %s\n", argv[optind]);
		return 2;
	}
	if (!import_source_name_ok(rq.source)) {
		fprintf(stderr, "sentiactl: %s is not a source name (letters, digits and ._-)\n", rq.source);
		return 2;
	}
	path = argv[optind + 1];
	dot = strrchr(path, '.');
	rq.format = dot != NULL && strcmp(dot, ".json") == 0 ? IMPORT_JSON : IMPORT_CSV;
	rq.content_type = rq.format == IMPORT_JSON ? "application/json" : "text/csv";
	if (buf_read_file(&doc, path, 0) != 0) {
		fprintf(stderr, "sentiactl: %s: %s\n", path, strerror(errno));
		buf_free(&doc);
		return 1;
	}
	rq.data = doc.data != NULL ? doc.data : "";
	rq.len = doc.len;
	rc = import_one(ctl, &rq, 0);
	buf_free(&doc);
	return rc;
}

static int verb_demo_data(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "years", required_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	struct demo_options o = { 1, civil_today() - 1, 3, ctl->cfg->base_currency };
	struct demo_set set;
	char actor[160];
	int opt, rc = 0;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end = NULL;

		if (opt == 's')
			o.seed = strtoull(optarg, &end, 10);
		else if (opt == 'y')
			o.years = (int)strtol(optarg, &end, 10);
		else if (opt == 'e' && value_date(optarg, strlen(optarg), &o.last_day) == VALUE_OK)
			end = optarg + strlen(optarg);
		if (end == NULL || *end != '\0' || o.years < 1 || o.years > 20)
			return bad_usage("demo-data");
	}
	if (optind != argc)
		return bad_usage("demo-data");
	memset(&set, 0, sizeof set);
	operator_actor(actor, sizeof actor);
	if (demo_generate(&o, &set) != 0) {
		fprintf(stderr, "sentiactl: cannot generate the demo data\n");
		return 1;
	}
	{
		/* In the order imports need: what sales name must exist first. */
		const struct { const char *type; const struct buf *doc; } docs[] = {
			{ "channels", &set.channels }, { "products", &set.products }, { "sales", &set.sales },
			{ "inventory", &set.inventory }, { "receivables", &set.receivables }, { "payables", &set.payables },
		};

		for (size_t i = 0; i < sizeof docs / sizeof docs[0] && rc == 0; i++) {
			struct import_request rq = { import_type_find(docs[i].type), IMPORT_CSV, IMPORT_ALL_OR_NOTHING,
			                             "demo", "demo", NULL, "text/csv", docs[i].doc->data, docs[i].doc->len,
			                             actor };

			rc = import_one(ctl, &rq, 0);
		}
	}
	demo_set_free(&set);
	return rc;
}

/* queue status: a line per queue, then the workers seen. */
static int queue_status(struct ctl *ctl)
{
	redisReply *r;

	printf("%-16s %9s %7s %8s %7s %10s %9s %11s\n", "queue", "waiting", "active", "delayed", "dead",
	       "done (1h)", "consumers", "oldest (s)");
	for (size_t i = 0; i < nqueues; i++) {
		struct queue_counts c;

		if (queue_counts(&ctl->db, &ctl->kv, &queues[i], &c) != 0) {
			fprintf(stderr, "sentiactl: cannot read the queues: Redis: %s; PostgreSQL: %s\n", ctl->kv.error, ctl->db.error);
			return 1;
		}
		printf("%-16s %9lld %7lld %8lld %7lld %10lld %9d %11.1f\n", queues[i].name, c.waiting, c.active, c.delayed,
		       c.dead, c.completed_hour, c.consumers, c.oldest_waiting_s);
	}
	r = kv_command(&ctl->kv, "HGETALL %s", QUEUE_WORKERS_KEY);
	printf("\nworkers (last heartbeat, ms since the epoch):\n");
	for (size_t i = 0; r != NULL && r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2)
		printf("  %s %s\n", r->element[i]->str, r->element[i + 1]->str);
	freeReplyObject(r);
	return 0;
}

/* queue inspect QUEUE [--dead]: the jobs waiting, waiting to retry or
 * running, or the dead ones, with their attempts and last error. */
static int queue_inspect(struct ctl *ctl, const struct queue_def *q, int dead)
{
	const char *p[] = { q->name, dead ? "dead" : "" };
	PGresult *r = db_exec(&ctl->db, "SELECT id, type, status, attempts, max_attempts, coalesce(last_error, ''),"
	                                " to_char(enqueued_at, 'YYYY-MM-DD HH24:MI:SS') FROM jobs WHERE queue = $1 AND"
	                                " CASE WHEN $2 = 'dead' THEN status = 'dead' ELSE status IN ('queued', 'retrying', 'running') END"
	                                " ORDER BY id LIMIT 1000", 2, p);

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "sentiactl: %s\n", r != NULL ? PQresultErrorMessage(r) : ctl->db.error);
		PQclear(r);
		return 1;
	}
	printf("%-10s %-28s %-9s %8s  %-19s  %s\n", "job", "type", "status", "attempts", "enqueued", "last error");
	for (int i = 0; i < PQntuples(r); i++)
		printf("%-10s %-28s %-9s %5s/%-2s  %-19s  %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
		       PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), PQgetvalue(r, i, 6), PQgetvalue(r, i, 5));
	printf("%d job(s)\n", PQntuples(r));
	PQclear(r);
	return 0;
}

/* Removes a job's entries (every job's, when id is NULL) from a queue's
 * dead-letter stream. */
static void drop_dead_entries(struct ctl *ctl, const struct queue_def *q, const char *id)
{
	char key[96];
	redisReply *r;

	queue_key(q, ":dead", key, sizeof key);
	r = kv_command(&ctl->kv, "XRANGE %s - +", key);
	for (size_t i = 0; r != NULL && r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
		redisReply *e = r->element[i], *f = e->element[1];

		for (size_t k = 0; f->type == REDIS_REPLY_ARRAY && k + 1 < f->elements; k += 2)
			if (strcmp(f->element[k]->str, "job") == 0 && (id == NULL || strcmp(f->element[k + 1]->str, id) == 0)) {
				redisReply *d = kv_command(&ctl->kv, "XDEL %s %s", key, e->element[0]->str);

				freeReplyObject(d);
			}
	}
	freeReplyObject(r);
}

/* Puts dead jobs back on their queue with a fresh set of attempts (their
 * runs so far still count in attempts). */
static int queue_retry(struct ctl *ctl, const char *job, const struct queue_def *all)
{
	const char *p[] = { job != NULL ? job : "0", all != NULL ? all->name : "" };
	PGresult *r = db_exec(&ctl->db, "SELECT id, queue FROM jobs WHERE status = 'dead' AND (id = $1::bigint OR queue = $2)"
	                                " ORDER BY id", 2, p);
	int n, done = 0;

	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "sentiactl: %s\n", r != NULL ? PQresultErrorMessage(r) : ctl->db.error);
		PQclear(r);
		return 1;
	}
	n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		const struct queue_def *q = queue_find(PQgetvalue(r, i, 1));
		char more[16];
		const char *pu[] = { PQgetvalue(r, i, 0), more };

		if (q == NULL)
			continue;
		snprintf(more, sizeof more, "%d", q->max_attempts);
		if (db_command(&ctl->db, "UPDATE jobs SET status = 'queued', max_attempts = attempts + $2, finished_at = NULL,"
		                         " next_run_at = NULL, published_at = NULL WHERE id = $1 AND status = 'dead'", 2, pu) != 0) {
			fprintf(stderr, "sentiactl: job %s: %s\n", PQgetvalue(r, i, 0), ctl->db.error);
			continue;
		}
		done++;
		drop_dead_entries(ctl, q, PQgetvalue(r, i, 0));
		if (queue_publish(&ctl->db, &ctl->kv, strtoll(PQgetvalue(r, i, 0), NULL, 10), q) != 0)
			fprintf(stderr, "sentiactl: job %s is queued again but not yet published (Redis: %s); a worker will publish it\n",
			        PQgetvalue(r, i, 0), ctl->kv.error);
		else
			printf("job %s queued again on %s\n", PQgetvalue(r, i, 0), q->name);
	}
	PQclear(r);
	if (n == 0 && job != NULL) {
		fprintf(stderr, "sentiactl: no dead job %s\n", job);
		return 1;
	}
	printf("%d job(s) retried\n", done);
	return done == n ? 0 : 1;
}

/* queue enqueue TYPE [--payload JSON] [--count N] */
static int queue_add(struct ctl *ctl, int argc, char **argv)
{
	const struct job_type *t = job_type_find(argv[2]);
	const char *payload = "{}";
	long count = 1, done = 0;
	struct json_object *check;

	for (int i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--payload") == 0)
			payload = argv[i + 1];
		else if (strcmp(argv[i], "--count") == 0)
			count = strtol(argv[i + 1], NULL, 10);
		else
			return bad_usage("queue");
	}
	if (t == NULL || count < 1 || count > 1000000 || (argc - 3) % 2 != 0) {
		fprintf(stderr, "sentiactl: give a job type (");
		for (size_t i = 0; i < job_ntypes; i++)
			fprintf(stderr, "%s%s", i ? ", " : "", job_types[i].name);
		fprintf(stderr, ") and a count from 1 to 1000000\n");
		return 2;
	}
	check = json_tokener_parse(payload);
	if (check == NULL || !json_object_is_type(check, json_type_object)) {
		json_object_put(check);
		fprintf(stderr, "sentiactl: the payload is a JSON object\n");
		return 2;
	}
	json_object_put(check);
	for (; done < count; done++) {
		int64_t id;
		int created;

		if (queue_enqueue(&ctl->db, &ctl->kv, t->queue, t->name, payload, NULL, &id, &created) != 0)
			break;
		if (count == 1)
			printf("job %lld queued on %s\n", (long long)id, t->queue);
	}
	if (count > 1)
		printf("%ld job(s) queued on %s\n", done, t->queue);
	return done == count ? 0 : 1;
}

static int verb_queue(struct ctl *ctl, int argc, char **argv)
{
	const struct queue_def *q = argc >= 3 ? queue_find(argv[2]) : NULL;

	if (argc == 2 && strcmp(argv[1], "status") == 0)
		return queue_status(ctl);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "inspect") == 0 && q != NULL
	    && (argc == 3 || strcmp(argv[3], "--dead") == 0))
		return queue_inspect(ctl, q, argc == 4);
	if (argc == 3 && strcmp(argv[1], "retry") == 0 && strspn(argv[2], "0123456789") == strlen(argv[2]))
		return queue_retry(ctl, argv[2], NULL);
	if (argc == 4 && strcmp(argv[1], "retry") == 0 && strcmp(argv[2], "--all-dead") == 0 && queue_find(argv[3]) != NULL)
		return queue_retry(ctl, NULL, queue_find(argv[3]));
	if (argc == 3 && strcmp(argv[1], "purge-dead") == 0 && q != NULL) {
		const char *p[] = { q->name };
		PGresult *r = db_exec(&ctl->db, "WITH d AS (DELETE FROM jobs WHERE queue = $1 AND status = 'dead' RETURNING 1)"
		                                " SELECT count(*) FROM d", 1, p);
		int rc = r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : 1;

		if (rc == 0) {
			drop_dead_entries(ctl, q, NULL);
			printf("%s dead job(s) of %s purged\n", PQgetvalue(r, 0, 0), q->name);
		} else {
			fprintf(stderr, "sentiactl: %s\n", r != NULL ? PQresultErrorMessage(r) : ctl->db.error);
		}
		PQclear(r);
		return rc;
	}
	if (argc >= 3 && strcmp(argv[1], "enqueue") == 0)
		return queue_add(ctl, argc, argv);
	return bad_usage("queue");
}

/* Records an operator's action in the audit log (best effort). */
static void audit_ctl(struct ctl *ctl, const char *what, const char *target, const char *detail)
{
	char actor[160];
	const char *p[] = { actor, what, target, detail };

	operator_actor(actor, sizeof actor);
	if (db_command(&ctl->db, "INSERT INTO audit_log (action, actor, route, target, outcome, detail)"
	                         " VALUES ('admin', $1, 'sentiactl ' || $2, $3, 'done', $4)", 4, p) != 0)
		fprintf(stderr, "sentiactl: warning: not recorded in the audit log: %s\n", ctl->db.error);
}

/* apikey create --name N --role R | list | revoke NAME */
static int verb_apikey(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "create") == 0 && strcmp(argv[2], "--name") == 0 && strcmp(argv[4], "--role") == 0) {
		char key[48], prefix[12], hash[65];
		const char *p[] = { argv[3], argv[5], prefix, hash };
		PGresult *r;

		if (role_parse(argv[5]) < 0) {
			fprintf(stderr, "sentiactl: no role %s (viewer, operator, analyst, manager, admin)\n", argv[5]);
			return 2;
		}
		if (apikey_generate(key, prefix, hash) != 0) {
			fprintf(stderr, "sentiactl: no randomness for a key\n");
			return 1;
		}
		r = db_exec(&ctl->db, "INSERT INTO api_keys (name, role, prefix, key_hash) VALUES ($1, $2, $3, $4)", 4, p);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "sentiactl: cannot store the key: %s", r != NULL ? PQresultErrorMessage(r) : ctl->db.error);
			PQclear(r);
			return 1;
		}
		PQclear(r);
		audit_ctl(ctl, "apikey create", argv[3], argv[5]);
		/* The key itself, once: only its hash is kept. */
		printf("%s\n", key);
		fprintf(stderr, "API key %s (%s) created; this is the only time it is shown\n", argv[3], argv[5]);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		PGresult *r = db_exec(&ctl->db, "SELECT name, role, prefix, to_char(created_at, 'YYYY-MM-DD HH24:MI'),"
		                                " coalesce(to_char(last_used_at, 'YYYY-MM-DD HH24:MI'), '-'),"
		                                " CASE WHEN revoked_at IS NULL THEN 'active' ELSE 'revoked' END"
		                                " FROM api_keys ORDER BY name", 0, NULL);

		if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "sentiactl: %s", r != NULL ? PQresultErrorMessage(r) : ctl->db.error);
			PQclear(r);
			return 1;
		}
		printf("%-24s %-9s %-12s %-17s %-17s %s\n", "name", "role", "prefix", "created", "last used", "state");
		for (int i = 0; i < PQntuples(r); i++)
			printf("%-24s %-9s %-12s %-17s %-17s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
			       PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), PQgetvalue(r, i, 5));
		PQclear(r);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
		const char *p[] = { argv[2] };
		PGresult *r = db_exec(&ctl->db, "UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL"
		                                " RETURNING name", 1, p);
		int n = r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : -1;

		PQclear(r);
		if (n <= 0) {
			fprintf(stderr, "sentiactl: %s\n", n == 0 ? "no active key of that name" : ctl->db.error);
			return 1;
		}
		audit_ctl(ctl, "apikey revoke", argv[2], NULL);
		printf("API key %s revoked (responders stop accepting it within 10 s)\n", argv[2]);
		return 0;
	}
	return bad_usage("apikey");
}

/* maintenance on [--message TEXT] [--allow CIDRS] [--until TIME] | off | status */
static int verb_maintenance(struct ctl *ctl, int argc, char **argv)
{
	redisReply *r;

	if (argc >= 2 && strcmp(argv[1], "on") == 0) {
		const char *message = ctl->cfg->maintenance_message, *allow = ctl->cfg->maintenance_allowed_ips, *until = NULL;
		struct netacl acl;
		struct buf why = BUF_INIT;
		long long expire = 0;

		for (int i = 2; i + 1 < argc; i += 2) {
			if (strcmp(argv[i], "--message") == 0)
				message = argv[i + 1];
			else if (strcmp(argv[i], "--allow") == 0)
				allow = argv[i + 1];
			else if (strcmp(argv[i], "--until") == 0)
				until = argv[i + 1];
			else
				return bad_usage("maintenance");
		}
		if ((argc - 2) % 2 != 0)
			return bad_usage("maintenance");
		if (netacl_parse(&acl, allow, &why) != 0) {
			fprintf(stderr, "sentiactl: --allow: %s\n", why.data);
			buf_free(&why);
			return 2;
		}
		buf_free(&why);
		if (until != NULL) {
			/* Seconds since the epoch, or a timestamp PostgreSQL reads. */
			const char *p[] = { until };
			PGresult *pr = db_exec(&ctl->db, "SELECT extract(epoch FROM $1::timestamptz)::bigint", 1, p);

			if (pr == NULL || PQresultStatus(pr) != PGRES_TUPLES_OK) {
				fprintf(stderr, "sentiactl: --until: not a time (%s)\n", until);
				PQclear(pr);
				return 2;
			}
			expire = strtoll(PQgetvalue(pr, 0, 0), NULL, 10);
			PQclear(pr);
		}
		r = kv_command(&ctl->kv, "HSET sentia:maintenance state on message %s allow %s", message, allow);
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "sentiactl: Redis: %s\n", r != NULL ? r->str : ctl->kv.error);
			freeReplyObject(r);
			return 1;
		}
		freeReplyObject(r);
		r = expire > 0 ? kv_command(&ctl->kv, "EXPIREAT sentia:maintenance %lld", expire)
		               : kv_command(&ctl->kv, "PERSIST sentia:maintenance");
		freeReplyObject(r);
		audit_ctl(ctl, "maintenance on", message, allow);
		printf("maintenance on%s%s: every responder answers 503 within a second\n", until ? " until " : "", until ? until : "");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "off") == 0) {
		/* "off" is stored, not deleted, so it also overrides a start in
		 * maintenance (MAINTENANCE_MODE=true). */
		r = kv_command(&ctl->kv, "HSET sentia:maintenance state off");
		if (r == NULL || r->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "sentiactl: Redis: %s\n", r != NULL ? r->str : ctl->kv.error);
			freeReplyObject(r);
			return 1;
		}
		freeReplyObject(r);
		r = kv_command(&ctl->kv, "PERSIST sentia:maintenance");
		freeReplyObject(r);
		audit_ctl(ctl, "maintenance off", NULL, NULL);
		printf("maintenance off\n");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "status") == 0) {
		redisReply *t;

		r = kv_command(&ctl->kv, "HMGET sentia:maintenance state message allow");
		t = kv_command(&ctl->kv, "TTL sentia:maintenance");
		if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
			fprintf(stderr, "sentiactl: Redis: %s\n", ctl->kv.error);
			freeReplyObject(r);
			freeReplyObject(t);
			return 1;
		}
		if (r->element[0]->type != REDIS_REPLY_STRING)
			printf("maintenance %s (from MAINTENANCE_MODE; no operator has set it)\n",
			       ctl->cfg->maintenance_mode == SWITCH_ON ? "on" : "off");
		else
			printf("maintenance %s\nmessage: %s\nallowed: %s\n%s", r->element[0]->str,
			       r->element[1]->type == REDIS_REPLY_STRING ? r->element[1]->str : "",
			       r->element[2]->type == REDIS_REPLY_STRING && r->element[2]->len > 0 ? r->element[2]->str : "(none)",
			       t != NULL && t->type == REDIS_REPLY_INTEGER && t->integer > 0 ? "ends on its own\n" : "");
		freeReplyObject(r);
		freeReplyObject(t);
		return 0;
	}
	return bad_usage("maintenance");
}

static int verb_check_config(struct ctl *ctl, int argc, char **argv)
{
	struct buf warnings = BUF_INIT;
	int n;

	(void)argv;
	if (argc != 1)
		return bad_usage("check-config");
	n = config_warnings(ctl->cfg, &warnings);
	if (n > 0)
		printf("%s", warnings.data);
	printf("configuration ok%s\n", n > 0 ? ", with the warnings above" : "");
	buf_free(&warnings);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "env-file", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env_file = NULL;
	struct buf errors = BUF_INIT;
	struct ctl ctl;
	const struct verb *v = NULL;
	char host[64] = "";
	int opt, rc;

	/* Options before the verb only; the verb parses its own. */
	while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (opt) {
		case 'e': env_file = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("sentiactl %s (commit %s, built %s)\n", sentia_version, sentia_commit, sentia_build_time); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[optind], "version") == 0) {
		printf("sentiactl %s (commit %s, built %s; schema version %d)\n", sentia_version, sentia_commit,
		       sentia_build_time, migrations_latest());
		return 0;
	}
	for (size_t i = 0; i < NVERBS; i++)
		if (strcmp(verbs[i].name, argv[optind]) == 0)
			v = &verbs[i];
	if (v == NULL) {
		fprintf(stderr, "sentiactl: no verb %s\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	log_init("sentiactl", LOG_WARN);
	memset(&ctl, 0, sizeof ctl);
	ctl.cfg = calloc(1, sizeof *ctl.cfg);
	if (ctl.cfg == NULL)
		return 1;
	if (envfile_config(ctl.cfg, env_file, &errors) > 0) {
		fprintf(stderr, "sentiactl: the configuration has problems:\n%s", errors.data);
		buf_free(&errors);
		config_free(ctl.cfg);
		free(ctl.cfg);
		return 2;
	}
	buf_free(&errors);
	gethostname(host, sizeof host - 1);
	snprintf(ctl.worker, sizeof ctl.worker, "%s:%ld", host, (long)getpid());
	/* No statement timeout: a migration or a large import takes what it
	 * takes, and the operator can interrupt it. (Behind a pooler the
	 * role's own applies to what goes through it.) */
	if (v->via == VIA_DIRECT && ctl.cfg->database_url_direct[0] != '\0')
		db_init(&ctl.db, ctl.cfg->database_url_direct, "sentiactl", ctl.cfg->db_connect_timeout_seconds, 0,
		        ctl.cfg->dependency_retry_max_ms);
	else
		db_init_config(&ctl.db, ctl.cfg, "sentiactl", 0);
	if (kv_init(&ctl.kv, ctl.cfg->redis_url, ctl.cfg->redis_connect_timeout_ms, 10000, ctl.cfg->dependency_retry_max_ms) < 0) {
		fprintf(stderr, "sentiactl: %s\n", ctl.kv.error);
		rc = 2;
	} else {
		rc = v->fn(&ctl, argc - optind, argv + optind);
	}
	kv_free(&ctl.kv);
	db_free(&ctl.db);
	config_free(ctl.cfg);
	free(ctl.cfg);
	return rc;
}

/* sentiactl slo: the objectives as a table, for people and for cron. */
static int verb_slo(struct ctl *ctl, int argc, char **argv)
{
	int rc;

	(void)argv;
	if (argc != 1) {
		usage(stderr);
		return 2;
	}
	rc = slo_report(&ctl->db, &ctl->kv, stdout, isatty(STDOUT_FILENO));
	if (rc == 3) {
		fprintf(stderr, "sentiactl: cannot read PostgreSQL: %s\n", ctl->db.error);
		return 3;
	}
	return rc;
}

/* sentiactl forecast: the forecasting engine on a file, for analysts and
 * the benchmark. */
static int verb_forecast(struct ctl *ctl, int argc, char **argv)
{
	(void)ctl;
	return forecast_csv_main(argc, argv);
}

/* sentiactl user erase ID: the erasure, done here and now (the same
 * function the users.erase job runs), audited as the operator's. */
static int verb_user(struct ctl *ctl, int argc, char **argv)
{
	char actor[160], why[300];
	struct users_erase_request rq = { NULL, ctl->cfg->pii_hash_key, actor, "sentiactl user erase" };
	struct users_erasure e;

	if (argc != 3 || strcmp(argv[1], "erase") != 0)
		return bad_usage("user");
	if (!users_id_valid(argv[2])) {
		fprintf(stderr, "sentiactl: %s is not a user id (1 to %d letters, digits and _)\n", argv[2], USERS_ID_MAX);
		return 2;
	}
	rq.id = argv[2];
	operator_actor(actor, sizeof actor);
	if (users_erase(&ctl->db, &rq, &e, why, sizeof why) != 0) {
		fprintf(stderr, "sentiactl: the user is not erased: %s\n", why);
		return 1;
	}
	printf("user erased as %s: profile %lld, role history %lld, audit records %lld, imports %lld, jobs %lld\n",
	       e.pseudonym, e.profiles, e.role_history, e.audit_records, e.imports, e.jobs);
	return 0;
}

/* sentiactl retention status: what the next purge would remove, counted
 * by the same conditions the purge deletes by. */
static int verb_retention(struct ctl *ctl, int argc, char **argv)
{
	long long n[RETENTION_NRULES];
	char why[300];

	if (argc != 2 || strcmp(argv[1], "status") != 0)
		return bad_usage("retention");
	if (retention_count(&ctl->db, ctl->cfg, n, why, sizeof why) != 0) {
		fprintf(stderr, "sentiactl: cannot count: %s\n", why);
		return 1;
	}
	printf("%-18s %-33s %6s %14s\n", "records", "kept by", "days", "would remove");
	for (size_t i = 0; i < RETENTION_NRULES; i++)
		printf("%-18s %-33s %6ld %14lld\n", retention_rules[i].name, retention_rules[i].setting,
		       retention_days(ctl->cfg, &retention_rules[i]), n[i]);
	return 0;
}

/* sentiactl smoke: the guide's post-deployment checks in one command. The
 * token may come from SENTIA_TOKEN, to keep it off the command line. */
static int verb_smoke(struct ctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "expect-version", required_argument, NULL, 'v' },
		{ "connect", required_argument, NULL, 'c' },
		{ "cacert", required_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "slow-ms", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct smoke_opts o = { NULL, getenv("SENTIA_TOKEN"), NULL, NULL, NULL, 10000, 2000 };
	int opt;

	(void)ctl;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end = NULL;
		long v = 0;

		if (opt == 'T' || opt == 's')
			v = strtol(optarg, &end, 10);
		switch (opt) {
		case 'u': o.url = optarg; break;
		case 't': o.token = optarg; break;
		case 'v': o.expect_version = optarg; break;
		case 'c': o.connect = optarg; break;
		case 'a': o.cafile = optarg; break;
		case 'T':
			if (*optarg == '\0' || *end != '\0' || v < 1 || v > 600)
				return bad_usage("smoke");
			o.timeout_ms = (int)v * 1000;
			break;
		case 's':
			if (*optarg == '\0' || *end != '\0' || v < 0)
				return bad_usage("smoke");
			o.slow_ms = v;
			break;
		default: return bad_usage("smoke");
		}
	}
	if (o.url == NULL || optind != argc)
		return bad_usage("smoke");
	if (o.token != NULL && *o.token == '\0')
		o.token = NULL;
	return smoke_run(&o, stdout, stderr);
}

/* sentiactl config-doc: the configuration table for docs/operations.md
 * (scripts/gen-config-doc puts it there). */
static int verb_config_doc(struct ctl *ctl, int argc, char **argv)
{
	(void)ctl;
	(void)argv;
	if (argc != 1)
		return bad_usage("config-doc");
	return config_doc_write(stdout) == 0 ? 0 : 1;
}
