/* scoreboard: the pool's shared memory (see scoreboard.h). */
#include "ac-config.h"

#include "scoreboard.h"
#include "clock.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

const char *const restart_reason_names[RESTART__MAX] = {
	[RESTART_RECYCLED] = "recycled",
	[RESTART_CRASHED] = "crashed",
	[RESTART_EXITED] = "exited",
	[RESTART_TIMED_OUT] = "timed_out",
};

const char *const dependency_names[DEP__MAX] = {
	[DEP_DATABASE] = "database",
	[DEP_REDIS] = "redis",
};

const uint64_t sb_bucket_bounds_us[SB_NBUCKETS - 1] = {
	1000, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2000000, 5000000, 10000000,
};

struct scoreboard *scoreboard_new(void)
{
	struct scoreboard *sb = mmap(NULL, sizeof *sb, PROT_READ | PROT_WRITE,
	                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (sb == MAP_FAILED)
		return NULL;
	memset(sb, 0, sizeof *sb);
	sb->master_pid = getpid();
	sb->start_wall = clock_wall();
	sb->start_ms = clock_mono_ms();
	sb->sources.n = -1;
	return sb;
}

void scoreboard_free(struct scoreboard *sb)
{
	if (sb != NULL)
		munmap(sb, sizeof *sb);
}

void scoreboard_record(struct scoreboard *sb, int route, enum http_method m, int status, uint64_t duration_us)
{
	struct sb_route *r;
	int cls = status / 100 - 1;
	int b = 0;

	if (route < 0 || route >= SB_MAX_ROUTES)
		route = SB_MAX_ROUTES - 1;
	if (cls < 0 || cls > 4)
		cls = 4;
	r = &sb->routes[route];
	while (b < SB_NBUCKETS - 1 && duration_us > sb_bucket_bounds_us[b])
		b++;
	sb_add(&r->count[m][cls], 1);
	sb_add(&r->buckets[b], 1);
	sb_add(&r->sum_us, duration_us);
	sb_add(&sb->requests_total, 1);
}

void scoreboard_set_state(struct sb_slot *slot, enum slot_state state)
{
	__atomic_store_n(&slot->state_since_ms, clock_mono_ms(), __ATOMIC_RELAXED);
	__atomic_store_n(&slot->state, (int)state, __ATOMIC_RELEASE);
}

void scoreboard_set_deadline(struct sb_slot *slot, uint64_t deadline_ms)
{
	__atomic_store_n(&slot->deadline_ms, deadline_ms, __ATOMIC_RELEASE);
}

void scoreboard_count(const struct scoreboard *sb, struct sb_counts *out)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < SB_MAX_SLOTS; i++) {
		const struct sb_slot *s = &sb->slots[i];
		int st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);

		if (s->pid == 0 || st == SLOT_EMPTY || s->kind != SLOT_POOL)
			continue;
		out->total++;
		if (st == SLOT_IDLE)
			out->idle++;
		else if (st == SLOT_BUSY || st == SLOT_WORKING)
			out->busy++;
		else
			out->starting++;
	}
}

uint64_t proc_rss_bytes(pid_t pid)
{
	char path[64];
	unsigned long size = 0, resident = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/statm", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

uint64_t memory_limit_bytes(void)
{
	char line[512], path[600];
	unsigned long long v = 0;
	FILE *f = fopen("/proc/self/cgroup", "r");

	/* cgroup v2: one line "0::/system.slice/sentia-api.service". */
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", strcmp(line + 3, "/") == 0 ? "" : line + 3);
		fclose(f);
		f = fopen(path, "r");
		if (f != NULL && fscanf(f, "%llu", &v) == 1 && v > 0) {
			fclose(f);
			return v;
		}
		break;           /* "max": no limit */
	}
	if (f != NULL)
		fclose(f);
	f = fopen("/proc/meminfo", "r");
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "MemTotal: %llu kB", &v) == 1) {
			fclose(f);
			return (uint64_t)v * 1024;
		}
	if (f != NULL)
		fclose(f);
	return 0;
}

int sb_write_begin(struct sb_seqlock *l)
{
	pid_t me = getpid(), holder = 0;

	if (!__atomic_compare_exchange_n(&l->writer, &holder, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		/* A writer that died mid-write leaves its pid: take over from it. */
		if (holder == me || kill(holder, 0) == 0 || errno != ESRCH
		    || !__atomic_compare_exchange_n(&l->writer, &holder, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return -1;
	}
	/* Odd from here until sb_write_end (it may be odd already if the
	 * last writer died). */
	__atomic_store_n(&l->seq, l->seq | 1u, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

void sb_write_end(struct sb_seqlock *l, uint64_t now_ms)
{
	l->refreshed_ms = now_ms;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&l->seq, l->seq + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&l->writer, 0, __ATOMIC_RELEASE);
}

int sb_read(const struct sb_seqlock *l, const void *obj, void *copy, size_t size)
{
	for (int tries = 0; tries < 1000; tries++) {
		uint32_t s1 = __atomic_load_n(&l->seq, __ATOMIC_ACQUIRE), s2;

		if (s1 & 1u)
			continue;
		memcpy(copy, obj, size);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		s2 = __atomic_load_n(&l->seq, __ATOMIC_ACQUIRE);
		if (s1 == s2)
			return 0;
	}
	return -1;
}
