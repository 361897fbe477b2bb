/* clock: monotonic and wall time in the units sentia measures with. */
#ifndef SENTIA_CLOCK_H
#define SENTIA_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Microseconds on the monotonic clock: for durations and deadlines. */
static inline uint64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Milliseconds on the monotonic clock. */
static inline uint64_t clock_mono_ms(void)
{
	return clock_mono_us() / 1000u;
}

/* Seconds since the epoch, with a fraction: for timestamps. */
/* Milliseconds since the epoch, for times other hosts read (Redis scores,
 * heartbeats). */
static inline uint64_t clock_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline double clock_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
