/* pool: the master process (see pool.h). A self-pipe turns signals into
 * events on the master's loop; a tick each second makes the scaling
 * decisions from the scoreboard. What the children do, how many there may
 * be and when to grow are the program's (pool_opts' hooks). */
#include "ac-config.h"

#include "pool.h"
#include "app.h"
#include "clock.h"
#include "log.h"
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define CRASH_QUICK_MS 5000       /* a child dying sooner counts toward a crash loop */
#define CRASH_BACKOFF_MAX_MS 30000
#define GROW_STEP_MAX 32
#define POOL_MAX (SB_MAX_SLOTS - 4) /* pool children; the rest is the status responder's and spare */

struct pool {
	const struct pool_opts *opts;
	struct config *cfg;
	struct scoreboard *sb;
	struct pool_limits lim;       /* from cfg, by opts->limits */
	const char *name;             /* of a child, for log lines */
	int generation;
	int draining;
	uint64_t drain_deadline_ms;
	uint64_t next_tick_ms;
	uint64_t last_max_warning_ms;
	int grow_step;
	int crash_streak[2];          /* by slot kind */
	uint64_t spawn_after_ms[2];   /* by slot kind: crash-loop back-off */
	int owed;                     /* pool children to replace one for one */
	int replacement;              /* slot started to replace an old one on reload, or -1 */
	struct notify notify;         /* the service manager, when NOTIFY_SOCKET names one */
	int ready_sent;               /* READY=1 sent once the first child was ready */
	int reloading;                /* RELOADING=1 sent; READY=1 is owed once the roll ends */
};

static int sigpipe_fds[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	char c = sig == SIGCHLD ? 'C' : sig == SIGHUP ? 'H' : 'T';

	if (write(sigpipe_fds[1], &c, 1) < 0) {
		/* The pipe is full: the master already has events to read. */
	}
	errno = saved;
}

static int master_signals(void)
{
	struct sigaction sa;
	int sigs[] = { SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGQUIT };

	if (pipe2(sigpipe_fds, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sa.sa_handler = on_signal;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	return 0;
}

static int slot_alive(const struct sb_slot *s)
{
	return s->pid != 0 && __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != SLOT_EMPTY;
}

/* Alive and not asked to stop: counts toward the pool's size. */
static int slot_serving(const struct sb_slot *s)
{
	return slot_alive(s) && __atomic_load_n(&s->cmd, __ATOMIC_ACQUIRE) != CMD_STOP;
}

static void slot_stop(struct sb_slot *s)
{
	__atomic_store_n(&s->cmd, (int)CMD_STOP, __ATOMIC_RELEASE);
	kill(s->pid, SIGTERM);
}

/* Reads the limits from the running configuration (at start and after a
 * reload) and publishes the size bounds on the scoreboard. A program's own
 * limits are kept within what the scoreboard holds (so that no tick tries
 * to start a child it has no slot for) and its times from going negative
 * (they become unsigned milliseconds). */
static void limits_load(struct pool *p)
{
	struct pool_limits *l = &p->lim;

	if (p->opts->limits != NULL) {
		p->opts->limits(p->cfg, l);
	} else {
		*l = (struct pool_limits){
			.min = p->cfg->api_min_instances, .max = p->cfg->api_max_instances,
			.max_requests = p->cfg->api_max_requests, .drain_seconds = p->cfg->api_drain_seconds,
			.idle_seconds = p->cfg->api_idle_seconds,
			.busy_timeout_seconds = p->cfg->api_request_timeout_seconds,
		};
	}
	l->max = l->max < 1 ? 1 : l->max > POOL_MAX ? POOL_MAX : l->max;
	l->min = l->min < 0 ? 0 : l->min > l->max ? l->max : l->min;
	l->drain_seconds = l->drain_seconds < 0 ? 0 : l->drain_seconds;
	l->idle_seconds = l->idle_seconds < 0 ? 0 : l->idle_seconds;
	l->busy_timeout_seconds = l->busy_timeout_seconds < 0 ? 0 : l->busy_timeout_seconds;
	p->sb->min_instances = (int)l->min;
	p->sb->max_instances = (int)l->max;
}

int pool_child_responder(const struct pool_opts *opts, struct config *cfg, struct scoreboard *sb,
                         struct sb_slot *slot, int kind)
{
	struct app app;
	int rc;

	app_init(&app, cfg, sb, slot, kind, opts->routes, opts->nroutes);
	rc = responder_run(&app, kind == SLOT_STATUS ? opts->status_fd : opts->listen_fd);
	app_free(&app);
	return rc;
}

/* The child's side of a fork: runs the program's child and never returns. */
static void child_main(struct pool *p, int index, int kind)
{
	struct sb_slot *slot = &p->sb->slots[index];
	int other = kind == SLOT_STATUS ? p->opts->listen_fd : p->opts->status_fd;
	pool_child_fn run = p->opts->child != NULL ? p->opts->child : pool_child_responder;

	/* A child must not outlive its master. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != p->sb->master_pid)
		_exit(1);
	close(sigpipe_fds[0]);
	close(sigpipe_fds[1]);
	/* The inherited handler writes to the pipe's descriptor: that number
	 * may be reused (a database socket) before the child has its own. */
	sigpipe_fds[0] = sigpipe_fds[1] = -1;
	if (other >= 0)
		close(other);
	notify_close(&p->notify);
	slot->pid = getpid();
	log_after_fork();
	srandom((unsigned)getpid() ^ (unsigned)clock_mono_us());
	_exit(run(p->opts, p->cfg, p->sb, slot, kind));
}

/* Starts a child of a kind in a free slot. Returns the slot or -1. */
static int spawn(struct pool *p, int kind)
{
	struct sb_slot *slot = NULL;
	int index = -1;
	pid_t pid;

	for (int i = 0; i < SB_MAX_SLOTS; i++) {
		if (p->sb->slots[i].pid == 0) {
			index = i;
			slot = &p->sb->slots[i];
			break;
		}
	}
	if (slot == NULL) {
		log_error("no free scoreboard slot for a new %s", p->name);
		return -1;
	}
	/* Fill the slot before the fork, so the child's own writes (IDLE)
	 * can never be overwritten by the master's. */
	memset(slot, 0, sizeof *slot);
	slot->kind = kind;
	slot->generation = p->generation;
	slot->started_ms = clock_mono_ms();
	slot->cmd = CMD_NONE;
	scoreboard_set_state(slot, SLOT_STARTING);
	pid = fork();
	if (pid < 0) {
		log_error("fork failed: %s", strerror(errno));
		memset(slot, 0, sizeof *slot);
		return -1;
	}
	if (pid == 0)
		child_main(p, index, kind);
	slot->pid = pid;
	log_debug("started %s %s %ld", kind == SLOT_STATUS ? "status" : "pool", p->name, (long)pid);
	return index;
}

/* Collects exited children and decides what each exit means. */
static void reap(struct pool *p)
{
	uint64_t now = clock_mono_ms();
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct sb_slot *slot = NULL;
		uint64_t lived;
		int asked, timed_out, kind;

		for (int i = 0; i < SB_MAX_SLOTS; i++)
			if (p->sb->slots[i].pid == pid)
				slot = &p->sb->slots[i];
		if (slot == NULL)
			continue;
		asked = slot->cmd == CMD_STOP;
		timed_out = slot->cmd == CMD_KILLED;
		kind = slot->kind;
		lived = now - slot->started_ms;
		memset(slot, 0, sizeof *slot);
		if (p->replacement >= 0 && slot == &p->sb->slots[p->replacement])
			p->replacement = -1;

		if (asked || p->draining) {
			log_debug("%s %ld stopped", p->name, (long)pid);
			continue;
		}
		/* Replace it one for one, so that a busy pool whose responders
		 * recycle together does not fall back to its minimum. */
		if (kind == SLOT_POOL)
			p->owed++;
		if (timed_out) {
			/* Logged when it was killed; not a crash loop. */
			sb_add(&p->sb->restarts[RESTART_TIMED_OUT], 1);
			continue;
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) == RESPONDER_EXIT_RECYCLED) {
			sb_add(&p->sb->restarts[RESTART_RECYCLED], 1);
			log_debug("%s %ld recycled after %ld requests", p->name, (long)pid, p->lim.max_requests);
			continue;
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			sb_add(&p->sb->restarts[RESTART_EXITED], 1);
			log_warn("%s %ld exited without being asked; replacing it", p->name, (long)pid);
			continue;
		}
		sb_add(&p->sb->restarts[RESTART_CRASHED], 1);
		p->crash_streak[kind] = lived < CRASH_QUICK_MS ? p->crash_streak[kind] + 1 : 1;
		{
			long delay = 0;
			struct log_field f[4] = {
				{ "pid", NULL, (double)pid },
				{ "lived_ms", NULL, (double)lived },
			};
			int nf = 2;
			char msg[96];

			if (p->crash_streak[kind] > 1) {
				int shift = p->crash_streak[kind] - 2;
				delay = shift >= 9 ? CRASH_BACKOFF_MAX_MS : 100L << shift;
				if (delay > CRASH_BACKOFF_MAX_MS)
					delay = CRASH_BACKOFF_MAX_MS;
				p->spawn_after_ms[kind] = now + (uint64_t)delay;
			}
			if (WIFSIGNALED(st)) {
				f[nf++] = (struct log_field){ "signal", strsignal(WTERMSIG(st)), 0 };
				f[nf++] = (struct log_field){ "signal_number", NULL, WTERMSIG(st) };
			} else {
				f[nf++] = (struct log_field){ "exit_status", NULL, WEXITSTATUS(st) };
			}
			snprintf(msg, sizeof msg, "%s died; replacing it%s", p->name,
			         delay > 0 ? " after a back-off (crash loop)" : "");
			log_fields(LOG_ERROR, NULL, msg, f, nf);
		}
	}
}

/* An old-generation child of a kind (any kind when kind < 0) still
 * serving, an idle one first so that stopping it is immediate; or NULL. */
static struct sb_slot *pick_old(struct pool *p, int kind)
{
	struct sb_slot *old = NULL;

	for (int i = 0; i < SB_MAX_SLOTS; i++) {
		struct sb_slot *s = &p->sb->slots[i];
		if (!slot_serving(s) || s->generation >= p->generation || (kind >= 0 && s->kind != kind))
			continue;
		if (old == NULL || (s->state == SLOT_IDLE && old->state != SLOT_IDLE))
			old = s;
	}
	return old;
}

/* Whether a reload still has old-generation children to replace. */
static int reload_pending(struct pool *p)
{
	return pick_old(p, -1) != NULL;
}

/* Replaces old-generation children one at a time: start a new one, wait
 * until it is ready (idle or busy), then ask one old one of its kind to
 * stop after the request or job in hand. Capacity never drops, so no
 * request is refused. */
static void roll(struct pool *p)
{
	struct sb_slot *old;

	if (p->replacement >= 0) {
		struct sb_slot *r = &p->sb->slots[p->replacement];
		int st = __atomic_load_n(&r->state, __ATOMIC_ACQUIRE);

		if (st != SLOT_IDLE && st != SLOT_BUSY && st != SLOT_WORKING)
			return;
		old = pick_old(p, r->kind);
		if (old != NULL)
			slot_stop(old);
		p->replacement = -1;
		return;
	}
	old = pick_old(p, -1);
	if (old != NULL)
		p->replacement = spawn(p, old->kind);
}

/* Kills every child (pool or status) that has passed the deadline it set
 * itself (a job's time limit), whatever its state; or, with no deadline,
 * that has been busy with one request for longer than the busy timeout
 * (API_REQUEST_TIMEOUT_SECONDS for responders). Work that never ends would
 * otherwise hold its child for good. php-fpm calls this
 * request_terminate_timeout. The reap counts each kill as timed_out. */
static void kill_overruns(struct pool *p, uint64_t now)
{
	uint64_t limit = (uint64_t)p->lim.busy_timeout_seconds * 1000;

	for (int i = 0; i < SB_MAX_SLOTS; i++) {
		struct sb_slot *s = &p->sb->slots[i];
		uint64_t since = __atomic_load_n(&s->state_since_ms, __ATOMIC_RELAXED);
		uint64_t deadline = __atomic_load_n(&s->deadline_ms, __ATOMIC_ACQUIRE);
		struct log_field f[2] = { { "pid", NULL, (double)s->pid } };
		char msg[128];

		if (!slot_alive(s) || s->cmd == CMD_KILLED)
			continue;
		if (deadline != 0) {
			if (now <= deadline)
				continue;
			f[1] = (struct log_field){ "over_ms", NULL, (double)(now - deadline) };
			snprintf(msg, sizeof msg, "%s past its own deadline: killing and replacing it", p->name);
		} else {
			if (limit == 0 || __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != SLOT_BUSY
			    || now < since || now - since <= limit)
				continue;
			f[1] = (struct log_field){ "busy_ms", NULL, (double)(now - since) };
			snprintf(msg, sizeof msg, "%s busy with one request past %s: killing and replacing it", p->name,
			         p->opts->limits == NULL ? "API_REQUEST_TIMEOUT_SECONDS" : "its busy timeout");
		}
		log_fields(LOG_ERROR, NULL, msg, f, 2);
		__atomic_store_n(&s->cmd, (int)CMD_KILLED, __ATOMIC_RELEASE);
		kill(s->pid, SIGKILL);
	}
}

/* The once-a-second decisions: grow when the program's rule wants more
 * (by default: while every child is busy), shrink an idle surplus, note
 * when the maximum is reached, kill overruns. */
static void tick(struct pool *p, uint64_t now)
{
	struct sb_counts c = { 0, 0, 0, 0 };
	long min = p->lim.min, max = p->lim.max;
	struct sb_slot *longest_idle = NULL;
	int want;

	for (int i = 0; i < SB_MAX_SLOTS; i++) {
		struct sb_slot *s = &p->sb->slots[i];
		if (!slot_serving(s) || s->kind != SLOT_POOL)
			continue;
		c.total++;
		if (s->state == SLOT_IDLE) {
			c.idle++;
			if (longest_idle == NULL || s->state_since_ms < longest_idle->state_since_ms)
				longest_idle = s;
		} else if (s->state == SLOT_BUSY || s->state == SLOT_WORKING) {
			c.busy++;
		} else {
			c.starting++;
		}
	}
	/* The rule is not asked while a child is starting (its capacity is not
	 * on the board yet). When it wants more, no idle child is stopped in
	 * the same tick, so a rule that grows with idle children (a worker
	 * pool behind a long queue) does not start and stop them in turn. */
	want = c.starting == 0 && (p->opts->wants_more != NULL ? p->opts->wants_more(p->sb, &c, p->cfg) : c.idle == 0);
	if (want && c.total < max && now >= p->spawn_after_ms[SLOT_POOL]) {
		long n = max - c.total < p->grow_step ? max - c.total : p->grow_step;
		if (p->opts->wants_more == NULL)
			log_info("every %s is busy: starting %ld more (pool %d of at most %ld)", p->name, n, c.total, max);
		else
			log_info("growing the pool: starting %ld more (pool %d of at most %ld)", n, c.total, max);
		for (long i = 0; i < n; i++)
			spawn(p, SLOT_POOL);
		if (p->grow_step < GROW_STEP_MAX)
			p->grow_step *= 2;
	} else {
		p->grow_step = 1;
	}
	if (c.idle == 0 && c.busy > 0 && c.total >= max) {
		sb_add(&p->sb->max_reached, 1);
		if (now - p->last_max_warning_ms >= 10000) {
			log_warn("the pool is at its maximum (%ld) and every %s is busy%s", max, p->name,
			         p->opts->limits == NULL ? "; raise API_MAX_INSTANCES?" : "");
			p->last_max_warning_ms = now;
		}
	}
	kill_overruns(p, now);
	if (longest_idle != NULL && !reload_pending(p)
	    && ((!want && c.total > min && c.idle >= 2 && now - longest_idle->state_since_ms >= (uint64_t)p->lim.idle_seconds * 1000)
	        || c.total > max)) {
		log_debug("stopping idle %s %ld (pool %d, minimum %ld)", p->name, (long)longest_idle->pid, c.total, min);
		slot_stop(longest_idle);
	}
}

/* Keeps the pool at its minimum and the status responder present, and
 * advances a reload; runs on every turn of the loop. */
static void maintain(struct pool *p, uint64_t now)
{
	int pool_serving = 0, status_serving = 0;

	if (p->draining)
		return;
	for (int i = 0; i < SB_MAX_SLOTS; i++) {
		const struct sb_slot *s = &p->sb->slots[i];
		if (slot_serving(s)) {
			if (s->kind == SLOT_POOL)
				pool_serving++;
			else
				status_serving++;
		}
	}
	if (p->opts->status_fd >= 0 && status_serving == 0 && now >= p->spawn_after_ms[SLOT_STATUS])
		spawn(p, SLOT_STATUS);
	if (now >= p->spawn_after_ms[SLOT_POOL]) {
		for (; pool_serving < p->lim.min; pool_serving++, p->owed--)
			if (spawn(p, SLOT_POOL) < 0)
				break;
		for (; p->owed > 0 && pool_serving < p->lim.max; pool_serving++, p->owed--)
			if (spawn(p, SLOT_POOL) < 0)
				break;
		p->owed = 0;
	}
	if (reload_pending(p))
		roll(p);
	if (now >= p->next_tick_ms) {
		tick(p, now);
		p->next_tick_ms = now + 1000;
	}
}

static void reload(struct pool *p)
{
	struct config *fresh = calloc(1, sizeof *fresh);
	struct buf fixed = BUF_INIT;

	if (p->ready_sent)
		notify_send(&p->notify, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading the configuration",
		            (unsigned long long)clock_mono_us());
	if (fresh == NULL || p->opts->reload == NULL || p->opts->reload(fresh) < 0) {
		log_error("reload refused: the running configuration stays");
		if (p->ready_sent)
			notify_send(&p->notify, "READY=1\nSTATUS=reload refused (see the log); the running configuration stays");
		free(fresh);
		return;
	}
	if (config_diff_fixed(p->cfg, fresh, &fixed) > 0)
		log_warn("%s", fixed.data);
	buf_free(&fixed);
	config_free(p->cfg);
	free(p->cfg);
	p->cfg = fresh;
	log_set_level((enum log_level)fresh->log_level);
	log_set_redaction(config_switch_on(fresh, fresh->pii_redaction), fresh->pii_hash_key[0] != '\0' ? fresh->pii_hash_key : NULL);
	limits_load(p);
	p->generation++;
	p->reloading = p->ready_sent;
	log_info("configuration reloaded: replacing %ss one at a time (generation %d)", p->name, p->generation);
}

static void drain(struct pool *p)
{
	if (p->draining) {
		log_warn("second stop signal: stopping now");
		p->drain_deadline_ms = 0;
		return;
	}
	p->draining = 1;
	notify_send(&p->notify, "STOPPING=1\nSTATUS=draining");
	p->drain_deadline_ms = clock_mono_ms() + (uint64_t)p->lim.drain_seconds * 1000;
	log_info("draining: finishing requests in flight (up to %ld s)", p->lim.drain_seconds);
	/* New connections are refused from now on. */
	if (p->opts->unix_path != NULL)
		unlink(p->opts->unix_path);
	if (p->opts->status_unix_path != NULL)
		unlink(p->opts->status_unix_path);
	if (p->opts->listen_fd >= 0)
		close(p->opts->listen_fd);
	if (p->opts->status_fd >= 0)
		close(p->opts->status_fd);
	for (int i = 0; i < SB_MAX_SLOTS; i++)
		if (slot_alive(&p->sb->slots[i]))
			slot_stop(&p->sb->slots[i]);
}

static int children_alive(const struct pool *p)
{
	for (int i = 0; i < SB_MAX_SLOTS; i++)
		if (p->sb->slots[i].pid != 0)
			return 1;
	return 0;
}

/* Tells the service manager what it waits for: READY=1 once the first
 * pool child is ready (accepting, or working for a worker), and again
 * once a reload has replaced every child of the old configuration. */
static void notify_progress(struct pool *p)
{
	int ready = 0;

	if (p->ready_sent && !p->reloading)
		return;
	for (int i = 0; i < SB_MAX_SLOTS; i++) {
		const struct sb_slot *s = &p->sb->slots[i];
		int st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);

		if (slot_serving(s) && s->kind == SLOT_POOL && (st == SLOT_IDLE || st == SLOT_BUSY || st == SLOT_WORKING))
			ready++;
	}
	if (!p->ready_sent && ready > 0) {
		notify_send(&p->notify, "READY=1\nMAINPID=%ld\nSTATUS=%d %s(s) ready, %ld to %ld", (long)getpid(), ready,
		            p->name, p->lim.min, p->lim.max);
		p->ready_sent = 1;
	} else if (p->reloading && p->replacement < 0 && !reload_pending(p)) {
		notify_send(&p->notify, "READY=1\nSTATUS=configuration reloaded (generation %d)", p->generation);
		p->reloading = 0;
	}
}

int pool_run(const struct pool_opts *opts)
{
	struct pool pool, *p = &pool;

	memset(p, 0, sizeof *p);
	p->opts = opts;
	p->cfg = opts->cfg;
	p->replacement = -1;
	p->grow_step = 1;
	p->name = opts->child_name != NULL ? opts->child_name : "responder";
	p->sb = scoreboard_new();
	if (p->sb == NULL || master_signals() < 0) {
		log_error("could not set up the scoreboard or signal handling: %s", strerror(errno));
		config_free(p->cfg);
		free(p->cfg);
		return 1;
	}
	limits_load(p);
	notify_open(&p->notify);
	log_info("pool starting: %ld to %ld %ss%s", p->lim.min, p->lim.max, p->name,
	         opts->status_fd >= 0 ? ", and a status responder" : "");

	for (;;) {
		struct pollfd pfd = { sigpipe_fds[0], POLLIN, 0 };
		uint64_t now = clock_mono_ms();
		int timeout = 1000;
		char ev[64];
		ssize_t n;

		if (p->draining) {
			if (!children_alive(p))
				break;
			if (now >= p->drain_deadline_ms) {
				log_warn("drain time is up: killing the %ss still busy", p->name);
				for (int i = 0; i < SB_MAX_SLOTS; i++)
					if (p->sb->slots[i].pid != 0)
						kill(p->sb->slots[i].pid, SIGKILL);
				p->drain_deadline_ms = UINT64_MAX;
			}
			timeout = 100;
		} else {
			maintain(p, now);
			notify_progress(p);
			if (p->replacement >= 0 || reload_pending(p))
				timeout = 20;
			else if (p->notify.fd >= 0 && (!p->ready_sent || p->reloading))
				timeout = 50;
			else if (p->next_tick_ms > now && p->next_tick_ms - now < 1000)
				timeout = (int)(p->next_tick_ms - now);
			for (int k = 0; k < 2; k++)
				if (p->spawn_after_ms[k] > now && p->spawn_after_ms[k] - now < (uint64_t)timeout)
					timeout = (int)(p->spawn_after_ms[k] - now) + 1;
		}
		if (poll(&pfd, 1, timeout) <= 0)
			continue;
		while ((n = read(sigpipe_fds[0], ev, sizeof ev)) > 0) {
			int chld = 0, hup = 0, term = 0;
			for (ssize_t i = 0; i < n; i++) {
				chld |= ev[i] == 'C';
				hup |= ev[i] == 'H';
				term |= ev[i] == 'T';
			}
			if (chld)
				reap(p);
			if (term)
				drain(p);
			else if (hup && !p->draining)
				reload(p);
		}
	}
	log_info("pool stopped");
	notify_close(&p->notify);
	config_free(p->cfg);
	free(p->cfg);
	scoreboard_free(p->sb);
	return 0;
}
