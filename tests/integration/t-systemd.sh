# shellcheck shell=bash
# systemd: socket activation with a named status socket, readiness and
# reload notifications (sd_notify, spoken without libsystemd), and the
# shipped units checked by systemd-analyze verify.

# notify_listen SOCKET OUTFILE: a stand-in for systemd's notification
# socket, as this shell's child; its PID in NOTIFY_LISTENER.
notify_listen() {
	/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/notify-listen.py" "$1" >"$2" 2>>"$RUN_DIR/logs/notify.log" &
	NOTIFY_LISTENER=$!
	if [[ $1 == @* ]]; then
		wait_until 5 grep -q "${1#@}" /proc/net/unix
	else
		wait_until 5 test -S "$1"
	fi
}
notify_listen_stop() {
	kill -TERM "$NOTIFY_LISTENER" 2>/dev/null
	wait "$NOTIFY_LISTENER" 2>/dev/null
}
# fcgi_ok SOCKET: one /health over FastCGI answers 200.
fcgi_ok() { fcgi GET /health "$1" && [ "$CODE" = 200 ]; }

test_systemd_socket_activation_notify() {
	local out=$RUN_DIR/notify.out main=$RUN_DIR/sa-api.sock status=$RUN_DIR/sa-status.sock pid
	notify_listen "@sentia-test-$$" "$out"
	rm -f "$main" "$status"
	# As systemd would start sentia-api.service from its two sockets:
	# LISTEN_FDS=2, LISTEN_FDNAMES=main:status, NOTIFY_SOCKET. The tool
	# passes on only the variables named with -E.
	NOTIFY_SOCKET="@sentia-test-$$" systemd-socket-activate -E NOTIFY_SOCKET -E DATABASE_URL -E REDIS_URL -E APP_ENV \
		-l "$main" -l "$status" --fdname=main:status "$BUILD_DIR/sentia-api" >>"$RUN_DIR/logs/side.log" 2>&1 &
	pid=$!
	wait_until 10 test -S "$status"
	# systemd-socket-activate starts the program on the first connection.
	check "the main socket from systemd serves" wait_until 10 fcgi_ok "$main"
	check "the socket named status serves too" wait_until 10 fcgi_ok "$status"
	check "READY=1 is sent once responders accept" wait_until 10 grep -q "^READY=1 MAINPID=$pid " "$out"
	eq "READY=1 names the master as MAINPID, once" 1 "$(grep -c "MAINPID=$pid" "$out")"
	kill -HUP "$pid"
	check "SIGHUP sends RELOADING=1 with MONOTONIC_USEC" wait_until 10 grep -qE "^RELOADING=1 MONOTONIC_USEC=[0-9]+ " "$out"
	check "then READY=1 once every responder is replaced" wait_until 20 grep -q "^READY=1 STATUS=configuration reloaded" "$out"
	check "and the pool serves after the reload" fcgi_ok "$main"
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	check "SIGTERM sends STOPPING=1" grep -q "^STOPPING=1" "$out"
	eq "in order: ready, reloading, ready, stopping" "READY RELOADING READY STOPPING" \
		"$(sed -E 's/^([A-Z]+)=.*/\1/' "$out" | tr '\n' ' ' | sed 's/ $//')"
	notify_listen_stop
}

test_systemd_notify_worker_and_bad_socket() {
	local out=$RUN_DIR/notify-worker.out sock=$RUN_DIR/notify.sock pid
	notify_listen "$sock" "$out"
	NOTIFY_SOCKET=$sock "$BUILD_DIR/sentia-worker" >>"$RUN_DIR/logs/side.log" 2>&1 &
	pid=$!
	check "sentia-worker sends READY=1 on a path socket too" wait_until 15 grep -q "^READY=1 MAINPID=$pid " "$out"
	kill -TERM "$pid"; wait "$pid" 2>/dev/null
	check "and STOPPING=1 when it stops" grep -q "^STOPPING=1" "$out"
	notify_listen_stop
	# No one listening on the socket: the pool runs all the same.
	rm -f "$sock"
	NOTIFY_SOCKET=$sock "$BUILD_DIR/sentia-api" --listen "unix:$RUN_DIR/nolistener.sock" >>"$RUN_DIR/logs/side.log" 2>&1 &
	pid=$!
	check "with no service manager listening, the pool still serves" wait_until 10 fcgi_ok "$RUN_DIR/nolistener.sock"
	kill -TERM "$pid"; wait "$pid" 2>/dev/null
}
