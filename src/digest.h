/* digest: SHA-256 as lower-case hex, for document and migration checksums. */
#ifndef SENTIA_DIGEST_H
#define SENTIA_DIGEST_H

#include <stddef.h>

/* Writes the SHA-256 of len bytes at data as 64 hex digits and a NUL. */
void digest_sha256_hex(const void *data, size_t len, char out[65]);

#endif
