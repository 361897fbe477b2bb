# shellcheck shell=bash
# Shared by scripts/run, scripts/test and bench/run: installs what sentia
# needs, builds it, and starts private PostgreSQL, Redis, nginx and the pool
# in one folder, on loopback ports. Every server runs in the foreground as a
# child of the calling shell and is stopped by its PID, never by name: in a
# container whose PID 1 does not reap, a daemonised server would linger.

SENTIA_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian packages: build tools, libraries, the servers, the test tools.
SENTIA_PACKAGES=(
	build-essential autoconf automake libtool pkg-config git
	libfcgi-dev libfcgi-bin libpq-dev libhiredis-dev libjson-c-dev
	libjwt-gnutls-dev libgnutls28-dev check
	postgresql postgresql-client redis-server redis-tools nginx-light pgbouncer
	curl jq wrk prometheus spawn-fcgi systemd util-linux procps iproute2 shellcheck openssl xxd
	chromium apache2 caddy
	clang libclang-rt-14-dev valgrind
)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the packages that are missing, after one apt-get update.
install_deps() {
	local missing=() p
	for p in "${SENTIA_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	# Node.js and npm run the test tools of tests/npm. A machine image may
	# bring its own Node.js, whose package provides npm and conflicts with
	# Debian's: Debian's two packages only where there is no npm at all.
	command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing: ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build DIR [CONFIGURE-ARGS...]: configures (once) and builds in DIR.
build() {
	local dir=$1; shift
	if [ ! -x "$SENTIA_TOP/configure" ] || [ "$SENTIA_TOP/configure.ac" -nt "$SENTIA_TOP/configure" ]; then
		say "autoreconf"
		(cd "$SENTIA_TOP" && autoreconf -fi >/dev/null 2>&1) || die "autoreconf failed"
	fi
	mkdir -p "$dir"
	if [ ! -f "$dir/Makefile" ]; then
		say "configure $* in $dir"
		(cd "$dir" && "$SENTIA_TOP/configure" -q "$@") || die "configure failed"
	fi
	say "make in $dir"
	make -C "$dir" -j"$(nproc)" -s >/dev/null || die "build failed"
}

# free_port BASE: the first port from BASE on that nothing listens on.
free_port() {
	local p=$1
	while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
	echo "$p"
}

# run_dir_new: makes the private folder (readable by the service users).
run_dir_new() {
	RUN_DIR=$(mktemp -d /tmp/sentia.XXXXXX)
	chmod 755 "$RUN_DIR"
	mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs"
	export RUN_DIR
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# The prefix that runs a command as the postgres user when we are root
# (PostgreSQL refuses to run as root). setpriv execs, so a server started
# as "${AS_PG[@]}" postgres ... & has $! as its own PID. (A shell function
# started with & would run in a subshell, and $! would be that subshell.)
if [ "$(id -u)" -eq 0 ]; then
	AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --)
else
	AS_PG=()
fi

pg_init() {
	local bin; bin=$(pg_bin)
	PG_PORT=${PG_PORT:-$(free_port 55432)}
	mkdir -p "$RUN_DIR/pg" "$RUN_DIR/pgsock"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$RUN_DIR/pg" "$RUN_DIR/pgsock"
	"${AS_PG[@]}" "$bin/initdb" -D "$RUN_DIR/pg" -A trust -U postgres --no-sync -E UTF8 >"$RUN_DIR/logs/initdb.log" 2>&1 \
		|| die "initdb failed: see $RUN_DIR/logs/initdb.log"
	export PG_PORT
	export DATABASE_URL="postgresql://sentia@127.0.0.1:$PG_PORT/sentia"
}

pg_start() {
	local bin; bin=$(pg_bin)
	"${AS_PG[@]}" "$bin/postgres" -D "$RUN_DIR/pg" -p "$PG_PORT" -k "$RUN_DIR/pgsock" \
		-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
		-c full_page_writes=off -c max_connections=200 \
		>>"$RUN_DIR/logs/postgres.log" 2>&1 &
	echo $! >"$RUN_DIR/pids/postgres"
	wait_for "PostgreSQL" 30 "$bin/pg_isready" -q -U postgres -h 127.0.0.1 -p "$PG_PORT"
	# On a shared machine another suite may take the port between
	# free_port and the bind: the server answering must be this one.
	[ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atqc 'SHOW data_directory' 2>/dev/null)" = "$RUN_DIR/pg" ] \
		|| die "the PostgreSQL answering on port $PG_PORT is not ours (another took the port): see $RUN_DIR/logs/postgres.log"
}

pg_stop() {
	stop_pid postgres INT
}

pg_create_db() {
	psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 \
		-c "CREATE ROLE sentia LOGIN" -c "CREATE DATABASE sentia OWNER sentia" >/dev/null
}

redis_start() {
	REDIS_PORT=${REDIS_PORT:-$(free_port 56379)}
	mkdir -p "$RUN_DIR/redis"
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$RUN_DIR/redis" \
		--save "" --appendonly yes --daemonize no --protected-mode yes \
		--logfile "$RUN_DIR/logs/redis.log" &
	echo $! >"$RUN_DIR/pids/redis"
	export REDIS_PORT REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
	wait_for "Redis" 30 redis-cli -p "$REDIS_PORT" ping
}

redis_stop() {
	stop_pid redis TERM
}

# The user nginx workers run as, and so the group of sentia's socket.
web_user() { if [ "$(id -u)" -eq 0 ]; then echo www-data; else id -un; fi; }
web_group() { if [ "$(id -u)" -eq 0 ]; then echo www-data; else id -gn; fi; }

nginx_start() {
	HTTP_PORT=${HTTP_PORT:-$(free_port 8080)}
	STATUS_HTTP_PORT=${STATUS_HTTP_PORT:-$(free_port $((HTTP_PORT + 1)))}
	mkdir -p "$RUN_DIR/nginx-tmp"
	[ "$(id -u)" -eq 0 ] && chown "$(web_user)" "$RUN_DIR/nginx-tmp"
	sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
	    -e "s|@STATUS_HTTP_PORT@|$STATUS_HTTP_PORT|g" -e "s|@USER@|$(web_user)|g" \
	    -e "s|@GROUP@|$(web_group)|g" -e "s|@ACCESS_LOG@|${NGINX_ACCESS_LOG:-$RUN_DIR/logs/nginx-access.log}|g" \
	    -e "s|@MAX_BODY@|${NGINX_MAX_BODY:-512m}|g" \
	    "$SENTIA_TOP/httpd-conf/nginx/sentia-local.conf.in" >"$RUN_DIR/nginx.conf"
	nginx -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/logs/nginx-error.log" -g "daemon off;" \
		2>>"$RUN_DIR/logs/nginx-error.log" &
	echo $! >"$RUN_DIR/pids/nginx"
	export HTTP_PORT STATUS_HTTP_PORT BASE_URL="http://127.0.0.1:$HTTP_PORT" STATUS_URL="http://127.0.0.1:$STATUS_HTTP_PORT"
	wait_for "nginx" 30 curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/"
}

nginx_stop() {
	stop_pid nginx TERM
}

# api_start BUILD_DIR [EXTRA-ARGS...]: starts the pool on unix sockets in the
# run folder, with whatever API_* and other settings the environment holds.
api_start() {
	local dir=$1; shift
	rm -f "$RUN_DIR/api.sock" "$RUN_DIR/status.sock"
	"$dir/sentia-api" --listen "unix:$RUN_DIR/api.sock" --status-listen "unix:$RUN_DIR/status.sock" \
		--socket-group "$(web_group)" "$@" >>"$RUN_DIR/logs/api.log" 2>&1 &
	echo $! >"$RUN_DIR/pids/api"
	export API_PID=$!
	wait_for "sentia-api" 30 curl -sf -o /dev/null "${BASE_URL:-http://127.0.0.1:$HTTP_PORT}/health"
}

api_stop() {
	stop_pid api TERM
}

# worker_start BUILD_DIR [NAME]: starts a sentia-worker pool (a second one
# under another NAME stands for a second host), logging to logs/NAME.log.
worker_start() {
	local dir=$1 name=${2:-worker} log pid
	log=$RUN_DIR/logs/$name.log
	"$dir/sentia-worker" >>"$log" 2>&1 &
	pid=$!
	echo "$pid" >"$RUN_DIR/pids/$name"
	[ "$name" = worker ] && export WORKER_PID=$pid
	# Up once the master says so in its log.
	wait_for "sentia-worker" 30 grep -q "\"pid\":$pid,\"msg\":\"pool starting" "$log"
}

worker_stop() {
	stop_pid "${1:-worker}" TERM
}

# alive PID: the process runs (a zombie, exited but not yet reaped, does not).
alive() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) && [ -n "$st" ] && [[ $st != Z* ]]
}

# stop_pid NAME SIGNAL: signals the server whose PID is in pids/NAME, waits
# for it to exit (KILL after 30 s), and reaps it: it is this shell's child.
stop_pid() {
	local name=$1 sig=$2 pid
	[ -f "$RUN_DIR/pids/$name" ] || return 0
	pid=$(cat "$RUN_DIR/pids/$name")
	rm -f "$RUN_DIR/pids/$name"
	kill -"$sig" "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 300); do
		alive "$pid" || break
		sleep 0.1
	done
	alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
}

# wait_for WHAT SECONDS COMMAND...: retries COMMAND until it succeeds.
wait_for() {
	local what=$1 secs=$2; shift 2
	for _ in $(seq 1 $((secs * 10))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "$what did not come up within $secs s (logs: $RUN_DIR/logs)"
}

# env_start: PostgreSQL, Redis and nginx in a new run folder.
env_start() {
	[ -n "${RUN_DIR:-}" ] || run_dir_new
	pg_init
	pg_start
	pg_create_db
	redis_start
	nginx_start
}

# env_stop: everything env_start and api_start started, newest first.
env_stop() {
	[ -n "${RUN_DIR:-}" ] || return 0
	worker_stop worker2
	worker_stop
	api_stop
	nginx_stop
	stop_pid pgbouncer TERM
	redis_stop
	pg_stop
}

# The test tools from npm (tests/npm: @redocly/cli lints the OpenAPI
# document, ajv checks answers against it, playwright-core drives Debian's
# Chromium). Test tools only: nothing sentia runs needs Node.js. Installed
# with npm ci from the committed lock file, again only when the lock file
# changed since the last install. Returns non-zero (with the reason on
# stderr) when they cannot be had.
NPM_DIR=$SENTIA_TOP/tests/npm
npm_deps() {
	local stamp=$NPM_DIR/node_modules/.sentia-lock.sha256 want
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		printf 'error: node and npm are needed by the tests (Debian packages nodejs and npm)\n' >&2
		return 1
	fi
	if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
		printf 'error: node %s is too old for the test tools of tests/npm: 20.19 or later\n' "$(node --version)" >&2
		return 1
	fi
	want=$(sha256sum "$NPM_DIR/package-lock.json" | cut -d' ' -f1)
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
	say "npm ci in $NPM_DIR"
	(cd "$NPM_DIR" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >&2 || return 1
	echo "$want" >"$stamp"
}

# openapi_lint: Redocly's lint of openapi/openapi.json (the recommended
# rules made strict, tests/npm/redocly.yaml), with its telemetry and
# update check off: it reaches no network.
openapi_lint() {
	npm_deps || return 1
	(cd "$NPM_DIR" && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_SUPPRESS_NOTIFICATIONS=true \
		./node_modules/.bin/redocly lint --config redocly.yaml --format=stylish ../../openapi/openapi.json)
}
