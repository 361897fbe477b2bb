# shellcheck shell=bash
# Helpers for the integration tests: results, HTTP checks, load, and the
# pool's processes. Sourced by tests/integration/run after common.sh.

PASSED=0
FAILED=0
FAILED_NAMES=()
CURRENT_TEST=""

pass() { PASSED=$((PASSED + 1)); printf 'ok %d - %s: %s\n' $((PASSED + FAILED)) "$CURRENT_TEST" "$1"; }
fail() {
	FAILED=$((FAILED + 1)); FAILED_NAMES+=("$CURRENT_TEST: $1")
	printf 'not ok %d - %s: %s\n' $((PASSED + FAILED)) "$CURRENT_TEST" "$1"
	[ $# -gt 1 ] && printf '#   %s\n' "${@:2}"
	return 0
}
# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d" "command: $*"; fi; }
# eq DESCRIPTION EXPECTED ACTUAL
eq() { if [ "$2" == "$3" ]; then pass "$1"; else fail "$1" "expected: $2" "actual:   $3"; fi; }
# ge DESCRIPTION MIN ACTUAL (integers)
ge() { if [ -n "$3" ] && [ "$3" -ge "$2" ] 2>/dev/null; then pass "$1"; else fail "$1" "expected at least $2, got '$3'"; fi; }

TMP_BODY=""
TMP_HEAD=""
# req METHOD URL [CURL-ARGS...]: sets CODE, BODY (file) and HEAD (file).
# Sends the suite's admin API key unless REQ_AUTH is set to something else
# (REQ_AUTH= req ... sends no credentials).
req() {
	local m=$1 u=$2 auth=(); shift 2
	[ -n "${REQ_AUTH-Bearer ${API_KEY:-}}" ] && auth=(-H "Authorization: ${REQ_AUTH-Bearer ${API_KEY:-}}")
	TMP_BODY=$RUN_DIR/last-body; TMP_HEAD=$RUN_DIR/last-head
	# curl writes no file for an empty body: never leave the last one.
	: >"$TMP_BODY"
	CODE=$(curl -s -X "$m" -o "$TMP_BODY" -D "$TMP_HEAD" -w '%{http_code}' --max-time 20 "${auth[@]}" "$@" "$u") || CODE=000
	BODY=$TMP_BODY; HEAD=$TMP_HEAD
}
# acurl ARGS...: curl with the suite's admin API key.
acurl() { curl -H "Authorization: Bearer $API_KEY" "$@"; }
header() { grep -i "^$1:" "$HEAD" | head -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }
jqb() { jq -r "$1" <"$BODY" 2>/dev/null; }

# expect_error CODE ERRORCODE: the last response is the one JSON error shape.
expect_error() {
	eq "status $1" "$1" "$CODE"
	eq "error code $2" "$2" "$(jqb '.error.code')"
	eq "error request_id matches X-Request-Id" "$(header X-Request-Id)" "$(jqb '.error.request_id')"
	eq "error object has exactly code, message, request_id" "code,message,request_id" "$(jqb '.error | keys | join(",")')"
	check "error message is not empty" test -n "$(jqb '.error.message')"
}

# metric NAME_WITH_LABELS [URL]: the value of one sample from /metrics.
metric() {
	curl -s --max-time 10 "${2:-$STATUS_URL}/metrics" | awk -v k="$1" '$1 == k { print $2 }' | head -n 1
}

# The pool's responders: children of the master, by parent PID.
responders() { pgrep -P "$API_PID" | sort; }

# load SECONDS CONNECTIONS URL OUTFILE: wrk on loopback, bounded in time.
load() {
	wrk -t 2 -c "$2" -d "${1}s" --timeout 10s "$3" >"$4" 2>&1
}
# load_errors OUTFILE: non-2xx responses plus socket errors in a wrk report.
load_errors() {
	local non2xx sock
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$1")
	sock=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$1")
	echo $(( ${non2xx:-0} + ${sock:-0} ))
}
load_requests() { awk '/requests in/ { print $1 }' "$1"; }

# restart_api [EXTRA-ARGS...]: a fresh pool with the current environment.
restart_api() {
	api_stop
	api_start "$BUILD_DIR" "$@"
}

# wait_until SECONDS COMMAND...: 0 when COMMAND succeeds in time.
wait_until() {
	local secs=$1; shift
	for _ in $(seq 1 $((secs * 10))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# The pool's size, from the status socket's /metrics (which, unlike
# /api/status, touches no dependency, so it answers while one hangs).
pool_total() {
	curl -s --max-time 5 "$STATUS_URL/metrics" | awk '/^sentia_responders\{/ { n += $2 } END { print n + 0 }'
}

# fcgi METHOD URI [SOCKET] [NAME=VALUE...]: one request straight to the
# pool over FastCGI (no web server in between), for what nginx would refuse
# before sentia sees it. Sets CODE, HEAD and BODY like req.
fcgi() {
	local m=$1 u=$2 sock=${3:-$RUN_DIR/api.sock} out=$RUN_DIR/last-fcgi; shift 3 2>/dev/null || shift $#
	env -i PATH="$PATH" REQUEST_METHOD="$m" REQUEST_URI="$u" SERVER_PROTOCOL=HTTP/1.1 "$@" \
		timeout 20 cgi-fcgi -bind -connect "$sock" >"$out" 2>/dev/null
	HEAD=$RUN_DIR/last-head; BODY=$RUN_DIR/last-body
	sed -n '1,/^\r\{0,1\}$/p' "$out" >"$HEAD"
	sed '1,/^\r\{0,1\}$/d' "$out" >"$BODY"
	CODE=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$HEAD" | head -n 1)
}

# pg_freeze / pg_thaw: stop PostgreSQL answering without closing anything:
# SIGSTOP to the postmaster and to each backend (its children, by parent PID).
pg_freeze() {
	local pm; pm=$(cat "$RUN_DIR/pids/postgres")
	kill -STOP "$pm"; pkill -STOP -P "$pm"
}
pg_thaw() {
	local pm; pm=$(cat "$RUN_DIR/pids/postgres")
	pkill -CONT -P "$pm"; kill -CONT "$pm"
}

# Predicates for wait_until (evaluated afresh on every try).
gone() { ! alive "$1"; }
pool_is() { [ "$(pool_total)" -eq "$1" ]; }
pool_at_least() { [ "$(pool_total)" -ge "$1" ]; }
metric_at_least() { [ "$(metric "$1")" -ge "$2" ] 2>/dev/null; }
responders_at_least() { [ "$(responders | wc -l)" -ge "$1" ]; }
# The most recently started responder, and a predicate on it.
newest_responder() { ps -o pid= --sort=start_time --ppid "$API_PID" | tail -n 1 | tr -d ' '; }
newest_is_not() { local n; n=$(newest_responder); [ -n "$n" ] && [ "$n" != "$1" ]; }
none_alive() { local p; for p in "$@"; do alive "$p" && return 1; done; return 0; }

# warm_connections: a few /ready calls, so responders hold their
# PostgreSQL and Redis connections before a test freezes a server.
warm_connections() {
	for _ in 1 2 3; do curl -s -o /dev/null "$BASE_URL/ready"; done
}

# browser_check URL SCREENSHOT_NAME [CHECK-PAGE-ARGS...]: loads URL in
# headless Chromium with tests/npm/check-page.mjs (fails on a console or
# page error, a failed request, a non-2xx answer, a --selector that
# matches nothing, or sideways scrolling at --width) and saves a full-page
# screenshot as $RUN_DIR/artifacts/SCREENSHOT_NAME.png; prints what the
# check said and the screenshot's path. tests/integration/run copies the
# artifacts out of the run folder and names where. Returns the check's
# status.
browser_check() {
	local url=$1 name=$2 out rc
	shift 2
	mkdir -p "$RUN_DIR/artifacts"
	out=$(node "$SENTIA_TOP/tests/npm/check-page.mjs" "$url" --screenshot "$RUN_DIR/artifacts/$name.png" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/# /'
	printf '# screenshot: %s\n' "$RUN_DIR/artifacts/$name.png"
	return $rc
}

# pgbouncer_start DIR LISTEN_ADDR PORT PG_HOST PG_PORT POOL_SIZE [PREFIX...]:
# PgBouncer in transaction mode in front of the database sentia, with its
# configuration and log in DIR, in the foreground as this shell's child
# (as the postgres user: it refuses to run as root). PREFIX, if given,
# runs it elsewhere (ip netns exec NS). Sets PGB_PID.
pgbouncer_start() {
	local dir=$1 addr=$2 port=$3 pghost=$4 pgport=$5 size=$6; shift 6
	mkdir -p "$dir"
	printf '"sentia" ""\n"postgres" ""\n' >"$dir/userlist.txt"
	cat >"$dir/pgbouncer.ini" <<-EOF
	[databases]
	sentia = host=$pghost port=$pgport dbname=sentia
	[pgbouncer]
	listen_addr = $addr
	listen_port = $port
	unix_socket_dir =
	auth_type = trust
	auth_file = $dir/userlist.txt
	admin_users = postgres
	pool_mode = transaction
	default_pool_size = $size
	max_client_conn = 1000
	server_check_delay = 1
	EOF
	chmod 755 "$dir"; chmod 644 "$dir"/*
	"$@" "${AS_PG[@]}" pgbouncer "$dir/pgbouncer.ini" >>"$dir/pgbouncer.log" 2>&1 &
	export PGB_PID=$!
	wait_for "PgBouncer" 30 "$@" psql -h "$addr" -p "$port" -U postgres -Atqc "SHOW VERSION" pgbouncer
}
