/* cache: versioned Redis entries for expensive reads. */
#include "ac-config.h"

#include "cache.h"
#include "app.h"
#include "civil.h"
#include "digest.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

/* The version of the data the cached reads are made from: every data
 * source's last successful import (updated in the import's own
 * transaction), every working-capital snapshot's time and every forecast
 * run's end, summed so that
 * a change to any of them changes the version even when transactions
 * commit out of order; and today's date (added by the caller), since reads
 * that default to "today" change at midnight. */
static const char version_sql[] =
	"SELECT coalesce((SELECT sum(extract(epoch FROM last_success_at)) FROM data_sources), 0)::text || '/'"
	" || coalesce((SELECT sum(extract(epoch FROM computed_at)) FROM working_capital_snapshots), 0)::text || '/'"
	" || coalesce((SELECT sum(extract(epoch FROM finished_at)) FROM forecast_runs), 0)::text";

int cache_serve(struct request *req, struct response *res, struct cache_slot *slot)
{
	struct app *app = req->app;
	struct buf material = BUF_INIT;
	char hex[65], day[11];
	PGresult *r;
	redisReply *v;
	int served = 0;

	slot->key[0] = '\0';
	if (!config_switch_on(app->cfg, app->cfg->enable_cache) || req->method != HTTP_GET)
		return 0;
	r = db_exec(&app->db, version_sql, 0, NULL);
	if (r == NULL || PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return 0;
	}
	civil_format(civil_today(), day);
	buf_printf(&material, "%s\n%s\n%s\n%s", PQgetvalue(r, 0, 0), day, req->path, req->query);
	PQclear(r);
	digest_sha256_hex(material.data, material.len, hex);
	buf_free(&material);
	snprintf(slot->key, sizeof slot->key, "sentia:cache:%.40s", hex);
	v = kv_command(&app->kv, "GET %s", slot->key);
	if (v != NULL && v->type == REDIS_REPLY_STRING) {
		res_json_text(res, 200, v->str);
		res_header(res, "X-Cache", "hit");
		served = 1;
	} else if (v == NULL) {
		slot->key[0] = '\0';        /* Redis is away: do not try to store either */
	}
	freeReplyObject(v);
	if (!served && slot->key[0] != '\0')
		res_header(res, "X-Cache", "miss");
	return served;
}

void cache_store(struct request *req, const struct response *res, const struct cache_slot *slot)
{
	struct app *app = req->app;
	redisReply *v;

	if (slot->key[0] == '\0' || res->status != 200 || res->body.len == 0)
		return;
	v = kv_command(&app->kv, "SET %s %b EX %ld", slot->key, res->body.data, res->body.len,
	               app->cfg->cache_ttl_seconds);
	if (v == NULL)
		log_debug("cache: not stored: %s", app->kv.error);
	freeReplyObject(v);
}
