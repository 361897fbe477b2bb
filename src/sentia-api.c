/* sentia-api: the pre-forked pool of FastCGI responders. This file reads
 * the command line and configuration, finds the sockets, and hands over
 * to the pool's master loop. */
#include "ac-config.h"

#include "config.h"
#include "envfile.h"
#include "listen.h"
#include "log.h"
#include "pool.h"
#include "routes.h"
#include "scoreboard.h"
#include "version.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *env_file;

static void usage(FILE *f)
{
	fprintf(f,
	        "Usage: sentia-api [OPTION]...\n"
	        "Serve sentia's API as a pre-forked pool of FastCGI responders.\n\n"
	        "  --listen ADDR         listen on unix:PATH or HOST:PORT (default: API_LISTEN,\n"
	        "                        else a socket from systemd or on standard input)\n"
	        "  --status-listen ADDR  also serve /health, /ready, /metrics and /api/status\n"
	        "                        on ADDR from a responder of their own\n"
	        "  --socket-group GROUP  group of the unix sockets created (mode 0660)\n"
	        "  --env-file PATH       read KEY=VALUE settings from PATH, again on SIGHUP\n"
	        "  --check-config        check the configuration and exit\n"
	        "  --version             print the version and exit\n"
	        "  --help                print this help and exit\n\n"
	        "Settings come from the environment; see the operator's guide.\n");
}

/* Loads the configuration from the env file (if any) over the environment.
 * Logs each problem on its own line and returns -1 when there are any. */
static int load_config(struct config *cfg)
{
	return envfile_config_logged(cfg, env_file);
}

/* Opens the socket spec names, logging why it cannot. A unix socket's
 * path goes to *unix_path, for the master to remove when it stops.
 * Returns the descriptor, or -1. */
static int open_socket(const char *what, const char *spec, const char *group, const char **unix_path)
{
	struct buf err = BUF_INIT;
	int fd = listen_open(spec, group, &err);

	if (fd < 0)
		log_error("cannot listen%s: %s", what, err.data != NULL ? err.data : "unknown error");
	else if (strncmp(spec, "unix:", 5) == 0)
		*unix_path = spec + 5;
	buf_free(&err);
	return fd;
}

static int reload_config(struct config *out)
{
	return load_config(out);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "status-listen", required_argument, NULL, 's' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "env-file", required_argument, NULL, 'e' },
		{ "check-config", no_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen_spec = NULL, *status_spec = NULL, *group = NULL;
	struct pool_opts opts;
	struct config *cfg = NULL;
	int check_only = 0, opt, inherited_status = -1, rc = 0;

	log_init("sentia-api", LOG_INFO);
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l': listen_spec = optarg; break;
		case 's': status_spec = optarg; break;
		case 'g': group = optarg; break;
		case 'e': env_file = optarg; break;
		case 'c': check_only = 1; break;
		case 'V': printf("sentia-api %s (commit %s, built %s)\n", sentia_version, sentia_commit, sentia_build_time); return 0;
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
		/* load_config has logged each problem and freed what it read. */
		rc = 2;
		goto out_nocfg;
	}
	log_set_level((enum log_level)cfg->log_level);
	log_set_redaction(config_switch_on(cfg, cfg->pii_redaction), cfg->pii_hash_key[0] != '\0' ? cfg->pii_hash_key : NULL);
	if (nroutes + 1 > SB_MAX_ROUTES) {
		log_error("the dispatch table has %zu routes; the scoreboard holds %d", nroutes, SB_MAX_ROUTES - 1);
		rc = 2;
		goto out;
	}
	if (check_only) {
		printf("configuration ok\n");
		goto out;
	}

	/* The pool's hooks (limits, child, wants_more) stay NULL: FastCGI
	 * responders, sized and timed by the API_* settings. */
	memset(&opts, 0, sizeof opts);
	opts.routes = routes;
	opts.nroutes = nroutes;
	opts.reload = reload_config;
	if (listen_spec == NULL && cfg->api_listen[0] != '\0')
		listen_spec = cfg->api_listen;
	if (status_spec == NULL && cfg->api_status_listen[0] != '\0')
		status_spec = cfg->api_status_listen;
	if (group == NULL)
		group = cfg->api_socket_group;

	if (listen_spec != NULL) {
		opts.listen_fd = open_socket("", listen_spec, group, &opts.unix_path);
		/* A status socket from systemd may come along with --listen. */
		listen_inherited(&inherited_status);
	} else {
		opts.listen_fd = listen_inherited(&inherited_status);
		if (opts.listen_fd < 0)
			log_error("no socket to listen on: give --listen unix:PATH or HOST:PORT, "
			          "or start sentia-api under systemd socket activation or spawn-fcgi");
	}
	opts.status_fd = inherited_status;
	if (opts.listen_fd >= 0 && status_spec != NULL)
		opts.status_fd = open_socket(" for status", status_spec, group, &opts.status_unix_path);
	if (opts.listen_fd < 0 || (status_spec != NULL && opts.status_fd < 0)) {
		rc = 1;
		goto out;
	}
	if (listen_prepare(opts.listen_fd) < 0 || (opts.status_fd >= 0 && listen_prepare(opts.status_fd) < 0)) {
		log_error("cannot prepare the listening socket");
		rc = 1;
		goto out;
	}
	log_info("sentia-api %s (commit %s) starting in %s", sentia_version, sentia_commit,
	         config_env_name(cfg->app_env));
	/* The pool owns the configuration from here (a reload replaces it). */
	opts.cfg = cfg;
	cfg = NULL;
	rc = pool_run(&opts);
out:
	if (cfg != NULL)
		config_free(cfg);
out_nocfg:
	free(cfg);
	return rc;
}
