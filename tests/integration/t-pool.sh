# shellcheck shell=bash
# The process manager under load: crashes, recycling, growth, reload, drain.

test_kill_responder_under_load() {
	local out=$RUN_DIR/wrk-kill.txt out2=$RUN_DIR/wrk-after.txt before victim crashed0
	crashed0=$(metric 'sentia_responder_restarts_total{reason="crashed"}')
	before=$(responders | wc -l)
	load 6 8 "$BASE_URL/health" "$out" &
	local wrk=$!
	sleep 2
	victim=$(pgrep -P "$API_PID" | head -n 1)
	kill -KILL "$victim"
	wait "$wrk"
	printf '#   under load with one SIGKILL: %s requests, %s failed (at most the one in flight)\n' \
		"$(load_requests "$out")" "$(load_errors "$out")"
	check "the load ran" test "$(load_requests "$out")" -gt 100
	check "at most the requests in flight on the killed responder failed" test "$(load_errors "$out")" -le 1
	check "the pool is back to its size" wait_until 10 responders_at_least "$before"
	check "the killed responder is gone" gone "$victim"
	ge "the crash is counted" $((crashed0 + 1)) "$(metric 'sentia_responder_restarts_total{reason="crashed"}')"
	check "the crash is logged with its signal" grep -q "\"msg\":\"responder died; replacing it\".*\"pid\":$victim.*\"signal_number\":9" "$RUN_DIR/logs/api.log"
	load 3 8 "$BASE_URL/health" "$out2"
	eq "every later request is answered" 0 "$(load_errors "$out2")"
}

test_recycle_keeps_counters() {
	local n0 r0 bad=0
	export API_MAX_REQUESTS=5
	restart_api
	unset API_MAX_REQUESTS
	n0=$(metric 'sentia_http_requests_total{route="/api/health",method="GET",status="2xx"}'); n0=${n0:-0}
	r0=$(metric 'sentia_responder_restarts_total{reason="recycled"}')
	for _ in $(seq 1 60); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/api/health")" = 200 ] || bad=$((bad + 1))
	done
	eq "every request answered while responders recycle" 0 "$bad"
	ge "responders were recycled" $((r0 + 10)) "$(metric 'sentia_responder_restarts_total{reason="recycled"}')"
	eq "the request counter survives recycling exactly" $((n0 + 60)) \
		"$(metric 'sentia_http_requests_total{route="/api/health",method="GET",status="2xx"}')"
	eq "recycling is not a crash" 0 "$(metric 'sentia_responder_restarts_total{reason="crashed"}')"
	restart_api
}

# Slow requests: /ready waits on a PostgreSQL that is stopped (SIGSTOP),
# up to the statement deadline.
slow_ready() { curl -s -o "$RUN_DIR/slow-$1" -w '%{http_code}' --max-time 30 "$BASE_URL/ready" >"$RUN_DIR/slow-code-$1"; }

test_pool_grows_and_shrinks() {
	local pids=() i t peak=0
	export API_MIN_INSTANCES=2 API_MAX_INSTANCES=4 API_IDLE_SECONDS=1 DB_STATEMENT_TIMEOUT_MS=3000 DB_CONNECT_TIMEOUT_SECONDS=4
	restart_api
	warm_connections
	pg_freeze
	for i in 1 2 3 4 5 6 7 8; do slow_ready "$i" & pids+=($!); sleep 0.2; done
	for i in $(seq 1 40); do
		t=$(pool_total); [ "${t:-0}" -gt "$peak" ] && peak=$t
		[ "$peak" -ge 4 ] && break
		sleep 0.2
	done
	eq "the pool grew to its maximum while every responder was busy" 4 "$peak"
	local t0 ms
	t0=$(date +%s%N)
	req GET "$STATUS_URL/health"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	eq "the status socket answers /health while the pool is saturated" 200 "$CODE"
	check "and answers at once (${ms} ms)" test "$ms" -lt 1000
	eq "the status socket sees the pool busy" 4 "$(metric 'sentia_responders{state="busy"}')"
	check "max reached is counted" wait_until 8 metric_at_least sentia_pool_max_reached_total 1
	pg_thaw
	wait "${pids[@]}"
	check "the pool shrinks back to its minimum when idle" wait_until 15 pool_is 2
	unset API_MIN_INSTANCES API_MAX_INSTANCES API_IDLE_SECONDS DB_STATEMENT_TIMEOUT_MS DB_CONNECT_TIMEOUT_SECONDS
	export API_MIN_INSTANCES=2 API_MAX_INSTANCES=6
	restart_api
}

test_sighup_under_load() {
	local out=$RUN_DIR/wrk-hup.txt envf=$RUN_DIR/sentia.env before after common
	printf 'LOG_LEVEL=info\nAPI_MIN_INSTANCES=3\n' >"$envf"
	restart_api --env-file "$envf"
	check "the env file sets the pool size" wait_until 5 pool_is 3
	before=$(responders)
	load 7 8 "$BASE_URL/health" "$out" &
	local wrk=$!
	sleep 1
	printf 'LOG_LEVEL=info\nAPI_MIN_INSTANCES=4\n' >"$envf"
	kill -HUP "$API_PID"
	sleep 2.5
	kill -HUP "$API_PID"
	wait "$wrk"
	printf '#   under load with two SIGHUPs: %s requests, %s failed\n' "$(load_requests "$out")" "$(load_errors "$out")"
	check "the load ran" test "$(load_requests "$out")" -gt 100
	eq "no request failed across two reloads" 0 "$(load_errors "$out")"
	eq "the new minimum took effect" 4 "$(metric 'sentia_responders_limit{bound="min"}')"
	check "and the pool holds at least that" wait_until 10 pool_at_least 4
	after=$(responders)
	common=$(comm -12 <(echo "$before") <(echo "$after") | grep -c . || true)
	eq "every responder was replaced" 0 "$common"
	check "the reload is logged" grep -q '"msg":"configuration reloaded' "$RUN_DIR/logs/api.log"
	# A bad file is refused and the running configuration stays.
	printf 'API_MIN_INSTANCES=lots\n' >"$envf"
	kill -HUP "$API_PID"
	check "a bad configuration on reload is refused" wait_until 5 grep -q '"msg":"reload refused' "$RUN_DIR/logs/api.log"
	check "naming the variable" grep -q 'configuration: API_MIN_INSTANCES: must be a whole number' "$RUN_DIR/logs/api.log"
	req GET "$BASE_URL/health"
	eq "the pool still serves" 200 "$CODE"
	eq "with its old minimum" 4 "$(metric 'sentia_responders_limit{bound="min"}')"
	restart_api
}

# term_during_slow_request NAME STATEMENT_MS DRAIN_SECONDS: a fresh pool;
# a /ready held by a frozen PostgreSQL for up to STATEMENT_MS + 1 s; then
# SIGTERM to the master while it is in flight. Sets SLOW_PID (the client)
# and T0 (when the signal went).
term_during_slow_request() {
	export DB_STATEMENT_TIMEOUT_MS=$2 API_DRAIN_SECONDS=$3
	restart_api
	unset DB_STATEMENT_TIMEOUT_MS API_DRAIN_SECONDS
	warm_connections
	pg_freeze
	slow_ready "$1" & SLOW_PID=$!
	sleep 0.5
	T0=$(date +%s)
	kill -TERM "$API_PID"
}

test_drain_finishes_in_flight() {
	local secs
	term_during_slow_request drain 2000 10
	wait "$SLOW_PID"
	eq "the request in flight at SIGTERM got its full answer" 503 "$(cat "$RUN_DIR/slow-code-drain")"
	eq "and it is the JSON answer, not the web server's" false "$(jq -r .ready <"$RUN_DIR/slow-drain")"
	check "the master exits once it is done" wait_until 10 gone "$API_PID"
	secs=$(( $(date +%s) - T0 ))
	check "within API_DRAIN_SECONDS (${secs} s)" test "$secs" -le 10
	pg_thaw
	api_stop
	req GET "$BASE_URL/health"
	check "after the drain nothing accepts (nginx answers 502)" test "$CODE" = 502
	api_start "$BUILD_DIR"

	# A request longer than the drain time is cut off at the deadline.
	term_during_slow_request cut 8000 1
	check "the master stops at the drain deadline" wait_until 5 gone "$API_PID"
	secs=$(( $(date +%s) - T0 ))
	check "in about API_DRAIN_SECONDS (${secs} s)" test "$secs" -le 3
	wait "$SLOW_PID"
	pg_thaw
	api_stop
	api_start "$BUILD_DIR"
}

test_crash_loop_backs_off() {
	local i victim seen=() crashed0
	crashed0=$(metric 'sentia_responder_restarts_total{reason="crashed"}')
	# Kill each new responder as soon as it appears: a crash loop.
	for i in 1 2 3 4 5; do
		victim=$(newest_responder)
		[ -n "$victim" ] && kill -KILL "$victim" && seen+=("$victim")
		wait_until 5 newest_is_not "$victim"
	done
	ge "every crash is counted" $((crashed0 + 5)) "$(metric 'sentia_responder_restarts_total{reason="crashed"}')"
	check "quick repeated deaths are logged as a crash loop with a back-off" \
		grep -q '"msg":"responder died; replacing it after a back-off (crash loop)"' "$RUN_DIR/logs/api.log"
	check "the pool recovers to its size" wait_until 15 responders_at_least 3
	req GET "$BASE_URL/health"
	eq "and serves" 200 "$CODE"
}

test_sigterm_to_one_responder_under_load() {
	local out=$RUN_DIR/wrk-term.txt victim exited0
	exited0=$(metric 'sentia_responder_restarts_total{reason="exited"}')
	load 5 8 "$BASE_URL/health" "$out" &
	local wrk=$!
	sleep 1.5
	victim=$(newest_responder)
	kill -TERM "$victim"
	# A busy responder reads its signals at least every 32 requests.
	check "a responder told to stop directly stops while the pool is busy" wait_until 2 gone "$victim"
	wait "$wrk"
	printf '#   under load with one responder stopped by SIGTERM: %s requests, %s failed\n' \
		"$(load_requests "$out")" "$(load_errors "$out")"
	eq "no request failed" 0 "$(load_errors "$out")"
	ge "its exit is counted and it is replaced" $((exited0 + 1)) "$(metric 'sentia_responder_restarts_total{reason="exited"}')"
	check "the pool is at its size again" wait_until 10 responders_at_least 3
}

test_request_timeout_kills_and_replaces() {
	local t0=0 before code
	export API_REQUEST_TIMEOUT_SECONDS=1 DB_STATEMENT_TIMEOUT_MS=8000
	restart_api
	unset API_REQUEST_TIMEOUT_SECONDS DB_STATEMENT_TIMEOUT_MS
	warm_connections
	before=$(metric 'sentia_responder_restarts_total{reason="timed_out"}')
	pg_freeze
	t0=$(date +%s)
	# /ready now waits up to 9 s on PostgreSQL: far past the 1 s limit.
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$BASE_URL/ready")
	pg_thaw
	eq "the overrunning request is cut off (nginx answers 502)" 502 "$code"
	check "within about a second of the limit ($(( $(date +%s) - t0 )) s)" test $(( $(date +%s) - t0 )) -le 4
	ge "the kill is counted as timed_out" $((before + 1)) "$(metric 'sentia_responder_restarts_total{reason="timed_out"}')"
	check "and logged" grep -q '"msg":"responder busy with one request past API_REQUEST_TIMEOUT_SECONDS' "$RUN_DIR/logs/api.log"
	check "the pool is back to its size" wait_until 10 responders_at_least 3
	check "and ready" wait_until 10 all_ready 5
	restart_api
}

test_master_killed_leaves_nothing_behind() {
	local kids
	kids=$(responders)
	kill -KILL "$API_PID"
	wait "$API_PID" 2>/dev/null
	rm -f "$RUN_DIR/pids/api"
	# shellcheck disable=SC2086 # one PID a word
	check "every responder exits when the master is killed" wait_until 5 none_alive $kids
	check "the socket file is left behind" test -S "$RUN_DIR/api.sock"
	# A new pool replaces the stale socket and serves.
	api_start "$BUILD_DIR"
	req GET "$BASE_URL/health"
	eq "a new pool takes over the stale socket" 200 "$CODE"
}

test_stalled_client_is_reclaimed() {
	local port_pid before
	export API_REQUEST_TIMEOUT_SECONDS=2 API_MIN_INSTANCES=2 API_MAX_INSTANCES=4
	restart_api
	unset API_REQUEST_TIMEOUT_SECONDS
	before=$(metric 'sentia_responder_restarts_total{reason="timed_out"}')
	# Two clients that start a FastCGI request and never finish it.
	/usr/bin/python3 - "$RUN_DIR/api.sock" <<'PY' &
import socket, struct, sys, time
socks = []
for _ in range(2):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    s.sendall(struct.pack(">BBHHBB", 1, 1, 1, 8, 0, 0) + struct.pack(">HB5x", 1, 0)
              + struct.pack(">BBHHBB", 1, 4, 1, 100, 0, 0) + b"\x0e\x03REQUEST_")
    socks.append(s)
time.sleep(8)
PY
	port_pid=$!
	check "stalled clients count as busy, so the pool grows around them" wait_until 5 pool_at_least 3
	req GET "$BASE_URL/health"
	eq "and other requests are served meanwhile" 200 "$CODE"
	check "the master reclaims the stalled responders" wait_until 6 metric_at_least \
		'sentia_responder_restarts_total{reason="timed_out"}' $((before + 2))
	wait "$port_pid"
	export API_MIN_INSTANCES=2 API_MAX_INSTANCES=6
	restart_api
}
