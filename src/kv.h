/* kv: the responder's one Redis connection, opened lazily and reopened
 * with back-off when it breaks. */
#ifndef SENTIA_KV_H
#define SENTIA_KV_H

#include <hiredis/hiredis.h>

#include "buf.h"
#include "retry.h"

/* Where a Redis server is, as parsed from REDIS_URL. Strings are owned. */
struct kv_target {
	char *host;       /* NULL for a unix socket */
	int port;
	char *path;       /* unix socket path, or NULL */
	char *user;       /* ACL user, or NULL */
	char *password;   /* or NULL */
	int db;
};

/* Parses redis://[[user]:password@]host[:port][/db] or
 * unix:///path[?db=N]. Returns 0, or -1 with the reason appended to why. */
int kv_url_parse(const char *url, struct kv_target *t, struct buf *why);
void kv_target_free(struct kv_target *t);

/* A Redis connection and its reconnection state. */
struct kv {
	struct kv_target target;
	redisContext *ctx;          /* NULL while disconnected */
	long connect_ms;
	long command_ms;
	struct retry retry;
	char error[256];            /* the last failure, for logs and checks */
};

/* Prepares kv for url; connects nothing yet. Returns 0, or -1 on a bad URL. */
int kv_init(struct kv *kv, const char *url, long connect_ms, long command_ms, long retry_max_ms);
/* A live connection, connecting first when needed and allowed by the
 * back-off; NULL when Redis is unavailable (kv->error says why). */
redisContext *kv_get(struct kv *kv);
/* Runs one command; the caller frees the reply with freeReplyObject.
 * NULL when Redis is unavailable or the connection broke (it is dropped
 * and reopened on a later call). An error reply is returned as a reply. */
redisReply *kv_command(struct kv *kv, const char *fmt, ...);
/* Runs one command given as argc strings (lengths by strlen), as
 * kv_command does; for commands whose argument count varies. */
redisReply *kv_command_argv(struct kv *kv, int argc, const char **argv);
/* Checks Redis with PING; stores the round trip in *latency_ms. 0 or -1. */
int kv_ping(struct kv *kv, double *latency_ms);
/* Drops the connection and frees what kv owns. */
void kv_free(struct kv *kv);

#endif
