# shellcheck shell=bash
# Faults under a steady load of mixed reads and writes (loadmix.py, on
# loopback): responders killed again and again, PostgreSQL restarted,
# Redis stopped, PostgreSQL's connections exhausted, the worker service
# killed mid-import, PostgreSQL's disk full. Each test prints its figures
# as "# ..." lines. (A single SIGKILL under load, a worker killed mid-job
# and dependencies down without load are in t-pool.sh, t-worker.sh and
# t-deps.sh.)

LOADMIX=$SENTIA_TOP/tests/integration/loadmix.py

# mix_start SECONDS THREADS NAME [ARGS...]: the mixed load in the
# background; MIX_OUT is its record, MIX_PID its process.
mix_start() {
	MIX_OUT=$RUN_DIR/mix-$3.txt
	python3 "$LOADMIX" run "$BASE_URL" "$API_KEY" "$1" "$2" "$MIX_OUT" "${@:4}" &
	MIX_PID=$!
	wait_until 5 test -s "$MIX_OUT"
}
mix() { python3 "$LOADMIX" "$1" "$MIX_OUT" "${@:2}"; }
# mix_ms: now, in ms since the load started.
mix_ms() { echo $(( $(date +%s%3N) - $(cat "$MIX_OUT.t0") )); }

# The pool's responders, without the status socket's own.
pool_responders() {
	local inode pid
	inode=$(awk -v p="$RUN_DIR/status.sock" '$4 == "00010000" && $8 == p { print $7; exit }' /proc/net/unix)
	for pid in $(ps -o pid= --sort=start_time --ppid "$API_PID"); do
		[ -n "$inode" ] && holds_socket "$pid" "$inode" && continue
		echo "$pid"
	done
}
# holds_socket PID INODE: whether process PID has socket INODE open.
holds_socket() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "socket:[$2]" ] && return 0
	done
	return 1
}

# ids_in FILE: the ids in FILE as an SQL list.
ids_in() { paste -sd, "$1"; }

# all_jobs_succeeded IDS_FILE: every job named there has succeeded.
all_jobs_succeeded() {
	[ "$(sql "SELECT count(*) FROM jobs WHERE id IN ($(ids_in "$1")) AND status = 'succeeded'")" = "$(wc -l <"$1")" ]
}
# all_imports_completed IDS_FILE: every import named there is completed.
all_imports_completed() {
	[ "$(sql "SELECT count(*) FROM imports WHERE id IN ($(ids_in "$1")) AND status = 'completed'")" = "$(wc -l <"$1")" ]
}

# check_nothing_lost: every job and import the load saw accepted ends,
# exactly once; prints the figures.
check_nothing_lost() {
	local jobs=$RUN_DIR/accepted-jobs imports=$RUN_DIR/accepted-imports nj ni lost
	mix accepted job >"$jobs"
	mix accepted import >"$imports"
	nj=$(wc -l <"$jobs"); ni=$(wc -l <"$imports")
	check "the load had jobs accepted ($nj)" test "$nj" -gt 10
	check "and imports accepted ($ni)" test "$ni" -gt 2
	check "every accepted job succeeds" wait_until 60 all_jobs_succeeded "$jobs"
	check "every accepted import completes" wait_until 60 all_imports_completed "$imports"
	lost=$(( nj - $(sql "SELECT count(*) FROM jobs WHERE id IN ($(ids_in "$jobs")) AND status = 'succeeded'" || echo 0) ))
	lost=$(( lost + ni - $(sql "SELECT count(*) FROM imports WHERE id IN ($(ids_in "$imports")) AND status = 'completed'" || echo 0) ))
	printf '# accepted: %d jobs, %d imports; not finished (lost) a minute on: %d\n' "$nj" "$ni" "$lost"
	eq "each import loaded its one row exactly once" "$ni" \
		"$(sql "SELECT count(*) FROM channels WHERE import_id IN ($(ids_in "$imports"))")"
	eq "no job ran after it succeeded (each finished once)" 0 \
		"$(sql "SELECT count(*) FROM jobs WHERE id IN ($(ids_in "$jobs")) AND (finished_at IS NULL OR attempts < 1)")"
}

test_faults_responder_kills_under_load() {
	local kills=0 victim before failed reqs crashed0
	export API_MIN_INSTANCES=3 API_MAX_INSTANCES=3
	restart_api
	crashed0=$(metric 'sentia_responder_restarts_total{reason="crashed"}')
	mix_start 50 4 kills
	sleep 3
	# The oldest responder every four seconds: each has lived past the
	# crash-loop window, so the master replaces it at once.
	while [ $kills -lt 11 ]; do
		victim=$(pool_responders | head -n 1)
		kill -KILL "$victim" && kills=$((kills + 1))
		sleep 4
	done
	before=$(pool_total)
	wait "$MIX_PID"
	reqs=$(wc -l <"$MIX_OUT"); failed=$(mix failures | wc -l)
	printf '# %d SIGKILLs in 47 s under mixed load: %d requests, %d failed (%s per kill); %s\n' "$kills" "$reqs" "$failed" \
		"$(awk -v f="$failed" -v k="$kills" 'BEGIN { printf "%.2f", f / k }')" "$(mix summary)"
	check "the load ran" test "$reqs" -gt 500
	check "at most the request in flight on each killed responder failed ($failed for $kills kills)" test "$failed" -le "$kills"
	check "the pool was at its size through the kills ($before)" test "$before" -ge 2
	check "and is back at its size" wait_until 10 pool_is 3
	ge "every kill is counted as a crash" $((crashed0 + kills)) "$(metric 'sentia_responder_restarts_total{reason="crashed"}')"
	check_nothing_lost
	export API_MIN_INSTANCES=2 API_MAX_INSTANCES=6
	restart_api
}

# port_hold PORT: while a server is stopped, keeps its port taken by a
# stand-in that accepts each connection and closes it at once (as a
# server that is starting up would refuse it): on a shared machine another
# test suite looking for a free port would otherwise take it, and our
# clients would reach someone else's server. port_release ends it.
port_hold() {
	python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
while True:
    s.accept()[0].close()' "$1" &
	HOLD_PID=$!
	wait_until 5 bash -c "(exec 3<>/dev/tcp/127.0.0.1/$1)" 2>/dev/null
}
port_release() { kill -TERM "$HOLD_PID" 2>/dev/null; wait "$HOLD_PID" 2>/dev/null; }

all_alive() { local p; for p in "$@"; do alive "$p" || return 1; done; }

# outage_max_ms / outage_statuses FROM TO KINDS...: requests of those kinds started in
# the outage: how they were answered, and how long they took at most.
outage_max_ms() { mix select "$1" "$2" "${@:3}" | awk '{ d = $2 - $1; if (d > m) m = d } END { print m + 0 }'; }
outage_statuses() { mix select "$1" "$2" "${@:3}" | awk '{ print $3 }' | sort -u | paste -sd' '; }

# ready_after MS_LIMIT: ms until 10 /ready in a row answer 200 (or empty).
ready_after() {
	local t0; t0=$(date +%s%3N)
	wait_until "$1" all_ready 10 || return 1
	echo $(( $(date +%s%3N) - t0 ))
}

test_faults_postgresql_restart_under_load() {
	local before t_down t_up ready_ms rec crashed0 st
	# Not recycled, so that a responder gone means one that died.
	export DB_STATEMENT_TIMEOUT_MS=2000 DB_CONNECT_TIMEOUT_SECONDS=2 API_MAX_REQUESTS=0
	restart_api
	unset DB_STATEMENT_TIMEOUT_MS DB_CONNECT_TIMEOUT_SECONDS API_MAX_REQUESTS
	crashed0=$(metric 'sentia_responder_restarts_total{reason="crashed"}')
	before=$(pool_responders | sort)
	mix_start 30 4 pgrestart
	sleep 6
	t_down=$(mix_ms)
	pg_stop
	port_hold "$PG_PORT"
	sleep 6
	port_release
	pg_start
	t_up=$(mix_ms)
	ready_ms=$(ready_after 20)
	wait "$MIX_PID"
	rec=$(mix recovery "$t_up")
	printf '# PostgreSQL down %d ms under load; ready again %s ms after it was back; last failed request ended %d ms after; %s\n' \
		$((t_up - t_down)) "${ready_ms:-never}" "$rec" "$(mix summary)"
	printf '# during the outage: %s\n' "$(mix summary $((t_down + 500)) $((t_up - 2500)))"
	st=$(outage_statuses $((t_down + 500)) $((t_up - 2500)) imports_list data_sources job import job_get)
	eq "requests that need PostgreSQL fail with 503 during the outage" 503 "$st"
	check "fast: none took longer than the statement deadline ($(outage_max_ms $((t_down + 500)) $((t_up - 2500))) ms)" \
		test "$(outage_max_ms $((t_down + 500)) $((t_up - 2500)))" -lt 3500
	eq "/health answers 200 throughout" 200 "$(outage_statuses 0 999999999 health)"
	check "every responder is ready again within seconds (${ready_ms:-never} ms)" test -n "$ready_ms"
	check "requests succeed again within 5 s ($rec ms)" test "$rec" -le 5000
	# (The pool may have grown meanwhile: every responder was busy.)
	# shellcheck disable=SC2086 # one PID a word
	check "no responder died: every one from before still runs" all_alive $before
	eq "nothing crashed" "$crashed0" "$(metric 'sentia_responder_restarts_total{reason="crashed"}')"
	check_nothing_lost
	restart_api
}

test_faults_redis_stop_under_load() {
	local t_down t_up ready_ms crashed0 jobs_down st before
	API_MAX_REQUESTS=0 restart_api
	crashed0=$(metric 'sentia_responder_restarts_total{reason="crashed"}')
	before=$(pool_responders)
	mix_start 30 4 redis
	sleep 6
	t_down=$(mix_ms)
	redis_stop
	port_hold "$REDIS_PORT"
	sleep 8
	port_release
	redis_start
	t_up=$(mix_ms)
	ready_ms=$(ready_after 20)
	wait "$MIX_PID"
	printf '# Redis down %d ms under load; ready again %s ms after it was back; %s\n' \
		$((t_up - t_down)) "${ready_ms:-never}" "$(mix summary)"
	printf '# during the outage: %s\n' "$(mix summary $((t_down + 500)) $((t_up - 500)))"
	eq "reads that need no Redis answer 200 during the outage (rate limiting fails open)" 200 \
		"$(outage_statuses $((t_down + 500)) $((t_up - 500)) health imports_list data_sources job_get status)"
	st=$(outage_statuses $((t_down + 500)) $((t_up - 500)) job import)
	jobs_down=$(mix select $((t_down + 500)) $((t_up - 500)) job | grep -c ' 202 ' || true)
	printf '# enqueues during the outage: statuses %s, %d jobs kept for later\n' "$st" "$jobs_down"
	check "enqueues are kept for later (202) or refused with 503, nothing else ($st)" \
		bash -c "[[ '$st' =~ ^(202|503)( (202|503))*$ ]]"
	check "every responder is ready again within seconds (${ready_ms:-never} ms)" test -n "$ready_ms"
	# shellcheck disable=SC2086 # one PID a word
	check "no responder died: every one from before still runs" all_alive $before
	eq "nothing crashed" "$crashed0" "$(metric 'sentia_responder_restarts_total{reason="crashed"}')"
	check_nothing_lost

	# Failing closed, the limited routes refuse while Redis is away.
	export RATE_LIMIT_FAIL_MODE=closed REDIS_COMMAND_TIMEOUT_MS=300
	restart_api
	unset RATE_LIMIT_FAIL_MODE REDIS_COMMAND_TIMEOUT_MS
	redis_stop
	port_hold "$REDIS_PORT"
	req GET "$BASE_URL/api/imports?limit=1"
	expect_error 429 rate_limited
	check "saying the limiter is unavailable" grep -q "rate limiter is unavailable" "$BODY"
	req GET "$BASE_URL/health"
	eq "routes without a limit still answer" 200 "$CODE"
	port_release
	redis_start
	check "and the limited routes answer again once Redis is back" wait_until 10 \
		bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $API_KEY' '$BASE_URL/api/imports?limit=1')\" = 200 ]"
	restart_api
}

test_faults_postgresql_connections_exhausted() {
	local free hog t0 ms t_rel ready_ms script=$RUN_DIR/hog.sql
	printf 'SELECT pg_sleep(20);\n' >"$script"
	# The pool goes first, so that the slots its connections held are
	# taken too; a fresh pool then has none.
	api_stop
	# Every slot a role like sentia may take, taken by another client.
	free=$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atqc \
		"SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")
	pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U sentia -c "$free" -j 2 -t 1 -f "$script" sentia >"$RUN_DIR/logs/pgbench.log" 2>&1 &
	hog=$!
	check "another client holds every connection" wait_until 15 bash -c \
		"! psql '$DATABASE_URL' -Atqc 'SELECT 1' 2>&1 | grep -q '^1$'"
	api_start "$BUILD_DIR"
	t0=$(date +%s%3N)
	req GET "$BASE_URL/api/imports?limit=1"
	ms=$(( $(date +%s%3N) - t0 ))
	expect_error 503 database_unavailable
	check "at once ($ms ms)" test "$ms" -lt 3000
	check "with Retry-After" test -n "$(header Retry-After)"
	req GET "$BASE_URL/ready"
	eq "/ready says the database is unavailable" unavailable "$(jqb .checks.database)"
	req GET "$BASE_URL/health"
	eq "/health still answers" 200 "$CODE"
	check "the reason is logged" grep -q "too many clients\|remaining connection slots" "$RUN_DIR/logs/api.log"
	kill -TERM "$hog" 2>/dev/null; wait "$hog" 2>/dev/null
	psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atqc \
		"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'pgbench'" >/dev/null
	t_rel=$(date +%s%3N)
	ready_ms=$(ready_after 20)
	printf '# connections exhausted (%d taken): 503 in %d ms; ready %s ms after they were released\n' "$free" "$ms" "${ready_ms:-never}"
	check "it recovers within seconds once they are released (${ready_ms:-never} ms)" test -n "$ready_ms"
	req GET "$BASE_URL/api/imports?limit=1"
	eq "and serves" 200 "$CODE"
	: "$t_rel"
	restart_api
}

# big_sales_csv FILE ROWS TAG: a sales import of ROWS distinct rows.
big_sales_csv() {
	awk -v n="$2" -v tag="$3" 'BEGIN {
		print "date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref"
		for (i = 0; i < n; i++)
			printf "2003-%02d-%02d,WAT-1,Retail,%d,1,%d,0.5,%s%d\n", 1 + int(i / 28) % 12, 1 + i % 28, 1 + i % 9, 1 + i % 9, tag, i
	}' >"$1"
}

test_faults_worker_service_killed_mid_import() {
	local f ids=() id kids first last n
	seed_catalogue
	IMPORT_MAX_BYTES=64M restart_api
	f=$RUN_DIR/t-wkill.csv
	first=$(sql "SELECT coalesce(max(id), 0) FROM jobs")
	for n in 1 2 3; do
		big_sales_csv "$f" 150000 "WK$n-"
		upload sales wkill "$f"
		ids+=("$IMPORT_ID")
	done
	ctl queue enqueue diagnostic.fail --payload '{"fail_times":0,"sleep_ms":300}' --count 40 >/dev/null
	last=$(sql "SELECT max(id) FROM jobs")
	check "an import is being processed" wait_until 30 bash -c \
		"[ \"\$(psql '$DATABASE_URL' -Atqc \"SELECT count(*) FROM imports WHERE id IN ($(IFS=,; echo "${ids[*]}")) AND status = 'processing'\")\" -ge 1 ]"
	# The whole service at once: the master and every worker.
	kids=$(pgrep -P "$WORKER_PID")
	# shellcheck disable=SC2086 # one PID a word
	kill -KILL "$WORKER_PID" $kids
	wait "$WORKER_PID" 2>/dev/null
	rm -f "$RUN_DIR/pids/worker"
	printf '# worker service killed (master and %d workers) with imports %s\n' "$(wc -w <<<"$kids")" \
		"$(sql "SELECT string_agg(id || ' ' || status, ', ' ORDER BY id) FROM imports WHERE id IN ($(IFS=,; echo "${ids[*]}"))")"
	worker_start "$BUILD_DIR"
	for id in "${ids[@]}"; do
		wait_import "$id" 120
		eq "import $id completes after the service is killed" completed "$(jqb .status)"
		eq "its 150,000 rows loaded exactly once" 150000 "$(sql "SELECT count(*) FROM sales WHERE import_id = $id")"
	done
	check "every job ends" wait_until 60 bash -c \
		"[ \"\$(psql '$DATABASE_URL' -Atqc \"SELECT count(*) FROM jobs WHERE id > $first AND id <= $last AND status NOT IN ('succeeded', 'dead')\")\" = 0 ]"
	eq "every job succeeded, once each" "40|40" "$(sql "SELECT count(*) FILTER (WHERE status = 'succeeded'), count(DISTINCT id) FROM jobs WHERE id > $first AND id <= $last AND type = 'diagnostic.fail'")"
	printf '# jobs run more than once (cut short by the kill, then claimed again): %s; lost: %s\n' \
		"$(sql "SELECT count(*) FROM jobs WHERE id > $first AND id <= $last AND attempts > 1")" \
		"$(sql "SELECT count(*) FROM jobs WHERE id > $first AND id <= $last AND status <> 'succeeded'")"
	restart_api
}

# The disk PostgreSQL writes an import's rows to first (its temporary
# staging table): a small tmpfs, as the tablespace of sentia's temporary
# tables. (Its WAL stays on the data folder's disk, so PostgreSQL itself
# keeps running, as it does when a tablespace's disk fills.)
TINY_DIR=""
pg_super() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d sentia -v ON_ERROR_STOP=1 -Atq "$@"; }
disk_cleanup() {
	[ -n "$TINY_DIR" ] || return 0
	pg_super -c "ALTER ROLE sentia RESET temp_tablespaces" >/dev/null 2>&1
	# The workers' sessions hold temporary files there until they end.
	worker_stop
	pg_super -c "DROP TABLESPACE IF EXISTS tiny" >/dev/null 2>&1
	umount "$TINY_DIR" 2>/dev/null
	rmdir "$TINY_DIR" 2>/dev/null
	TINY_DIR=""
}

test_faults_disk_full() {
	local f id
	if [ "$(id -u)" -ne 0 ]; then
		pass "skipped: mounting a small disk needs root"
		return 0
	fi
	seed_catalogue
	IMPORT_MAX_BYTES=64M restart_api
	TINY_DIR=$RUN_DIR/tiny
	mkdir -p "$TINY_DIR"
	mount -t tmpfs -o size=4M,mode=700 tmpfs "$TINY_DIR" || { fail "a tmpfs can be mounted"; TINY_DIR=""; return 0; }
	trap 'disk_cleanup; env_stop' EXIT
	chown postgres: "$TINY_DIR"
	pg_super -c "CREATE TABLESPACE tiny LOCATION '$TINY_DIR'" -c "GRANT CREATE ON TABLESPACE tiny TO sentia" \
		-c "ALTER ROLE sentia SET temp_tablespaces = 'tiny'" >/dev/null
	# New sessions take the setting: new workers.
	worker_stop
	worker_start "$BUILD_DIR"
	f=$RUN_DIR/t-disk.csv
	big_sales_csv "$f" 300000 DF-
	upload sales diskfull "$f"
	eq "the import is accepted" 202 "$CODE"
	id=$IMPORT_ID
	wait_import "$id" 90
	eq "with the disk full it fails" failed "$(jqb .status)"
	printf '# the import'"'"'s error with the disk full: %s\n' "$(jqb .error)"
	check "with a clear error naming the disk" grep -qi "space\|disk" <<<"$(jqb .error)"
	eq "and no row of it is loaded" 0 "$(sql "SELECT count(*) FROM sales WHERE import_id = $id")"
	req GET "$BASE_URL/ready"
	eq "the service stays up and ready" 200 "$CODE"
	check "the workers live on" test "$(pgrep -P "$WORKER_PID" | wc -l)" -ge 1
	mount -o remount,size=256M "$TINY_DIR"
	upload sales diskfull "$f"
	id=$IMPORT_ID
	wait_import "$id" 90
	eq "with space back the same document imports" completed "$(jqb .status)"
	eq "every row, once" 300000 "$(sql "SELECT count(*) FROM sales WHERE import_id = $id")"
	disk_cleanup
	trap 'env_stop' EXIT
	check "the tablespace is gone again" test -z "$(sql "SELECT spcname FROM pg_tablespace WHERE spcname = 'tiny'")"
	check "and so is the mount" bash -c "! grep -q ' $RUN_DIR/tiny ' /proc/mounts"
	worker_start "$BUILD_DIR"
	restart_api
}
