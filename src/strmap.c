/* strmap: open addressing with linear probing, kept at most half full;
 * keys live end to end in one buffer, so a million keys cost two
 * allocations that grow, not a million. */
#include "ac-config.h"

#include "strmap.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a, then a final mix so that similar keys spread over the table. */
static uint64_t hash_of(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h | 1;       /* never 0, which marks an empty slot */
}

static struct strmap_slot *find_slot(struct strmap_slot *slots, size_t cap, const char *keys,
                                     uint64_t h, const char *key, size_t len)
{
	size_t i = (size_t)h & (cap - 1);

	for (;;) {
		struct strmap_slot *s = &slots[i];

		if (s->hash == 0 || (s->hash == h && s->len == len && memcmp(keys + s->off, key, len) == 0))
			return s;
		i = (i + 1) & (cap - 1);
	}
}

static int grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct strmap_slot *slots = calloc(cap, sizeof *slots);

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		struct strmap_slot *old = &m->slots[i];

		if (old->hash != 0) {
			size_t j = (size_t)old->hash & (cap - 1);

			while (slots[j].hash != 0)
				j = (j + 1) & (cap - 1);
			slots[j] = *old;
		}
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int strmap_put(struct strmap *m, const char *key, size_t len, int64_t value, int64_t *existing)
{
	uint64_t h = hash_of(key, len);
	struct strmap_slot *s;

	if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
		return -1;
	s = find_slot(m->slots, m->cap, m->keys.data, h, key, len);
	if (s->hash != 0) {
		if (existing != NULL)
			*existing = s->value;
		return 0;
	}
	s->off = m->keys.len;
	if (buf_append(&m->keys, key, len) != 0)
		return -1;
	s->hash = h;
	s->len = len;
	s->value = value;
	m->n++;
	return 1;
}

int strmap_get(const struct strmap *m, const char *key, size_t len, int64_t *value)
{
	struct strmap_slot *s;

	if (m->cap == 0)
		return 0;
	s = find_slot(m->slots, m->cap, m->keys.data, hash_of(key, len), key, len);
	if (s->hash == 0)
		return 0;
	*value = s->value;
	return 1;
}

void strmap_reset(struct strmap *m)
{
	if (m->slots != NULL)
		memset(m->slots, 0, m->cap * sizeof *m->slots);
	m->n = 0;
	buf_reset(&m->keys);
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
	buf_free(&m->keys);
}
