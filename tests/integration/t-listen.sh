# shellcheck shell=bash
# The ways a pool gets its socket, and the unix socket's permissions.

# A pool started on the side, on its own socket, stopped by PID.
side_start() {
	"$@" >>"$RUN_DIR/logs/side.log" 2>&1 &
	SIDE_PID=$!
}
side_stop() {
	kill -TERM "$SIDE_PID" 2>/dev/null
	wait "$SIDE_PID" 2>/dev/null
}

test_listen_tcp() {
	local port; port=$(free_port 19100)
	side_start "$BUILD_DIR/sentia-api" --listen "127.0.0.1:$port"
	wait_until 10 bash -c "(exec 3<>/dev/tcp/127.0.0.1/$port)" 2>/dev/null
	fcgi GET /health "127.0.0.1:$port"
	eq "--listen HOST:PORT serves" 200 "$CODE"
	side_stop
}

test_listen_spawn_fcgi_fd0() {
	local port; port=$(free_port 19200)
	# spawn-fcgi -n opens the socket and execs sentia-api with it on fd 0.
	side_start spawn-fcgi -n -a 127.0.0.1 -p "$port" -- "$BUILD_DIR/sentia-api"
	wait_until 10 bash -c "(exec 3<>/dev/tcp/127.0.0.1/$port)" 2>/dev/null
	fcgi GET /api/status "127.0.0.1:$port"
	eq "a socket inherited on fd 0 serves" 200 "$CODE"
	side_stop
}

test_listen_systemd_socket() {
	local port; port=$(free_port 19300)
	# systemd-socket-activate passes the socket as fd 3 with LISTEN_FDS.
	side_start systemd-socket-activate -l "127.0.0.1:$port" "$BUILD_DIR/sentia-api"
	wait_until 10 bash -c "(exec 3<>/dev/tcp/127.0.0.1/$port)" 2>/dev/null
	fcgi GET /health "127.0.0.1:$port"
	eq "a socket from systemd (LISTEN_FDS) serves" 200 "$CODE"
	fcgi GET /health "127.0.0.1:$port"
	eq "and keeps serving" 200 "$CODE"
	side_stop
}

test_unix_socket_permissions() {
	eq "the pool's socket is mode 0660" 660 "$(stat -c %a "$RUN_DIR/api.sock")"
	eq "owned by the web server's group" "$(web_group)" "$(stat -c %G "$RUN_DIR/api.sock")"
	eq "the status socket too" 660 "$(stat -c %a "$RUN_DIR/status.sock")"
	# A second pool on a live socket is refused; the first keeps it.
	"$BUILD_DIR/sentia-api" --listen "unix:$RUN_DIR/api.sock" >"$RUN_DIR/second.log" 2>&1
	eq "a second pool on a live socket exits with an error" 1 "$?"
	check "saying the socket is in use" grep -q "in use by a running process" "$RUN_DIR/second.log"
	req GET "$BASE_URL/health"
	eq "the first pool still serves" 200 "$CODE"
	# A stale socket file (its process gone) is replaced.
	local sock=$RUN_DIR/stale.sock
	/usr/bin/python3 -c "import socket; s=socket.socket(socket.AF_UNIX); s.bind('$sock')"
	side_start "$BUILD_DIR/sentia-api" --listen "unix:$sock"
	wait_until 10 bash -c "fcgi_probe() { :; }; [ -S '$sock' ] && REQUEST_METHOD=GET REQUEST_URI=/health cgi-fcgi -bind -connect '$sock' | grep -q healthy"
	fcgi GET /health "$sock"
	eq "a stale socket file is replaced" 200 "$CODE"
	side_stop
	check "the socket is removed when the pool stops" test ! -e "$sock"
}

test_config_errors() {
	local out=$RUN_DIR/config.out rc
	API_MIN_INSTANCES=abc API_MAX_INSTANCES=0 LOG_LEVEL=loud APP_ENV=prod REDIS_URL=http://x \
		"$BUILD_DIR/sentia-api" --check-config >"$out" 2>&1
	rc=$?
	eq "a bad configuration stops the start with status 2" 2 "$rc"
	local v
	for v in API_MIN_INSTANCES API_MAX_INSTANCES LOG_LEVEL APP_ENV REDIS_URL; do
		eq "one line names $v" 1 "$(grep -c "configuration: $v:" "$out")"
	done
	eq "one line per problem, nothing else" 5 "$(grep -c '"level":"error"' "$out")"
	APP_ENV=production NODE_ENV=development "$BUILD_DIR/sentia-api" --check-config >"$out" 2>&1
	eq "APP_ENV and NODE_ENV disagreeing is refused" 2 "$?"
	env -u APP_ENV NODE_ENV=production "$BUILD_DIR/sentia-api" --check-config >"$out" 2>&1
	eq "NODE_ENV is accepted as APP_ENV's alias" 0 "$?"
	"$BUILD_DIR/sentia-api" --check-config >"$out" 2>&1
	eq "the suite's configuration checks out" 0 "$?"
	"$BUILD_DIR/sentia-api" --listen "unix:$RUN_DIR/x.sock" --bogus >"$out" 2>&1
	eq "an unknown option is refused" 2 "$?"
	env -u API_LISTEN "$BUILD_DIR/sentia-api" </dev/null >"$out" 2>&1
	eq "no socket at all is refused" 1 "$?"
	check "with a clear message" grep -q "no socket to listen on" "$out"
}

test_log_level() {
	local n
	export LOG_LEVEL=warn
	restart_api
	unset LOG_LEVEL; export LOG_LEVEL=info
	n=$(wc -l <"$RUN_DIR/logs/api.log")
	curl -s -H 'X-Request-Id: quiet-1' "$BASE_URL/health" >/dev/null
	curl -s -H 'X-Request-Id: loud-1' "$BASE_URL/nope" >/dev/null
	sleep 0.3
	eq "LOG_LEVEL=warn drops info lines" 0 "$(tail -n +"$((n + 1))" "$RUN_DIR/logs/api.log" | grep -c 'quiet-1')"
	restart_api
	check "every log line is JSON" bash -c "grep -v '^==' '$RUN_DIR/logs/api.log' | jq -e . >/dev/null"
}
