/* retry: exponential back-off with jitter for reconnecting to a dependency. */
#include "ac-config.h"

#include "retry.h"

#include <stdlib.h>

void retry_init(struct retry *r, long first_ms, long max_ms)
{
	r->next_ms = 0;
	r->delay_ms = 0;
	r->first_ms = first_ms;
	r->max_ms = max_ms < first_ms ? first_ms : max_ms;
}

int retry_ready(const struct retry *r, uint64_t now_ms)
{
	return now_ms >= r->next_ms;
}

void retry_failed(struct retry *r, uint64_t now_ms)
{
	long d = r->delay_ms == 0 ? r->first_ms : r->delay_ms * 2;
	long wait;

	if (d > r->max_ms)
		d = r->max_ms;
	r->delay_ms = d;
	/* Wait between half and all of d, so a pool of responders that lost
	 * the same server do not all knock again at the same instant. */
	wait = d / 2 + (d > 1 ? random() % (d / 2 + 1) : 0);
	r->next_ms = now_ms + (uint64_t)wait;
}

void retry_succeeded(struct retry *r)
{
	r->delay_ms = 0;
	r->next_ms = 0;
}
