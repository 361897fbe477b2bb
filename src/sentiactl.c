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
#include "migrate.h"
#include "value.h"
#include "version.h"

#include <errno.h>
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
	char worker[96];
};

typedef int (*verb_fn)(struct ctl *ctl, int argc, char **argv);

static int verb_migrate(struct ctl *ctl, int argc, char **argv);
static int verb_import(struct ctl *ctl, int argc, char **argv);
static int verb_demo_data(struct ctl *ctl, int argc, char **argv);
static int verb_check_config(struct ctl *ctl, int argc, char **argv);

/* The verbs: name, function, usage, and what it does. */
static const struct verb {
	const char *name;
	verb_fn fn;
	const char *usage;
	const char *help;
} verbs[] = {
	{ "migrate", verb_migrate, "migrate up | down VERSION | status",
	  "apply pending schema migrations, undo them down to VERSION, or show their state" },
	{ "import", verb_import, "import TYPE FILE [--source NAME] [--mode all_or_nothing|skip_invalid]",
	  "import a CSV or JSON file (by its extension) through the same path as the API, and wait for it" },
	{ "demo-data", verb_demo_data, "demo-data [--seed N] [--end YYYY-MM-DD] [--years N]",
	  "generate and import a reproducible data set for a small drinks manufacturer" },
	{ "check-config", verb_check_config, "check-config", "check the configuration and exit" },
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

/* Reads a whole file into b. */
static int read_file(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "sentiactl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_append(b, chunk, n) != 0)
			break;
	if (ferror(f)) {
		fprintf(stderr, "sentiactl: %s: read error\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
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
	int opt, rc;

	memset(&rq, 0, sizeof rq);
	rq.source = "cli";
	rq.source_kind = "cli";
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
	if (read_file(path, &doc) != 0)
		return 1;
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
			                             "demo", "demo", NULL, "text/csv", docs[i].doc->data, docs[i].doc->len };

			rc = import_one(ctl, &rq, 0);
		}
	}
	demo_set_free(&set);
	return rc;
}

static int verb_check_config(struct ctl *ctl, int argc, char **argv)
{
	(void)ctl;
	(void)argv;
	if (argc != 1)
		return bad_usage("check-config");
	printf("configuration ok\n");
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
	 * takes, and the operator can interrupt it. */
	db_init(&ctl.db, ctl.cfg->database_url, "sentiactl", ctl.cfg->db_connect_timeout_seconds, 0,
	        ctl.cfg->dependency_retry_max_ms);
	rc = v->fn(&ctl, argc - optind, argv + optind);
	db_free(&ctl.db);
	config_free(ctl.cfg);
	free(ctl.cfg);
	return rc;
}
