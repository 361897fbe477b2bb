/* migrate: the schema migrations compiled into every binary, and the
 * operator's ways to apply them (up, down to a version, status). */
#ifndef SENTIA_MIGRATE_H
#define SENTIA_MIGRATE_H

#include <stddef.h>
#include <stdio.h>

#include "db.h"

/* One numbered migration, from sql/NNNN_name.up.sql and .down.sql. */
struct migration {
	int version;
	const char *name;
	const char *up;
	const char *down;
};

/* Every migration, in version order from 1 with no gap (generated). */
extern const struct migration migrations[];
extern const size_t migrations_count;

/* The schema version this build expects: its newest migration. */
int migrations_latest(void);

/* The checksum recorded for a migration: SHA-256 of its up half, in hex.
 * Only the up half counts, so a corrected down half can still ship. */
void migration_checksum(const struct migration *m, char out[65]);

/* The version the database is at (0 for a database never migrated), read
 * with the responder's deadlines. Returns 0, or -1 when it cannot be read. */
int migrate_current_version(struct db *db, int *version);

/* Applies every pending migration, each in its own transaction, under an
 * advisory lock that makes concurrent runs wait for each other. Refuses
 * (changing nothing) when an applied migration differs from this build's
 * or the database is newer than this build. Progress goes to out. Returns
 * 0 or -1. */
int migrate_up(struct db *db, FILE *out);
/* Undoes applied migrations, newest first, until the database is at
 * version to. */
int migrate_down(struct db *db, int to, FILE *out);
/* Writes each migration's state (applied, pending, changed, unknown) and a
 * summary to out. Returns 0, or -1 when the database cannot be read or a
 * migration has changed. */
int migrate_status(struct db *db, FILE *out);

#endif
