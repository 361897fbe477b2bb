/* sentia-worker: the queue workers, as a pool of processes under the same
 * process manager as sentia-api: respawned when they die, drained on
 * SIGTERM, replaced one by one on SIGHUP, grown while jobs wait. */
#include "ac-config.h"

#include "config.h"
#include "envfile.h"
#include "log.h"
#include "pool.h"
#include "version.h"
#include "worker.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env_file;

static void usage(FILE *f)
{
	fprintf(f,
	        "Usage: sentia-worker [OPTION]...\n"
	        "Run sentia's queue workers: imports, forecasts, working capital, maintenance.\n\n"
	        "  --env-file PATH       read KEY=VALUE settings from PATH, again on SIGHUP\n"
	        "  --check-config        check the configuration and exit\n"
	        "  --version             print the version and exit\n"
	        "  --help                print this help and exit\n\n"
	        "Settings come from the environment (WORKER_*, DATABASE_URL, REDIS_URL, ...).\n");
}

/* Loads the configuration; logs each problem and returns -1 when any. */
static int load_config(struct config *cfg)
{
	return envfile_config_logged(cfg, env_file);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "env-file", required_argument, NULL, 'e' },
		{ "check-config", no_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pool_opts opts;
	struct config *cfg;
	int check_only = 0, opt;

	log_init("sentia-worker", LOG_INFO);
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'e': env_file = optarg; break;
		case 'c': check_only = 1; break;
		case 'V': printf("sentia-worker %s (commit %s, built %s)\n", sentia_version, sentia_commit, sentia_build_time); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	cfg = calloc(1, sizeof *cfg);
	if (cfg == NULL || load_config(cfg) < 0) {
		free(cfg);
		return 2;
	}
	log_set_level((enum log_level)cfg->log_level);
	log_set_redaction(config_switch_on(cfg, cfg->pii_redaction), cfg->pii_hash_key[0] != '\0' ? cfg->pii_hash_key : NULL);
	if (check_only) {
		printf("configuration ok\n");
		config_free(cfg);
		free(cfg);
		return 0;
	}
	memset(&opts, 0, sizeof opts);
	opts.cfg = cfg;
	opts.listen_fd = -1;
	opts.status_fd = -1;
	opts.reload = load_config;
	opts.limits = worker_limits;
	opts.child = worker_run;
	opts.wants_more = worker_wants_more;
	opts.child_name = "worker";
	return pool_run(&opts);
}
