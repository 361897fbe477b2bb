/* cache: the expensive reads, kept in Redis under a key that names the
 * data they were made from. A new import or working-capital snapshot
 * changes that version, so an answer made before it is never served
 * after it; entries also expire (CACHE_TTL_SECONDS). With Redis or
 * PostgreSQL unreachable the cache is bypassed, never an error. */
#ifndef SENTIA_CACHE_H
#define SENTIA_CACHE_H

#include "request.h"
#include "response.h"

/* A read's place in the cache; empty key: not cached. */
struct cache_slot {
	char key[96];
};

/* With ENABLE_CACHE on, answers a GET from the cache when it holds an
 * answer made from the current data: returns 1 with res set (and the
 * header X-Cache: hit). Otherwise returns 0 with slot prepared for
 * cache_store (X-Cache: miss is added when the cache is on). */
int cache_serve(struct request *req, struct response *res, struct cache_slot *slot);
/* Stores a 200 answer under the slot cache_serve prepared. */
void cache_store(struct request *req, const struct response *res, const struct cache_slot *slot);

#endif
