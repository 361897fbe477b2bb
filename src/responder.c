/* responder: one pool process's loop. It waits for a connection with
 * signals unblocked, then serves the request with them blocked, so a signal
 * never interrupts libfcgi's I/O; the master's wishes (stop, recycle) are
 * read between requests. */
#include "ac-config.h"

#include "app.h"
#include "clock.h"
#include "log.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* Requests served back to back before the loop waits in ppoll again. */
#define ACCEPT_BURST 32

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Installs the responder's handlers. SA_RESTART keeps any slow call that a
 * signal lands in going; FCGX_Init keeps handlers that are already set, so
 * this runs before it. */
static void responder_signals(sigset_t *blocked, sigset_t *waiting)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Only the master acts on these; Ctrl-C reaches the whole group. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);

	sigemptyset(blocked);
	sigaddset(blocked, SIGTERM);
	sigaddset(blocked, SIGUSR1);
	sigprocmask(SIG_BLOCK, blocked, waiting);
	sigdelset(waiting, SIGTERM);
	sigdelset(waiting, SIGUSR1);
}

static int should_stop(const struct app *app)
{
	return stop_requested
	       || (app->slot != NULL && __atomic_load_n(&app->slot->cmd, __ATOMIC_ACQUIRE) == CMD_STOP);
}

/* Runs the app's periodic work; while it works, app_idle shows the
 * responder as working, so the pool grows around it. */
static void idle_work(struct app *app)
{
	if (app->kind != SLOT_POOL)
		return;
	app_idle(app);
	if (app->slot != NULL && __atomic_load_n(&app->slot->state, __ATOMIC_ACQUIRE) != SLOT_IDLE)
		scoreboard_set_state(app->slot, SLOT_IDLE);
}

/* Serves one accepted request and records it. */
static void serve(struct app *app, FCGX_Request *fr)
{
	struct request req;
	struct response res;
	struct buf out = BUF_INIT;
	uint64_t dur;
	int rc;

	rc = request_parse(&req, fr->envp);
	req.fcgi = fr;
	response_init(&res, req.request_id);
	if (rc != 0)
		res_error(&res, rc, rc == 414 ? "uri_too_long" : "bad_request",
		          rc == 414 ? "The request path is too long." : "The request line is malformed.");
	else
		dispatch(app, &req, &res);

	response_serialize(&res, req.method == HTTP_HEAD, &out);
	if (FCGX_PutStr(out.data, (int)out.len, fr->out) < 0)
		log_msg(LOG_WARN, req.request_id, "the web server closed the connection before the response was written");

	dur = clock_mono_us() - req.start_us;
	scoreboard_record(app->sb, req.match.route >= 0 ? req.match.route : SB_MAX_ROUTES - 1,
	                  req.method, res.status, dur);
	if (log_enabled(LOG_INFO)) {
		struct log_field f[] = {
			{ "method", req.method_name, 0 },
			{ "path", req.path != NULL ? req.path : "", 0 },
			{ "status", NULL, res.status },
			{ "duration_ms", NULL, (double)dur / 1000.0 },
			{ "remote_addr", req.remote_addr, 0 },
		};
		log_fields(res.status >= 500 ? LOG_WARN : LOG_INFO, req.request_id, "request", f, 5);
	}
	buf_free(&out);
	response_free(&res);
	request_free(&req);
}

int responder_run(struct app *app, int listen_fd)
{
	sigset_t blocked, waiting;
	FCGX_Request fr;
	long max_requests = app->cfg->api_max_requests;
	long served = 0;
	int errors = 0, burst = 0;

	responder_signals(&blocked, &waiting);
	request_id_seed();
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, listen_fd, 0) != 0) {
		log_error("could not initialise libfcgi");
		return 1;
	}
	if (app->slot != NULL)
		scoreboard_set_state(app->slot, SLOT_IDLE);

	while (!should_stop(app)) {
		int rc;

		/* Under load a connection is usually waiting already: try to
		 * accept at once, and wait in ppoll only when none is (or after
		 * ACCEPT_BURST requests in a row, so a pending signal is
		 * delivered within a bounded number of requests). */
		if (burst == 0 || burst >= ACCEPT_BURST) {
			struct pollfd pfd = { listen_fd, POLLIN, 0 };
			struct timespec tick = { 1, 0 };

			burst = 0;
			/* Between requests: the app's own periodic work, which keeps
			 * its own clock (a responder that is never idle for a whole
			 * tick must still do it). */
			idle_work(app);
			if (should_stop(app))
				break;
			/* Signals are delivered only while waiting here. */
			rc = ppoll(&pfd, 1, &tick, &waiting);
			if (rc <= 0) {
				if (rc < 0 && errno != EINTR) {
					log_error("poll on the listening socket failed: %s", strerror(errno));
					return 1;
				}
				continue;
			}
			if (should_stop(app))
				break;
		}
		/* Busy from the accept on: reading the request's parameters can
		 * block on a client that stops half-way, and a responder stuck
		 * there must count as busy (so the pool grows around it, and the
		 * master's request timeout reclaims it). */
		if (app->slot != NULL)
			scoreboard_set_state(app->slot, SLOT_BUSY);
		/* The socket is non-blocking: when no connection is waiting (or
		 * another responder took it first), this returns -EAGAIN. */
		rc = FCGX_Accept_r(&fr);
		if (rc < 0) {
			if (app->slot != NULL)
				scoreboard_set_state(app->slot, SLOT_IDLE);
			burst = 0;
			if (rc != -EAGAIN && rc != -EWOULDBLOCK && rc != -EINTR && rc != -ECONNABORTED) {
				log_warn("accepting a connection failed: %s", strerror(-rc));
				if (++errors > 100)
					return 1;
			}
			continue;
		}
		burst++;
		errors = 0;
		serve(app, &fr);
		FCGX_Finish_r(&fr);
		served++;
		if (app->slot != NULL) {
			sb_add(&app->slot->requests, 1);
			scoreboard_set_state(app->slot, SLOT_IDLE);
		}
		if (max_requests > 0 && served >= max_requests) {
			log_debug("served %ld requests: recycling", served);
			return RESPONDER_EXIT_RECYCLED;
		}
	}
	return 0;
}
