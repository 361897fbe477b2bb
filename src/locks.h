/* locks: the PostgreSQL advisory-lock keys sentia takes, in one place so
 * two uses can never share a key by accident. */
#ifndef SENTIA_LOCKS_H
#define SENTIA_LOCKS_H

#include <stdint.h>

/* What a lock guards; the key also carries an object id (an import's). */
enum lock_class {
	LOCK_MIGRATIONS = 1,   /* sentiactl migrate: one run at a time */
	LOCK_IMPORT = 2,       /* one process works on an import at a time */
	LOCK_JOB = 3,          /* one worker runs a job at a time */
};

/* A 64-bit key: "SE" in the top 16 bits so other applications' keys in
 * the same database are unlikely to meet ours, then the class, then the
 * id (below 2^40). */
#define LOCK_KEY(cls, id) ((int64_t)(((uint64_t)0x5345 << 48) | ((uint64_t)(cls) << 40) | (uint64_t)(id)))

#endif
