/* metrics: the pool's Prometheus exposition (text format 0.0.4), rendered
 * from the scoreboard through one table of metric families. */
#ifndef SENTIA_METRICS_H
#define SENTIA_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "router.h"
#include "scoreboard.h"

/* What a rendering reads: the scoreboard, the route names, and figures
 * gathered from outside it (memory, build). */
struct metrics_input {
	const struct scoreboard *sb;
	const struct route *routes;
	size_t nroutes;
	const char *version;
	const char *commit;
	uint64_t rss_master;
	uint64_t rss_responders;       /* all pool responders together */
	uint64_t rss_responder_max;    /* the largest pool responder */
	uint64_t rss_status;           /* the status responder, 0 when none */
	double now_wall;               /* seconds since the epoch; 0: read the clock */
};

/* Fills the memory figures of in from /proc for the scoreboard's processes. */
void metrics_gather_memory(struct metrics_input *in);
/* Appends the whole exposition to out. */
void metrics_render(const struct metrics_input *in, struct buf *out);
/* The content type of the exposition. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
