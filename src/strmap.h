/* strmap: a hash map from byte strings to 64-bit integers, for lookups
 * (SKU to product id) and duplicate checks over a million rows. */
#ifndef SENTIA_STRMAP_H
#define SENTIA_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct strmap_slot {
	uint64_t hash;          /* 0: empty */
	size_t off;             /* key's offset in keys */
	size_t len;
	int64_t value;
};

/* A map owns copies of its keys; strmap_free releases everything. */
struct strmap {
	struct strmap_slot *slots;
	size_t cap;             /* a power of two, or 0 */
	size_t n;
	struct buf keys;
};

#define STRMAP_INIT { NULL, 0, 0, BUF_INIT }

/* Adds key with value. Returns 1 when added, 0 when the key was there
 * already (its value goes to *existing when not NULL, and stays), -1 when
 * out of memory. */
int strmap_put(struct strmap *m, const char *key, size_t len, int64_t value, int64_t *existing);
/* Finds key: 1 and its value in *value, or 0. */
int strmap_get(const struct strmap *m, const char *key, size_t len, int64_t *value);
/* Empties the map, keeping its memory. */
void strmap_reset(struct strmap *m);
void strmap_free(struct strmap *m);

#endif
