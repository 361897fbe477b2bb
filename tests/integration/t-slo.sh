# shellcheck shell=bash
# The SLO dashboard, the performance report and the admin's health report.
# Each objective is driven into each of its states by real traffic (5xx
# answers from maintenance mode, slow answers from a frozen PostgreSQL) or
# by the data it is measured from (import times, forecast runs, snapshots,
# probe records and histogram counts in the shared windows), and the JSON,
# the HTML page and sentiactl slo all show it.

rcli() { redis-cli -p "$REDIS_PORT" "$@"; }

# slo_reset: forgets the shared windows. Traffic before it is flushed
# first (the pool flushes every 5 s), so that none of it lands after.
slo_reset() {
	sleep 6
	rcli --scan --pattern 'sentia:slo:*' | xargs -r redis-cli -p "$REDIS_PORT" DEL >/dev/null
}

# dash: the JSON dashboard into BODY.
dash() { req GET "$BASE_URL/api/slo-dashboard"; }
# slo_status KEY: that objective's status on the dashboard now.
slo_status() { dash; jqb ".slos[] | select(.key == \"$1\") | .status"; }
slo_is() { [ "$(slo_status "$1")" = "$2" ]; }
slo_measured() { grep -qE '^(ok|warning|critical)$' <<<"$(slo_status "$1")"; }
# alert_level NAME: the active alert's level, or nothing.
alert_level() { dash; jqb ".alerts[] | select(.name == \"$1\") | .level"; }
alert_is() { [ "$(alert_level "$1")" = "$2" ]; }
# no_alert NAME...: the dashboard answered, and none of these is active.
no_alert() {
	local n
	dash
	for n in "$@"; do jq -e --arg n "$n" '(.alerts | type == "array") and ([.alerts[] | select(.name == $n)] | length == 0)' "$BODY" >/dev/null || return 1; done
}
# page_shows KEY STATUS: the HTML page's row for KEY shows STATUS.
page_shows() {
	req GET "$BASE_URL/slo"
	tr -d '\n' <"$BODY" | grep -qE "id=\"slo-$1\".{0,900}class=\"st st-$2\">$2<"
}
# ctl_shows NAME STATUS: sentiactl slo's row for NAME shows STATUS.
# (On a mismatch the table goes to the log.)
ctl_shows() {
	local out; out=$("$BUILD_DIR/sentiactl" slo 2>&1)
	grep -qE "^$1 .* $2 " <<<"$out" || { printf '%s\n' "$out" | sed 's/^/#   /'; return 1; }
}

# hits N URL: N requests, one after the other.
hits() {
	for _ in $(seq 1 "$1"); do curl -s -o /dev/null --max-time 20 -H "Authorization: Bearer $API_KEY" "$2"; done
}

# slow_hit URL: one request during which PostgreSQL stalls for 0.8 s.
slow_hit() {
	local c
	pg_freeze
	curl -s -o /dev/null --max-time 20 -H "Authorization: Bearer $API_KEY" "$1" &
	c=$!
	sleep 0.8
	pg_thaw
	wait "$c"
}

test_slo_dashboard_forms() {
	local keys
	dash
	eq "dashboard: 200" 200 "$CODE"
	keys=$(jqb '[.slos[].key] | join(",")')
	eq "the six objectives" "data_freshness,forecast_success_rate,working_capital_recency,api_latency_p95,error_rate,availability" "$keys"
	check "each has target, window, status and budget" \
		test "$(jqb '[.slos[] | select(has("target") and has("window") and has("status") and has("error_budget_remaining") and (.status | test("^(ok|warning|critical|no_data)$")))] | length')" = 6
	check "alerts is a list" test "$(jqb '.alerts | type')" = array
	eq "no-store" "no-store" "$(header Cache-Control)"
	REQ_AUTH='' req GET "$BASE_URL/api/slo-dashboard"
	expect_error 401 unauthorized
	req GET "$BASE_URL/slo"
	eq "/slo: 200" 200 "$CODE"
	check "/slo: HTML" grep -q "^text/html" <<<"$(header Content-Type)"
	eq "/slo: a row per objective" 6 "$(grep -c 'id="slo-' "$BODY")"
	req GET "$BASE_URL/api/slo-dashboard" -H "Accept: text/html,application/xhtml+xml"
	check "Accept: text/html gets the page" grep -q "<h1>Service-level objectives</h1>" "$BODY"
	req GET "$BASE_URL/api/slo-dashboard" -H "Accept: application/json, text/html"
	eq "Accept preferring JSON gets JSON" object "$(jqb type)"
	REQ_AUTH='' req GET "$BASE_URL/slo"
	eq "/slo needs credentials too" 401 "$CODE"
}

test_slo_latency_and_error_rate() {
	local now_min
	slo_reset
	dash
	eq "no traffic: latency has no data" no_data "$(jqb '.slos[] | select(.key == "api_latency_p95") | .status')"
	eq "no traffic: error rate has no data" no_data "$(jqb '.slos[] | select(.key == "error_rate") | .status')"
	check "sentiactl: no data too" ctl_shows "error rate" no_data

	hits 100 "$BASE_URL/api/data-sources"
	check "fast answers: latency ok" wait_until 15 slo_is api_latency_p95 ok
	check "no 5xx: error rate ok" slo_is error_rate ok
	check "the page shows latency ok" page_shows api_latency_p95 ok
	dash
	check "error budget left is 100 %" test "$(jqb '.slos[] | select(.key == "error_rate") | .error_budget_remaining')" = 1

	# 5xx from maintenance mode: 3 of about 100 is a warning ...
	"$BUILD_DIR/sentiactl" maintenance on >/dev/null
	sleep 1.1   # every responder has read it
	hits 3 "$BASE_URL/api/imports"
	"$BUILD_DIR/sentiactl" maintenance off >/dev/null
	sleep 1.1   # every responder has read it
	check "3 % answered 5xx: error rate warning" wait_until 15 slo_is error_rate warning
	check "the warning alert is active" alert_is error_rate warning
	dash
	check "its start is given" grep -qE '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T' <<<"$(jqb '.alerts[] | select(.name == "error_rate") | .since')"
	check "the budget is overspent" test "$(jqb '.slos[] | select(.key == "error_rate") | .error_budget_remaining < 0')" = true
	check "the page shows the warning" page_shows error_rate warning
	check "sentiactl: warning" ctl_shows "error rate" warning
	"$BUILD_DIR/sentiactl" slo >/dev/null 2>&1
	eq "sentiactl slo exits 1 on a warning" 1 $?

	# ... and 20 more, critical.
	"$BUILD_DIR/sentiactl" maintenance on >/dev/null
	sleep 1.1
	hits 20 "$BASE_URL/api/imports"
	"$BUILD_DIR/sentiactl" maintenance off >/dev/null
	sleep 1.1
	check "over 5 % answered 5xx: error rate critical" wait_until 15 slo_is error_rate critical
	check "the critical alert is active" alert_is error_rate critical
	check "the page shows it critical" page_shows error_rate critical
	"$BUILD_DIR/sentiactl" slo >/dev/null 2>&1
	eq "sentiactl slo exits 2 on a critical" 2 $?

	# Slow answers: PostgreSQL stalls for 0.8 s under each of 5 reads
	# among 30 fast ones; they wait, then succeed.
	slo_reset
	hits 30 "$BASE_URL/api/data-sources"
	for _ in 1 2 3 4 5; do slow_hit "$BASE_URL/api/data-sources"; done
	check "one answer in seven takes most of a second: latency warning" wait_until 15 slo_is api_latency_p95 warning
	check "the page shows latency warning" page_shows api_latency_p95 warning
	dash
	check "the slow answers were 200s, not errors" test "$(jqb '.slos[] | select(.key == "error_rate") | .status')" = ok
	# Beyond 5 s: written into the minute's histogram as the pool would.
	now_min=$(( $(date +%s) / 60 ))
	rcli HINCRBY "sentia:slo:m:$now_min" b11 40 >/dev/null
	rcli HINCRBY "sentia:slo:m:$now_min" n 40 >/dev/null
	check "p95 over 5 s: latency critical" slo_is api_latency_p95 critical
	check "and the latency alert critical" alert_is latency_p95 critical
	check "sentiactl: critical" ctl_shows "API p95 latency" critical
	slo_reset
	check "the alerts end with their cause" wait_until 15 no_alert latency_p95 error_rate
}

test_slo_availability() {
	local now_min day bit m
	slo_reset
	dash
	eq "no probe yet: availability has no data" no_data "$(jqb '.slos[] | select(.key == "availability") | .status')"
	now_min=$(( $(date +%s) / 60 ))
	day=$((now_min / 1440)); bit=$((now_min % 1440))
	check "the pool's probe records this minute" wait_until 10 bash -c "[ \"\$(redis-cli -p $REDIS_PORT GETBIT sentia:slo:up:$day $bit)\" = 1 ] || [ \"\$(redis-cli -p $REDIS_PORT GETBIT sentia:slo:up:$(( ($(date +%s) / 60) / 1440 )) $(( ($(date +%s) / 60) % 1440 )))\" = 1 ]"
	check "and the first probe's minute" test -n "$(rcli GET sentia:slo:first)"

	# Probe records for the last 200 minutes: all up is ok ...
	now_min=$(( $(date +%s) / 60 ))
	rcli SET sentia:slo:first $((now_min - 200)) >/dev/null
	for m in $(seq $((now_min - 200)) $((now_min - 1))); do
		rcli SETBIT "sentia:slo:up:$((m / 1440))" $((m % 1440)) 1 >/dev/null
	done
	check "200 of 200 minutes up: ok" slo_is availability ok
	dash
	check "with 24 hours of history" test "$(jqb '.slos[] | select(.key == "availability") | .history_24h | length')" = 24
	check "the page draws its sparkline" bash -c "curl -s -H 'Authorization: Bearer $API_KEY' $BASE_URL/slo | tr -d '\n' | grep -qE 'id=\"slo-availability\".{0,1200}<svg class=\"spark\"'"
	# ... one minute down of 200 (99.5 %) is a warning ...
	m=$((now_min - 50)); rcli SETBIT "sentia:slo:up:$((m / 1440))" $((m % 1440)) 0 >/dev/null
	check "199 of 200: warning" slo_is availability warning
	check "the page shows it" page_shows availability warning
	# ... and five down (97.5 %) critical.
	for m in $((now_min - 60)) $((now_min - 70)) $((now_min - 80)) $((now_min - 90)); do
		rcli SETBIT "sentia:slo:up:$((m / 1440))" $((m % 1440)) 0 >/dev/null
	done
	check "195 of 200: critical" slo_is availability critical
	check "sentiactl: critical" ctl_shows availability critical
	slo_reset
}

test_slo_from_data() {
	sql() { psql "$DATABASE_URL" -Atqc "$1"; }
	local saved
	# Freshness: no data before any import, then the stalest source's
	# last success.
	if [ "$(sql "SELECT count(*) FROM data_sources")" = 0 ]; then
		check "no source yet: freshness has no data" slo_is data_freshness no_data
		seed_catalogue
	fi
	saved=$(sql "SELECT string_agg(id || '=' || coalesce(extract(epoch FROM last_success_at)::text, ''), ',') FROM data_sources")
	sql "UPDATE data_sources SET last_success_at = now() - interval '10 minutes'" >/dev/null
	check "freshness 10 min: ok" slo_is data_freshness ok
	sql "UPDATE data_sources SET last_success_at = now() - interval '45 minutes' WHERE id = (SELECT min(id) FROM data_sources)" >/dev/null
	check "a source 45 min old: warning" slo_is data_freshness warning
	check "the page shows it" page_shows data_freshness warning
	sql "UPDATE data_sources SET last_success_at = now() - interval '3 hours' WHERE id = (SELECT min(id) FROM data_sources)" >/dev/null
	check "3 h old: critical" slo_is data_freshness critical
	check "sentiactl: critical" ctl_shows "data freshness" critical
	sql "UPDATE data_sources d SET last_success_at = to_timestamp(nullif(split_part(x, '=', 2), '')::double precision)
	     FROM unnest(string_to_array('$saved', ',')) x WHERE d.id = split_part(x, '=', 1)::bigint" >/dev/null

	# Forecast success rate over 24 hours, from the runs' outcomes.
	sql "DELETE FROM forecasts; DELETE FROM forecast_runs" >/dev/null
	check "no run finished: no data" slo_is forecast_success_rate no_data
	sql "INSERT INTO forecast_runs (request, skus_total, status, finished_at)
	     SELECT '{}', 1, CASE WHEN g <= 100 THEN 'succeeded' ELSE 'failed' END, now() - g * interval '1 minute'
	     FROM generate_series(1, 100) g" >/dev/null
	check "100 of 100 succeeded: ok" slo_is forecast_success_rate ok
	sql "INSERT INTO forecast_runs (request, skus_total, status, finished_at) SELECT '{}', 1, 'failed', now() FROM generate_series(1, 3)" >/dev/null
	check "100 of 103: warning" slo_is forecast_success_rate warning
	check "the page shows it" page_shows forecast_success_rate warning
	sql "INSERT INTO forecast_runs (request, skus_total, status, finished_at) SELECT '{}', 1, 'failed', now() FROM generate_series(1, 10)" >/dev/null
	check "100 of 113: critical" slo_is forecast_success_rate critical
	dash
	check "its hourly history" test "$(jqb '[.slos[] | select(.key == "forecast_success_rate") | .history_24h[] | select(. != null)] | length')" -ge 1
	sql "INSERT INTO forecast_runs (request, skus_total, status, finished_at) SELECT '{}', 1, 'rejected', now() FROM generate_series(1, 50)" >/dev/null
	check "runs rejected for their data do not count" slo_is forecast_success_rate critical
	sql "DELETE FROM forecasts; DELETE FROM forecast_runs" >/dev/null

	# Working-capital recency: the newest snapshot's age.
	sql "DELETE FROM working_capital_snapshots" >/dev/null
	check "no snapshot: no data" slo_is working_capital_recency no_data
	sql "INSERT INTO working_capital_snapshots (as_of, window_days, figures, reason, computed_at) VALUES (current_date, 90, '{}', 'command', now() - interval '1 hour')" >/dev/null
	check "1 h old: ok" slo_is working_capital_recency ok
	sql "UPDATE working_capital_snapshots SET computed_at = now() - interval '30 hours'" >/dev/null
	check "30 h: warning" slo_is working_capital_recency warning
	check "the page shows it" page_shows working_capital_recency warning
	sql "UPDATE working_capital_snapshots SET computed_at = now() - interval '3 days'" >/dev/null
	check "3 days: critical" slo_is working_capital_recency critical
	sql "DELETE FROM working_capital_snapshots" >/dev/null
}

test_slo_queue_and_database_alerts() {
	# A backlog: jobs queued while no worker runs.
	worker_stop
	"$BUILD_DIR/sentiactl" queue enqueue diagnostic.noop --count 1001 >/dev/null 2>&1
	check "1001 jobs waiting: queue alert warning" alert_is queue_depth warning
	dash
	eq "it names the queue" "jobs waiting on queue maintenance" "$(jqb '.alerts[] | select(.name == "queue_depth") | .detail')"
	worker_start "$BUILD_DIR"
	check "the workers drain it and the alert ends" wait_until 60 no_alert queue_depth

	# PostgreSQL refusing connections: the database alert is critical
	# and the dashboard still answers (to a session token: API keys are
	# kept in PostgreSQL).
	[ -f "$RUN_DIR/jwt.key" ] || openssl genrsa -out "$RUN_DIR/jwt.key" 2048 2>/dev/null
	openssl rsa -in "$RUN_DIR/jwt.key" -pubout -out "$RUN_DIR/jwt.pub" 2>/dev/null
	CLERK_JWT_KEY=$(cat "$RUN_DIR/jwt.pub") CLERK_ISSUER=https://clerk.test CLERK_AUTHORIZED_PARTIES=https://app.test restart_api
	pg_stop
	REQ_AUTH="Bearer $(mkjwt '{"alg":"RS256","typ":"JWT"}' "$(claims viewer)")" req GET "$BASE_URL/api/slo-dashboard"
	eq "the dashboard answers without PostgreSQL" 200 "$CODE"
	eq "the database alert is critical" critical "$(jqb '.alerts[] | select(.name == "database") | .level')"
	eq "objectives read from PostgreSQL show no data" no_data "$(jqb '.slos[] | select(.key == "data_freshness") | .status')"
	eq "and say why" "PostgreSQL did not answer" "$(jqb '.slos[] | select(.key == "data_freshness") | .detail')"
	pg_start
	check "PostgreSQL back: its objectives are measured again" wait_until 15 slo_measured data_freshness
}

test_performance_report() {
	local n
	hits 20 "$BASE_URL/api/data-sources"
	sleep 6
	req GET "$BASE_URL/api/performance"
	eq "performance: 200" 200 "$CODE"
	n=$(jqb '.routes[] | select(.route == "GET /api/data-sources") | .since_start.requests')
	ge "since start: the 20 requests counted" 20 "$n"
	n=$(jqb '.routes[] | select(.route == "GET /api/data-sources") | .recent.requests')
	ge "last 5 minutes: counted from the shared window" 20 "$n"
	check "p50 <= p95 <= p99" test "$(jqb '.routes[] | select(.route == "GET /api/data-sources") | .recent | (.p50_ms <= .p95_ms and .p95_ms <= .p99_ms)')" = true
	check "throughput" test "$(jqb '.recent.throughput_rps > 0')" = true
	check "each responder with its memory" test "$(jqb '[.responders[] | select(.rss_bytes > 0 and .pid > 0)] | length')" -ge 2
	REQ_AUTH='' req GET "$BASE_URL/api/performance"
	expect_error 401 unauthorized
}

test_admin_health() {
	req GET "$BASE_URL/api/admin/health"
	eq "admin health: 200" 200 "$CODE"
	eq "database connected" true "$(jqb .database.connected)"
	check "server version" grep -qE '^[0-9]+' <<<"$(jqb .database.server_version)"
	check "connections in use of max" test "$(jqb '.database.connections.in_use > 0 and .database.connections.max >= .database.connections.in_use')" = true
	eq "not a replica: no lag" "false null" "$(jqb '.database.replica') $(jqb '.database.replication_lag_seconds')"
	eq "Redis connected" true "$(jqb .redis.connected)"
	eq "Redis persistence: append-only on in the tests" true "$(jqb .redis.persistence.aof_enabled)"
	check "Redis memory" test "$(jqb '.redis.used_memory_bytes > 0')" = true
	check "every queue's depth" test "$(jqb '[.queues[] | select(has("waiting"))] | length')" -ge 3
	check "the pool" test "$(jqb '.pool.total >= 2 and (.pool.restarts | has("crashed"))')" = true
	check "disk space of the configured folders" test "$(jqb '[.disk[] | select(.total_bytes > 0)] | length')" -ge 1
	# Admins only.
	local key
	key=$("$BUILD_DIR/sentiactl" apikey create --name "slo-viewer-$$" --role viewer 2>/dev/null)
	REQ_AUTH="Bearer $key" req GET "$BASE_URL/api/admin/health"
	expect_error 403 forbidden
	REQ_AUTH="Bearer $key" req GET "$BASE_URL/api/slo-dashboard"
	eq "a viewer reads the dashboard" 200 "$CODE"
	"$BUILD_DIR/sentiactl" apikey revoke "slo-viewer-$$" >/dev/null 2>&1
}

# The page in a real browser: Chromium, headless, at desktop and phone
# width; no console error, nothing loaded, nothing wider than the screen,
# a screenshot kept. A slow-request warning and a sparkline are shown.
test_slo_page_in_chromium() {
	local out now_min m
	oa_tools || return
	slo_reset
	now_min=$(( $(date +%s) / 60 ))
	rcli SET sentia:slo:first $((now_min - 180)) >/dev/null
	for m in $(seq $((now_min - 180)) $((now_min - 1))); do
		rcli SETBIT "sentia:slo:up:$((m / 1440))" $((m % 1440)) 1 >/dev/null
	done
	hits 20 "$BASE_URL/api/data-sources"
	wait_until 15 slo_measured api_latency_p95
	out=$(browser_check "$BASE_URL/slo" slo-desktop --width 1280 --header "Authorization: Bearer $API_KEY" \
		--selector 'h1' --selector '#slo-availability svg.spark' --selector '#slo-api_latency_p95 svg.spark' --selector '#slo-api_latency_p95 .st' 2>&1)
	check "the SLO page loads cleanly in Chromium at 1280 px, with a sparkline" test $? -eq 0
	printf '%s\n' "$out"
	out=$(browser_check "$BASE_URL/slo" slo-phone --width 375 --height 812 --header "Authorization: Bearer $API_KEY" \
		--selector '#slo-error_rate' 2>&1)
	check "and at 375 px, with nothing wider than the phone" test $? -eq 0
	printf '%s\n' "$out"
	slo_reset
}

# A new installation: an empty database and empty windows. Every
# objective says "no data" (none is a breach yet), in the JSON, the page
# and sentiactl slo; nothing alerts.
test_slo_new_installation() {
	local url port side key out
	psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE sentia_fresh OWNER sentia" >/dev/null
	url="postgresql://sentia@127.0.0.1:$PG_PORT/sentia_fresh"
	DATABASE_URL=$url "$BUILD_DIR/sentiactl" migrate up >>"$RUN_DIR/logs/fresh.log" 2>&1
	key=$(DATABASE_URL=$url "$BUILD_DIR/sentiactl" apikey create --name fresh --role viewer 2>>"$RUN_DIR/logs/fresh.log")
	port=$(free_port 19500)
	DATABASE_URL=$url REDIS_URL="redis://127.0.0.1:$REDIS_PORT/3" "$BUILD_DIR/sentia-api" --listen "127.0.0.1:$port" \
		>>"$RUN_DIR/logs/fresh.log" 2>&1 &
	side=$!
	wait_until 10 bash -c "(exec 3<>/dev/tcp/127.0.0.1/$port)" 2>/dev/null
	fcgi GET /api/slo-dashboard "127.0.0.1:$port" HTTP_AUTHORIZATION="Bearer $key" REMOTE_ADDR=127.0.0.1
	eq "new installation: 200" 200 "$CODE"
	eq "every objective: no data" "no_data,no_data,no_data,no_data,no_data,no_data" "$(jqb '[.slos[].status] | join(",")')"
	eq "no alert" 0 "$(jqb '.alerts | length')"
	fcgi GET /slo "127.0.0.1:$port" HTTP_AUTHORIZATION="Bearer $key" REMOTE_ADDR=127.0.0.1
	eq "the page: six rows with no data" 6 "$(grep -c 'class="st st-no_data">no_data<' "$BODY")"
	out=$(DATABASE_URL=$url REDIS_URL="redis://127.0.0.1:$REDIS_PORT/3" "$BUILD_DIR/sentiactl" slo 2>&1)
	eq "sentiactl slo: six rows with no data" 6 "$(grep -c ' no_data ' <<<"$out")"
	kill -TERM "$side"; wait "$side" 2>/dev/null
	redis-cli -p "$REDIS_PORT" -n 3 FLUSHDB >/dev/null
	psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "DROP DATABASE sentia_fresh" >/dev/null
}
