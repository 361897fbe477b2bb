# shellcheck shell=bash
# sentia behind PgBouncer in transaction mode (DATABASE_POOLER), on
# loopback in front of the suite's PostgreSQL: the configuration rule, the
# role's statement timeout, a pool and a worker through it under load,
# imports with a worker killed mid-way, and the advisory locks held on the
# direct connection (DATABASE_URL_DIRECT), never left behind.

# pgb_admin COMMAND: a command on PgBouncer's admin console.
pgb_admin() { psql -h 127.0.0.1 -p "$PGB_PORT" -U postgres -Atq -F ' ' -c "$1" pgbouncer; }
# advisory_locks: the advisory locks held now, "application_name classid objid" a line.
advisory_locks() {
	psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atq -F ' ' sentia -c \
		"SELECT a.application_name, l.classid, l.objid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		 WHERE l.locktype = 'advisory' AND l.granted"
}
no_advisory_locks() { [ -z "$(advisory_locks)" ]; }
# import_lock_held_by APP ID: the import's lock (locks.h: "SE" << 48 |
# class 2 << 40 | id; pg_locks splits it in two 32-bit halves) is held by
# a connection named APP.
import_lock_held_by() {
	advisory_locks | grep -qx "$1 $(( (0x5345 << 16) | (2 << 8) )) $2"
}
# pooled COMMAND...: COMMAND with sentia's settings pointing at PgBouncer.
pooled() {
	env DATABASE_URL="postgresql://sentia@127.0.0.1:$PGB_PORT/sentia" DATABASE_POOLER=pgbouncer-transaction \
		DATABASE_URL_DIRECT="$DATABASE_URL" "$@"
}
# restart_pooled: the suite's pool and worker, through PgBouncer (with
# whatever else the caller's environment sets).
restart_pooled() {
	local direct=$DATABASE_URL pgb="postgresql://sentia@127.0.0.1:$PGB_PORT/sentia"
	api_stop
	worker_stop
	DATABASE_URL=$pgb DATABASE_POOLER=pgbouncer-transaction DATABASE_URL_DIRECT=$direct api_start "$BUILD_DIR"
	DATABASE_URL=$pgb DATABASE_POOLER=pgbouncer-transaction DATABASE_URL_DIRECT=$direct worker_start "$BUILD_DIR"
}

test_pgbouncer_transaction_mode() {
	local out rc url n id pid lines
	PGB_PORT=$(free_port 46432)
	# Four server connections for up to six responders and four workers:
	# their transactions share them, as they would in production.
	pgbouncer_start "$RUN_DIR/pgbouncer" 127.0.0.1 "$PGB_PORT" 127.0.0.1 "$PG_PORT" 4
	echo "$PGB_PID" >"$RUN_DIR/pids/pgbouncer"
	url="postgresql://sentia@127.0.0.1:$PGB_PORT/sentia"

	# The pooler without a direct connection is refused, by every program.
	out=$(DATABASE_URL=$url DATABASE_POOLER=pgbouncer-transaction "$BUILD_DIR/sentiactl" check-config 2>&1); rc=$?
	eq "DATABASE_POOLER=pgbouncer-transaction without DATABASE_URL_DIRECT: check-config says no" 2 "$rc"
	check "naming DATABASE_URL_DIRECT" grep -q "DATABASE_URL_DIRECT: must be set" <<<"$out"
	out=$(DATABASE_URL=$url DATABASE_POOLER=pgbouncer-transaction timeout 10 "$BUILD_DIR/sentia-api" \
		--listen "unix:$RUN_DIR/refused.sock" 2>&1); rc=$?
	check "sentia-api refuses to start" test "$rc" -ne 0 -a "$rc" -ne 124
	check "and says why" grep -q "DATABASE_URL_DIRECT" <<<"$out"
	out=$(DATABASE_URL=$url DATABASE_POOLER=pgbouncer-transaction timeout 10 "$BUILD_DIR/sentia-worker" 2>&1); rc=$?
	check "so does sentia-worker" test "$rc" -ne 0 -a "$rc" -ne 124
	# Without the switch, libpq's startup options meet PgBouncer's refusal.
	DATABASE_URL=$url "$BUILD_DIR/sentiactl" queue status >/dev/null 2>&1
	check "without DATABASE_POOLER, PgBouncer refuses sentia's startup options" \
		grep -q "unsupported startup parameter: options" "$RUN_DIR/pgbouncer/pgbouncer.log"

	# Behind the pooler the statement timeout is the role's: a pool whose
	# DB_STATEMENT_TIMEOUT_MS differs from it says so.
	psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "ALTER ROLE sentia SET statement_timeout = '5s'"
	lines=$(wc -l <"$RUN_DIR/logs/api.log")
	DB_STATEMENT_TIMEOUT_MS=4000 restart_pooled
	req GET "$BASE_URL/ready"
	eq "a pool and a worker start through PgBouncer: /ready" 200 "$CODE"
	check "the pool warns that the role's statement_timeout is not its own" wait_until 5 bash -c \
		"tail -n +$((lines + 1)) '$RUN_DIR/logs/api.log' | grep -q 'statement_timeout is 5000 ms here, not DB_STATEMENT_TIMEOUT_MS (4000)'"
	lines=$(wc -l <"$RUN_DIR/logs/api.log")
	IMPORT_MAX_BYTES=64M restart_pooled
	for _ in 1 2 3 4; do curl -s -o /dev/null "$BASE_URL/ready"; done
	check "with the role's timeout equal to DB_STATEMENT_TIMEOUT_MS, no warning" bash -c \
		"! tail -n +$((lines + 1)) '$RUN_DIR/logs/api.log' | grep -q 'not DB_STATEMENT_TIMEOUT_MS'"

	req GET "$BASE_URL/ready"
	eq "/ready through PgBouncer" 200 "$CODE"
	check "the pool's connections are PgBouncer's clients" grep -q "sentia-api" <<<"$(pgb_admin "SHOW CLIENTS")"
	check "and the worker's" grep -q "sentia-worker" <<<"$(pgb_admin "SHOW CLIENTS")"

	# Load: many responders' statements interleaved on four server connections.
	wrk -t 2 -c 16 -d 5s --timeout 10s -H "Authorization: Bearer $API_KEY" "$BASE_URL/api/imports?limit=5" \
		>"$RUN_DIR/wrk-pgbouncer.txt" 2>&1
	eq "5 s of reads at 16 connections through PgBouncer: no error" 0 "$(load_errors "$RUN_DIR/wrk-pgbouncer.txt")"
	n=$(load_requests "$RUN_DIR/wrk-pgbouncer.txt")
	ge "some thousands of them" 1000 "$n"
	printf '#   %s requests in 5 s through nginx, sentia and PgBouncer (4 server connections)\n' "$n"

	# Imports: accepted by the pooled pool, processed by the pooled worker.
	seed_catalogue
	eq "the catalogue imports through PgBouncer" completed "$(jqb .status)"
	out=$(csv pgb 'date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref\n2024-05-01,WAT-1,Retail,3,0.9,2.70,0.60,PGB1\n2024-05-01,COL-1,Online,2,1.2,2.40,0.70,PGB2\n')
	upload sales pgb "$out"
	wait_import "$IMPORT_ID"
	eq "a sales import completes" "completed 2" "$(jqb '"\(.status) \(.rows.loaded)"')"
	req GET "$BASE_URL/api/data-sources"
	check "its source is fresh" test "$(jqb '.data_sources[] | select(.name == "pgb") | .last_success_at')" != null

	# A larger import, its worker killed mid-way: the lock is on the
	# worker's direct connection, dies with it, and another worker finishes.
	out=$RUN_DIR/t-pgb-big.csv
	awk 'BEGIN {
		print "date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref"
		for (i = 0; i < 300000; i++)
			printf "%04d-%02d-%02d,WAT-1,Retail,%d,1.5,%.2f,0.5,PGB%d\n", 1990 + int(i / 9000), 1 + int(i / 750) % 12, 1 + int(i / 25) % 28, 1 + i % 50, (1 + i % 50) * 1.5, i
	}' >"$out"
	n=$(sql "SELECT count(*) FROM sales")
	upload sales pgb-big "$out"
	id=$IMPORT_ID
	check "the import is taken up" wait_until 30 bash -c "[ \"\$(psql '$DATABASE_URL' -Atqc 'SELECT status FROM imports WHERE id = $id')\" = processing ]"
	check "its lock is held on the worker's direct connection (sentia-worker-locks), not through PgBouncer" \
		wait_until 5 import_lock_held_by sentia-worker-locks "$id"
	pid=$(sql "SELECT split_part(worker, ':', 2) FROM imports WHERE id = $id")
	kill -KILL "$pid"
	check "the killed worker is replaced" wait_until 10 grep -q "\"pid\":$pid,.*\"signal\":\"Killed\"" "$RUN_DIR/logs/worker.log"
	wait_import "$id" 120
	eq "the import completes after the crash" "completed 300000" "$(jqb '"\(.status) \(.rows.loaded)"')"
	ge "in more than one attempt" 2 "$(jqb .attempts)"
	eq "exactly 300,000 rows more" "$((n + 300000))" "$(sql "SELECT count(*) FROM sales")"

	# Jobs and operator verbs through the pooler.
	req POST "$BASE_URL/api/jobs" -H 'Content-Type: application/json' --data-binary '{"type":"diagnostic.noop"}'
	id=$(jqb .id)
	check "a job runs through PgBouncer" wait_until 20 bash -c "[ \"\$(psql '$DATABASE_URL' -Atqc 'SELECT status FROM jobs WHERE id = $id')\" = succeeded ]"
	out=$(pooled "$BUILD_DIR/sentiactl" migrate up 2>&1)
	check "sentiactl migrate runs on DATABASE_URL_DIRECT" grep -q "up to date" <<<"$out"
	out=$(pooled "$BUILD_DIR/sentiactl" queue status 2>&1)
	check "sentiactl queue status through PgBouncer" grep -q "^imports " <<<"$out"
	check "once idle, no advisory lock is left held anywhere" wait_until 15 no_advisory_locks

	# Back to the suite's own pool and worker, straight to PostgreSQL.
	psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "ALTER ROLE sentia RESET statement_timeout"
	worker_stop
	api_stop
	stop_pid pgbouncer TERM
}

