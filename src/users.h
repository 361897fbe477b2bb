/* users: the people sentia knows through Clerk. Their profiles, kept in
 * step by Clerk's webhooks; everything sentia holds about one of them
 * (the GDPR export); and erasing one: the profile and its role history
 * go, and the person is replaced by a pseudonym wherever a record must
 * keep its shape (the audit log, imports, jobs). */
#ifndef SENTIA_USERS_H
#define SENTIA_USERS_H

#include <stdint.h>

#include <json-c/json.h>

#include "buf.h"
#include "db.h"

/* A Clerk user id as sentia takes it: 1 to USERS_ID_MAX of [A-Za-z0-9_]
 * (Clerk's are "user_" and 27 letters and digits). Nothing else can
 * reach SQL patterns or audit records as an id. */
#define USERS_ID_MAX 64
int users_id_valid(const char *s);

/* What every pseudonym starts with. */
#define USERS_PSEUDONYM_PREFIX "erased-user-"
/* Room for a pseudonym: the prefix, 12 hex digits and a NUL. */
#define USERS_PSEUDONYM_SIZE 32

/* The pseudonym that replaces id, and the hash it comes from: hash gets
 * the 64 hex digits of HMAC-SHA256(key, id) when key is set (PII_HASH_KEY),
 * of SHA-256(id) when not; pseudonym is USERS_PSEUDONYM_PREFIX and the
 * first 12 of them. The same id always gives the same pseudonym, so an
 * erasure run twice, or after a late record, gives one person one name. */
void users_pseudonym(const char *id, const char *key, char hash[65], char pseudonym[USERS_PSEUDONYM_SIZE]);

/* A profile as a Clerk event's data gives it. Strings point into the
 * JSON it came from, or into name (owned by the caller). */
struct users_profile {
	const char *id;
	const char *email;          /* the primary address, or NULL */
	const char *name;           /* first and last name, else the username, or NULL */
	const char *role;           /* a sentia role from public_metadata.role, or NULL */
	long long created_ms;       /* Clerk's times, in ms; 0 when absent */
	long long updated_ms;
};

/* Reads a profile from the data object of a user.created or user.updated
 * event. Returns 0, or -1 with why (for a 400) when data has no valid id. */
int users_profile_from_clerk(struct json_object *data, struct users_profile *p, struct buf *name, char *why,
                             size_t whylen);

/* What users_upsert did. */
enum users_applied {
	USERS_APPLIED,       /* stored */
	USERS_STALE,         /* the stored profile is newer: left alone */
	USERS_WAS_ERASED,    /* this user was erased: nothing is stored again */
	USERS_DB_ERROR,      /* PostgreSQL failed (db->error) */
};

/* Inserts or updates a profile (the role history follows by trigger),
 * unless the user was erased or a newer event was applied already. key
 * is PII_HASH_KEY, as for users_pseudonym. */
enum users_applied users_upsert(struct db *db, const struct users_profile *p, const char *key);

/* Whether user id was erased: 1, 0, or -1 when PostgreSQL failed. */
int users_was_erased(struct db *db, const char *id, const char *key);

/* Whether sentia holds anything about user id (a profile, audit records
 * they caused, imports they made): 1, 0, or -1 when PostgreSQL failed. */
int users_known(struct db *db, const char *id);

/* Everything sentia holds about user id, as one object (the caller puts
 * it): profile (or null), role_history, audit_events they caused, imports
 * they made, read in one snapshot. NULL with *found 0 when sentia holds
 * nothing about them; NULL with *found 1 when PostgreSQL failed. */
struct json_object *users_export(struct db *db, const char *id, int *found);

/* What an erasure did. */
struct users_erasure {
	char pseudonym[USERS_PSEUDONYM_SIZE];
	long long profiles;         /* 1 when the profile was deleted */
	long long role_history;     /* role history rows deleted */
	long long audit_records;    /* audit records rewritten */
	long long imports;          /* imports whose maker was rewritten */
	long long jobs;             /* job records whose payload was rewritten */
};

/* Who asks for an erasure, and of whom. */
struct users_erase_request {
	const char *id;             /* the Clerk user id */
	const char *key;            /* PII_HASH_KEY, as for users_pseudonym */
	const char *requested_by;   /* the actor who asked: "key:ops", "webhook:clerk", "operator:root" */
	const char *via;            /* how, for the audit record: "job users.erase", "sentiactl user erase" */
};

/* Erases a user in one transaction: deletes the profile and its role
 * history; in the audit log, their records get the pseudonym as actor
 * and lose their address, and every mention of the id in a target or
 * detail becomes the pseudonym; imports they made and job payloads that
 * name them get the pseudonym; the erasure is remembered by hash; and an
 * audit record (by requested_by, pseudonymised if it is the user) says it
 * is done, with the counts. Idempotent: a second run finds nothing left
 * and says so. Returns 0, or -1 with why. */
int users_erase(struct db *db, const struct users_erase_request *rq, struct users_erasure *out, char *why,
                size_t whylen);

#endif
