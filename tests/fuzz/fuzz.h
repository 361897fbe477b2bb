/* fuzz: what the libFuzzer targets of tests/fuzz share: splitting one
 * input into NUL-terminated parts, so a target gets several strings (a
 * header and a body, a secret and a signature) from one byte string, and
 * hand-made seed files stay readable. */
#ifndef SENTIA_FUZZ_H
#define SENTIA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_PARTS 64

/* An input cut into parts at each separator byte; every part is a copy,
 * NUL-terminated, with its length (a part may hold NUL bytes when the
 * separator is not NUL). */
struct fuzz_parts {
	char *copy;                     /* owns the text every part points into */
	size_t n;
	char *s[FUZZ_MAX_PARTS + 1];    /* NULL-terminated, like an envp */
	size_t len[FUZZ_MAX_PARTS];
};

/* Cuts data at each sep, into at most FUZZ_MAX_PARTS parts (the last part
 * keeps the rest). Returns 0, or -1 when out of memory. */
static inline int fuzz_split(struct fuzz_parts *p, const uint8_t *data, size_t size, char sep)
{
	size_t start = 0;

	memset(p, 0, sizeof *p);
	p->copy = malloc(size + 1);
	if (p->copy == NULL)
		return -1;
	memcpy(p->copy, data, size);
	p->copy[size] = '\0';
	for (size_t i = 0; i <= size; i++) {
		if (i == size || (p->copy[i] == sep && p->n + 1 < FUZZ_MAX_PARTS)) {
			p->copy[i] = '\0';
			p->s[p->n] = p->copy + start;
			p->len[p->n] = i - start;
			p->n++;
			start = i + 1;
		}
	}
	p->s[p->n] = NULL;
	return 0;
}

/* Part i, or "" when the input has fewer parts. */
static inline const char *fuzz_part(const struct fuzz_parts *p, size_t i)
{
	return i < p->n ? p->s[i] : "";
}

static inline size_t fuzz_part_len(const struct fuzz_parts *p, size_t i)
{
	return i < p->n ? p->len[i] : 0;
}

static inline void fuzz_parts_free(struct fuzz_parts *p)
{
	free(p->copy);
	memset(p, 0, sizeof *p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
