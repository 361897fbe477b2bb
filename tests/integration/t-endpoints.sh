# shellcheck shell=bash
# The operations endpoints and the dispatch table's answers, through nginx.

test_health() {
	local u
	for u in /health /api/health; do
		req GET "$BASE_URL$u"
		eq "GET $u is 200" 200 "$CODE"
		eq "GET $u body" '{"status":"healthy"}' "$(cat "$BODY")"
		eq "GET $u is JSON" "application/json" "$(header Content-Type)"
	done
	req HEAD "$BASE_URL/health" -I
	eq "HEAD /health is 200" 200 "$CODE"
	eq "HEAD /health has the GET Content-Length" 20 "$(header Content-Length)"
	# nginx drops a HEAD body anyway: ask the pool directly.
	fcgi HEAD /health
	eq "HEAD over FastCGI is 200" 200 "$CODE"
	eq "HEAD over FastCGI keeps Content-Length" 20 "$(header Content-Length)"
	eq "HEAD over FastCGI sends no body" 0 "$(stat -c %s "$BODY")"
}

test_ready() {
	req GET "$BASE_URL/ready"
	eq "GET /ready is 200" 200 "$CODE"
	eq "ready is true" true "$(jqb .ready)"
	eq "database check ok" ok "$(jqb .checks.database)"
	eq "redis check ok" ok "$(jqb .checks.redis)"
}

test_status() {
	req GET "$BASE_URL/api/status"
	eq "GET /api/status is 200" 200 "$CODE"
	eq "version is the build's" "$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$BUILD_DIR/ac-config.h")" "$(jqb .version)"
	check "commit is set" test -n "$(jqb .commit)" -a "$(jqb .commit)" != null
	check "build_time is ISO 8601" grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' <<<"$(jqb .build_time)"
	eq "environment from APP_ENV" test "$(jqb .environment)"
	check "uptime_seconds is a number" grep -qE '^[0-9]+$' <<<"$(jqb .uptime_seconds)"
	ge "pool total at least the minimum" 2 "$(jqb .pool.total)"
	eq "pool busy + idle + starting = total" "$(jqb .pool.total)" "$(jqb '.pool.busy + .pool.idle + .pool.starting')"
	ge "requests served counted" 1 "$(jqb .pool.requests_served)"
	eq "database ok" ok "$(jqb .components.database.status)"
	eq "redis ok" ok "$(jqb .components.redis.status)"
	eq "database latency is a number" number "$(jqb '.components.database.latency_ms | type')"
	eq "redis latency is a number" number "$(jqb '.components.redis.latency_ms | type')"
}

test_metrics() {
	local f=$RUN_DIR/metrics.txt
	curl -s "$BASE_URL/health" >/dev/null
	req GET "$BASE_URL/metrics"
	cp "$BODY" "$f"
	eq "GET /metrics is 200" 200 "$CODE"
	eq "Prometheus text format 0.0.4" "text/plain; version=0.0.4; charset=utf-8" "$(header Content-Type)"
	check "promtool check metrics accepts it" promtool check metrics <"$f"
	local fam
	for fam in sentia_http_requests_total sentia_http_request_duration_seconds sentia_responders \
	           sentia_responder_restarts_total sentia_dependency_check_failures_total sentia_resident_memory_bytes; do
		check "family $fam present" grep -q "^# TYPE $fam " "$f"
	done
	ge "requests by route, method, status class" 1 \
		"$(awk '$1 == "sentia_http_requests_total{route=\"/health\",method=\"GET\",status=\"2xx\"}" { print $2 }' "$f")"
	check "latency histogram by route" grep -q '^sentia_http_request_duration_seconds_bucket{route="/health",le="+Inf"}' "$f"
	ge "responder memory reported" 1000000 "$(awk '$1 == "sentia_resident_memory_bytes{process=\"responders\"}" { print $2 }' "$f")"
	# The pool's counters, not one responder's: the status responder's
	# view and the pool's agree.
	local a b
	a=$(metric 'sentia_http_requests_total{route="/health",method="GET",status="2xx"}' "$BASE_URL")
	b=$(metric 'sentia_http_requests_total{route="/health",method="GET",status="2xx"}' "$STATUS_URL")
	eq "every responder reports the same pool-wide counter" "$a" "$b"
}

test_errors() {
	req GET "$BASE_URL/no/such/thing"
	expect_error 404 not_found
	req DELETE "$BASE_URL/health"
	expect_error 405 method_not_allowed
	eq "405 carries Allow" "GET, HEAD, OPTIONS" "$(header Allow)"
	req OPTIONS "$BASE_URL/api/status"
	eq "OPTIONS on a known path is 204" 204 "$CODE"
	eq "OPTIONS lists the methods" "GET, HEAD, OPTIONS" "$(header Allow)"
	# nginx refuses these itself; sentia must too when it is reached directly.
	fcgi GET "/health%zz"
	expect_error 400 bad_request
	fcgi GET "$(printf '/health\001')"
	expect_error 400 bad_request
	fcgi GET "/health" "" CONTENT_LENGTH=-5
	expect_error 400 bad_request
	req GET "$BASE_URL/$(head -c 3000 /dev/zero | tr '\0' a)"
	expect_error 414 uri_too_long
	req GET "$BASE_URL/health/"
	expect_error 404 not_found
}

test_content_length() {
	local u v
	for u in /health /ready /api/status /metrics /nope; do
		for v in --http1.1 --http1.0; do
			req GET "$BASE_URL$u" "$v"
			eq "$u $v has Content-Length equal to the body" "$(stat -c %s "$BODY")" "$(header Content-Length)"
			eq "$u $v is not chunked" "" "$(header Transfer-Encoding)"
		done
	done
}

test_request_id() {
	req GET "$BASE_URL/health" -H "X-Request-Id: abc-123.XYZ_9"
	eq "a well-formed X-Request-Id is kept" "abc-123.XYZ_9" "$(header X-Request-Id)"
	req GET "$BASE_URL/health" -H 'X-Request-Id: <script>alert(1)</script>'
	check "a malformed X-Request-Id is replaced" grep -qE '^[0-9a-f]{32}$' <<<"$(header X-Request-Id)"
	req GET "$BASE_URL/nope" -H "X-Request-Id: trace-77"
	eq "the error body names the request id" trace-77 "$(jqb .error.request_id)"
	check "the access log line carries the request id" wait_until 5 grep -q '"request_id":"trace-77".*"status":404' "$RUN_DIR/logs/api.log"
	check "the access log line has method, path, status and duration" \
		grep -qE '"request_id":"abc-123.XYZ_9","msg":"request","method":"GET","path":"/health","status":200,"duration_ms":[0-9.]+' "$RUN_DIR/logs/api.log"
}

test_status_socket() {
	req GET "$STATUS_URL/health"
	eq "the status socket answers /health" 200 "$CODE"
	req GET "$STATUS_URL/metrics"
	eq "the status socket answers /metrics" 200 "$CODE"
	req GET "$STATUS_URL/no/such/route"
	expect_error 404 not_found
}

test_malformed_fastcgi() {
	local crashed0 exited0
	crashed0=$(metric 'sentia_responder_restarts_total{reason="crashed"}')
	exited0=$(metric 'sentia_responder_restarts_total{reason="exited"}')
	check "malformed FastCGI sent to the pool's socket" \
		/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/fcgi-garbage.py" "$RUN_DIR/api.sock" 600 7
	eq "no responder crashed" "$crashed0" "$(metric 'sentia_responder_restarts_total{reason="crashed"}')"
	eq "no responder gave up" "$exited0" "$(metric 'sentia_responder_restarts_total{reason="exited"}')"
	req GET "$BASE_URL/health"
	eq "the pool still serves" 200 "$CODE"
}
