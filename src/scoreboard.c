/* scoreboard: the pool's shared memory (see scoreboard.h). */
#include "ac-config.h"

#include "scoreboard.h"
#include "clock.h"

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
	1000, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000,
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
