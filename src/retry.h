/* retry: exponential back-off with jitter for reconnecting to a dependency. */
#ifndef SENTIA_RETRY_H
#define SENTIA_RETRY_H

#include <stdint.h>

/* When the next attempt may be made, and how long the last wait was. */
struct retry {
	uint64_t next_ms;   /* monotonic ms before which no attempt is made */
	long delay_ms;      /* the last wait; 0 after a success */
	long first_ms;      /* the first wait after a failure */
	long max_ms;        /* the longest wait */
};

/* Sets the first and longest waits and clears the state. */
void retry_init(struct retry *r, long first_ms, long max_ms);
/* Whether an attempt may be made now. */
int retry_ready(const struct retry *r, uint64_t now_ms);
/* Records a failure: the next wait doubles, up to max_ms, with jitter. */
void retry_failed(struct retry *r, uint64_t now_ms);
/* Records a success: the next failure starts the waits afresh. */
void retry_succeeded(struct retry *r);

#endif
