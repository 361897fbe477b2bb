# shellcheck shell=bash
# sentia-worker against real Redis and PostgreSQL: retries, dead letters,
# a worker killed mid-job, Redis restarted, the scheduler, volume, growth.

# enqueue JSON: POST /api/jobs; sets CODE, BODY and JOB_ID.
enqueue() {
	req POST "$BASE_URL/api/jobs" -H 'Content-Type: application/json' --data-binary "$1"
	JOB_ID=$(jqb .id)
}
job_status() { psql "$DATABASE_URL" -Atqc "SELECT status FROM jobs WHERE id = $1"; }
job_is() { [ "$(job_status "$1")" = "$2" ]; }
ctl() { "$BUILD_DIR/sentiactl" "$@"; }

test_worker_retries_then_succeeds() {
	enqueue '{"type":"diagnostic.fail","payload":{"fail_times":2}}'
	eq "a job is queued: 202" 202 "$CODE"
	eq "Location names it" "/api/jobs/$JOB_ID" "$(header Location)"
	eq "the answer is the job's record" diagnostic.fail "$(jqb .type)"
	check "it succeeds in the end" wait_until 30 job_is "$JOB_ID" succeeded
	req GET "$BASE_URL/api/jobs/$JOB_ID"
	eq "after three runs" 3 "$(jqb .attempts)"
	eq "its result says which run" 3 "$(jqb .result.succeeded_on_run)"
	eq "the last failure is kept" "failed on purpose (run 2)" "$(jqb .last_error)"
	req POST "$BASE_URL/api/jobs" -H 'Content-Type: application/json' --data-binary '{"type":"import.process"}'
	expect_error 400 invalid_job_type
	req POST "$BASE_URL/api/jobs" -H 'Content-Type: application/json' --data-binary '{"type":'
	expect_error 400 invalid_body
	req POST "$BASE_URL/api/jobs" -H 'Content-Type: application/json' --data-binary '{"type":"diagnostic.noop","payload":[1]}'
	expect_error 400 invalid_body
	req GET "$BASE_URL/api/jobs/0"
	expect_error 400 invalid_id
	req GET "$BASE_URL/api/jobs/999999999"
	expect_error 404 not_found
}

test_worker_dead_letter_and_retry() {
	local out
	enqueue '{"type":"diagnostic.fail","payload":{"fail_times":3}}'
	check "a job that keeps failing is dead-lettered" wait_until 30 job_is "$JOB_ID" dead
	req GET "$BASE_URL/api/jobs/$JOB_ID"
	eq "after the queue's three attempts" 3 "$(jqb .attempts)"
	eq "with its error" "failed on purpose (run 3)" "$(jqb .last_error)"
	check "it is in the dead-letter stream" test "$(redis-cli -p "$REDIS_PORT" XLEN sentia:q:maintenance:dead)" -ge 1
	req GET "$BASE_URL/api/queues/status"
	eq "queue status 200" 200 "$CODE"
	ge "the status counts it as failed" 1 "$(jqb '.queues[] | select(.name == "maintenance") | .failed')"
	out=$(ctl queue inspect maintenance --dead)
	check "sentiactl queue inspect --dead lists it with its error" grep -q "^$JOB_ID .*dead .*failed on purpose (run 3)" <<<"$out"
	out=$(ctl queue retry "$JOB_ID")
	check "sentiactl queue retry brings it back" grep -q "job $JOB_ID queued again on maintenance" <<<"$out"
	check "and this time it succeeds (run 4)" wait_until 30 job_is "$JOB_ID" succeeded
	eq "its runs all count" 4 "$(psql "$DATABASE_URL" -Atqc "SELECT attempts FROM jobs WHERE id = $JOB_ID")"
	check "it left the dead-letter stream" bash -c "! redis-cli -p $REDIS_PORT XRANGE sentia:q:maintenance:dead - + | grep -qx '$JOB_ID'"
	out=$(ctl queue retry 999999999 2>&1)
	check "retrying a job that is not dead says so" grep -q "no dead job 999999999" <<<"$out"
}

test_worker_killed_mid_job() {
	local pid
	enqueue '{"type":"diagnostic.fail","payload":{"fail_times":0,"sleep_ms":3000}}'
	check "the job starts" wait_until 15 job_is "$JOB_ID" running
	pid=$(psql "$DATABASE_URL" -Atqc "SELECT split_part(worker, ':', 2) FROM jobs WHERE id = $JOB_ID")
	kill -KILL "$pid"
	check "another worker completes it after the visibility timeout" wait_until 30 job_is "$JOB_ID" succeeded
	req GET "$BASE_URL/api/jobs/$JOB_ID"
	eq "on its second run" 2 "$(jqb .attempts)"
	check "by another process" test "$(jqb .worker | cut -d: -f2)" != "$pid"
	check "the first run is recorded as cut short" grep -q "stopped before it finished" <<<"$(jqb .last_error)"
}

test_worker_time_limit() {
	worker_stop
	WORKER_JOB_TIME_LIMIT_SECONDS=1 worker_start "$BUILD_DIR"
	enqueue '{"type":"diagnostic.fail","payload":{"fail_times":0,"sleep_ms":4000}}'
	check "a job over its time limit is stopped each time, then dead-lettered" wait_until 60 job_is "$JOB_ID" dead
	eq "after three runs" 3 "$(psql "$DATABASE_URL" -Atqc "SELECT attempts FROM jobs WHERE id = $JOB_ID")"
	check "the error names the time limit" grep -q "1 s time limit" <<<"$(psql "$DATABASE_URL" -Atqc "SELECT last_error FROM jobs WHERE id = $JOB_ID")"
	check "the master logged the overrun" grep -q "past its deadline\|deadline" "$RUN_DIR/logs/worker.log"
	worker_stop
	worker_start "$BUILD_DIR"
}

test_worker_redis_restart() {
	local first last died
	first=$(psql "$DATABASE_URL" -Atqc "SELECT coalesce(max(id), 0) FROM jobs")
	ctl queue enqueue diagnostic.fail --payload '{"fail_times":0,"sleep_ms":20}' --count 200 >/dev/null
	died=$(grep -c '"msg":"worker died' "$RUN_DIR/logs/worker.log")
	redis_stop
	# While Redis is down the API still records jobs; they wait unpublished.
	for _ in $(seq 1 20); do enqueue '{"type":"diagnostic.noop"}'; done
	eq "jobs are accepted while Redis is down" 202 "$CODE"
	redis_start
	last=$(psql "$DATABASE_URL" -Atqc "SELECT max(id) FROM jobs")
	check "every job queued around the outage succeeds" wait_until 90 bash -c \
		"[ \"\$(psql '$DATABASE_URL' -Atqc \"SELECT count(*) FROM jobs WHERE id > $first AND id <= $last AND status <> 'succeeded'\")\" = 0 ]"
	eq "all 220 of them" 220 "$(psql "$DATABASE_URL" -Atqc "SELECT count(*) FROM jobs WHERE id > $first AND id <= $last AND status = 'succeeded'")"
	eq "no worker died over the outage: they reconnected by themselves" "$died" \
		"$(grep -c '"msg":"worker died' "$RUN_DIR/logs/worker.log")"
	req GET "$BASE_URL/api/queues/status"
	ge "workers are seen alive again" 2 "$(jqb '[.workers[] | select(.alive)] | length')"
}

test_worker_two_schedulers() {
	local holder holder2 minute
	worker_start "$BUILD_DIR" worker2
	sleep 3
	minute=$(( $(date +%s) / 60 ))
	holder=$(redis-cli -p "$REDIS_PORT" GET sentia:scheduler:lease)
	check "one worker holds the scheduler lease" test -n "$holder"
	eq "this minute's freshness check is queued once, with two pools running" 1 \
		"$(psql "$DATABASE_URL" -Atqc "SELECT count(*) FROM jobs WHERE type = 'maintenance.freshness-check' AND dedupe_key = 'periodic:freshness-check:$minute'")"
	eq "and today's purge once" 1 "$(psql "$DATABASE_URL" -Atqc "SELECT count(*) FROM jobs WHERE dedupe_key = 'periodic:retention-purge:$(( $(date +%s) / 86400 ))'")"
	check "the freshness check ran" wait_until 15 bash -c \
		"[ \"\$(psql '$DATABASE_URL' -Atqc \"SELECT count(*) FROM jobs WHERE dedupe_key LIKE 'periodic:freshness-check:%' AND status = 'succeeded'\")\" -ge 1 ]"
	# The holder dies: another worker takes the lease within its 2 s.
	kill -KILL "${holder##*:}"
	check "another worker takes the scheduler over" wait_until 10 bash -c \
		"h=\$(redis-cli -p $REDIS_PORT GET sentia:scheduler:lease); [ -n \"\$h\" ] && [ \"\$h\" != '$holder' ]"
	holder2=$(redis-cli -p "$REDIS_PORT" GET sentia:scheduler:lease)
	check "and says so in its log" grep -q "worker $holder2 holds the scheduler lease" "$RUN_DIR"/logs/worker*.log
	worker_stop worker2
}

test_worker_ten_thousand_jobs() {
	local first last t0 t1
	first=$(psql "$DATABASE_URL" -Atqc "SELECT coalesce(max(id), 0) FROM jobs")
	t0=$(date +%s)
	ctl queue enqueue diagnostic.noop --count 10000 >/dev/null
	eq "10,000 jobs queued" 10000 "$(psql "$DATABASE_URL" -Atqc "SELECT count(*) FROM jobs WHERE id > $first AND type = 'diagnostic.noop'")"
	check "all done by the workers" wait_until 240 bash -c \
		"[ \"\$(psql '$DATABASE_URL' -Atqc \"SELECT count(*) FROM jobs WHERE id > $first AND type = 'diagnostic.noop' AND status = 'succeeded'\")\" = 10000 ]"
	t1=$(date +%s)
	eq "each run exactly once" 10000 "$(psql "$DATABASE_URL" -Atqc "SELECT sum(attempts) FROM jobs WHERE id > $first AND type = 'diagnostic.noop'")"
	printf '#   10,000 no-op jobs through the workers in %d s\n' $((t1 - t0))
	eq "the stream is empty afterwards" 0 "$(redis-cli -p "$REDIS_PORT" XLEN sentia:q:maintenance)"
	warm_connections
	check "/metrics counts them" wait_until 15 metric_at_least \
		'sentia_jobs_total{queue="maintenance",type="diagnostic.noop",outcome="succeeded"}' 10000
	curl -s "$STATUS_URL/metrics" -o "$RUN_DIR/metrics-queues.txt"
	check "sentia_queue_jobs for every queue and state" test "$(grep -c '^sentia_queue_jobs{' "$RUN_DIR/metrics-queues.txt")" -eq 16
	check "a job duration histogram" grep -q '^sentia_job_duration_seconds_count{queue="maintenance"}' "$RUN_DIR/metrics-queues.txt"
}

test_worker_pool_grows_with_the_queue() {
	local peak=0 n
	worker_stop
	WORKER_SCALE_QUEUE_DEPTH=20 worker_start "$BUILD_DIR"
	ctl queue enqueue diagnostic.fail --payload '{"fail_times":0,"sleep_ms":30}' --count 400 >/dev/null
	for _ in $(seq 1 100); do
		n=$(pgrep -P "$WORKER_PID" | wc -l)
		[ "$n" -gt "$peak" ] && peak=$n
		[ "$peak" -ge 4 ] && break
		sleep 0.2
	done
	eq "the worker pool grew to its maximum while jobs waited" 4 "$peak"
	check "and shrinks back when they are done" wait_until 60 bash -c "[ \$(pgrep -P $WORKER_PID | wc -l) -le 2 ]"
	worker_stop
	worker_start "$BUILD_DIR"
}
