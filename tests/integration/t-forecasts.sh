# shellcheck shell=bash
# Demand forecasts over HTTP: runs of one SKU, several and all, their
# progress, results and the documented answers to bad requests, the
# Idempotency-Key, cancelling, the latest forecast of a SKU, accuracy
# (back-tested and against actuals that arrive later), the weekly and
# daily frequencies, and the success-rate metrics and SLO.

# fc_post BODY [CURL-ARGS...]: POSTs a forecast request; sets CODE, BODY,
# HEAD and RUN_ID.
fc_post() {
	local doc=$1; shift
	req POST "$BASE_URL/api/forecasts" -H 'Content-Type: application/json' --data-binary "$doc" "$@"
	RUN_ID=$(jqb .id)
}
# fc_status ID: a run's status now.
fc_status() { acurl -s --max-time 10 "$BASE_URL/api/forecasts/jobs/$1" | jq -r .status; }
fc_finished() {
	case $(fc_status "$1") in succeeded | failed | rejected | cancelled) return 0 ;; esac
	return 1
}
fc_is() { [ "$(fc_status "$1")" = "$2" ]; }
# fc_wait ID [SECONDS]: waits for the run to end, then GETs it.
fc_wait() {
	wait_until "${2:-60}" fc_finished "$1" || fail "forecast run $1 ended within ${2:-60} s" "status: $(fc_status "$1")"
	req GET "$BASE_URL/api/forecasts/jobs/$1"
}
# fc_runs: how many runs there are.
fc_runs() { sql "SELECT count(*) FROM forecast_runs"; }
# fc_job_ended JOB: the queue's job has ended, whatever its outcome.
fc_job_ended() {
	case $(acurl -s --max-time 10 "$BASE_URL/api/jobs/$1" | jq -r .status) in succeeded | failed | dead | cancelled) return 0 ;; esac
	return 1
}
# fc_metric_is NAME VALUE: one sample of /metrics is VALUE (a predicate for wait_until).
fc_metric_is() { [ "$(metric "$1")" = "$2" ]; }
# fc_near A B [TOLERANCE]: two numbers differ by no more than TOLERANCE (0.01).
fc_near() { awk -v a="$1" -v b="$2" -v t="${3:-0.01}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'; }
# fc_slo: the "forecast success rate" line of sentiactl slo.
fc_slo() { "$BUILD_DIR/sentiactl" slo 2>&1 | grep -E '^forecast success rate'; }
# fc_monday DATE: the Monday of DATE's ISO week.
fc_monday() { date -d "$1 -$(($(date -d "$1" +%u) - 1)) days" +%F; }
# fc_next FREQUENCY DATE: the start of the period after the one holding DATE.
fc_next() {
	case $1 in
	month) date -d "$(date -d "$2" +%Y-%m-01) +1 month" +%F ;;
	week) date -d "$(fc_monday "$2") +7 days" +%F ;;
	day) date -d "$2 +1 day" +%F ;;
	esac
}
# fc_consecutive FREQUENCY DATE...: each date starts the period after the one before.
fc_consecutive() {
	[ $# -ge 2 ] || return 1
	local f=$1 prev=$2 d; shift 2
	for d in "$@"; do
		[ "$(fc_next "$f" "$prev")" = "$d" ] || return 1
		prev=$d
	done
}
# fc_all_mondays DATE...
fc_all_mondays() {
	local d
	[ $# -gt 0 ] || return 1
	for d in "$@"; do [ "$(date -d "$d" +%u)" = 1 ] || return 1; done
}

# Monthly history, newest sale 2025-12-31 so that December 2025 is the
# last complete month everywhere:
#   WAT-1 36 months, 2023-01 .. 2025-12, one sale on the 15th: a trend
#         (5 a month) on a summer season (June-August the highest), plus
#         5 more on 2025-12-31.
#   COL-1 36 months, 2023-01 .. 2025-12 on the 10th: a trend, no season.
#   TEA-1 two months, 2025-11 and 2025-12: too little history.
fc_monthly_fixture() {
	local f=$RUN_DIR/t-fc-monthly.csv
	sql "TRUNCATE sales, forecasts, forecast_runs" >/dev/null
	seed_catalogue
	awk 'BEGIN {
		print "date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref"
		split("0 10 30 60 100 140 160 150 100 50 20 10", s, " ")
		for (i = 0; i < 36; i++) {
			y = 2023 + int(i / 12); m = 1 + i % 12
			q = 100 + 5 * i + s[m]
			printf "%04d-%02d-15,WAT-1,Retail,%d,0.9,%.2f,%.2f,FW%d\n", y, m, q, q * 0.9, q * 0.2, i
			q = 300 + 3 * i + 7 * (i % 3)
			printf "%04d-%02d-10,COL-1,Online,%d,1.2,%.2f,%.2f,FC%d\n", y, m, q, q * 1.2, q * 0.35, i
		}
		print "2025-11-05,TEA-1,Retail,40,1.4,56.00,16.00,FT1"
		print "2025-12-05,TEA-1,Retail,45,1.4,63.00,18.00,FT2"
		print "2025-12-31,WAT-1,Retail,5,0.9,4.50,1.00,FWEND"
	}' >"$f"
	upload sales fc "$f"; wait_import "$IMPORT_ID"
	eq "monthly sales history imported" "completed 75" "$(jqb '"\(.status) \(.rows.loaded)"')"
}

# Daily history of WAT-1, COL-1 and TEA-1, every day from 2023-01-01 (a
# Sunday) to 2025-12-31 (a Wednesday): 1096 days. Weeks run Monday to
# Sunday, so the first week is that of 2022-12-26 and the last complete
# one that of 2025-12-22 (the week of 2025-12-29 ends 2026-01-04): 157
# weeks.
fc_daily_fixture() {
	local f=$RUN_DIR/t-fc-daily.csv
	sql "TRUNCATE sales, forecasts, forecast_runs" >/dev/null
	seed_catalogue
	{
		echo "date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref"
		seq 0 1095 | sed 's/.*/2023-01-01 + & days/' | date -f - '+%F %u %m' | awk '{
			split($1, ymd, "-"); dow = $2; m = $3 + 0; i = NR - 1
			season = (m >= 6 && m <= 8) ? 15 : (m == 12 || m <= 2) ? 0 : 6
			w = 20 + season + (dow >= 5 ? 12 : 0) + int(i / 100) + (i * 7) % 5
			c = 30 + (dow == 6 ? 8 : 0) + (i * 3) % 7
			t = 5 + (dow == 7 ? 4 : 0) + i % 3
			printf "%s,WAT-1,Retail,%d,0.9,%.2f,%.2f,D\n", $1, w, w * 0.9, w * 0.2
			printf "%s,COL-1,Online,%d,1.2,%.2f,%.2f,D\n", $1, c, c * 1.2, c * 0.35
			printf "%s,TEA-1,Retail,%d,1.4,%.2f,%.2f,D\n", $1, t, t * 1.4, t * 0.4
		}'
	} >"$f"
	upload sales fc "$f"; wait_import "$IMPORT_ID" 60
	eq "daily sales history imported" "completed 3288" "$(jqb '"\(.status) \(.rows.loaded)"')"
}

test_forecast_happy_path() {
	local id job points
	fc_monthly_fixture
	fc_post '{"sku":"WAT-1","horizon":6,"frequency":"month"}'
	eq "POST: 202" 202 "$CODE"
	id=$RUN_ID
	check "the run has a positive id" grep -qE '^[1-9][0-9]*$' <<<"$id"
	eq "Location names the run" "/api/forecasts/jobs/$id" "$(header Location)"
	check "the new run is queued (or already taken up)" grep -qxE 'queued|running|succeeded' <<<"$(jqb .status)"
	eq "the request as understood, method defaulting to auto" '["WAT-1"] 6 month auto' \
		"$(jqb '"\(.request.skus | tojson) \(.request.horizon) \(.request.frequency) \(.request.method)"')"
	eq "one SKU to do" 1 "$(jqb .progress.skus_total)"
	eq "no error" null "$(jqb .error)"
	check "created_at is set" test "$(jqb .created_at)" != null
	job=$(jqb .queue_job_id)
	req GET "$BASE_URL/api/jobs/$job"
	eq "its queue job: forecast.run on the forecasts queue" "200 forecasts forecast.run" "$CODE $(jqb '"\(.queue) \(.type)"')"

	fc_wait "$id"
	eq "GET the run: 200" 200 "$CODE"
	eq "the run succeeds" succeeded "$(jqb .status)"
	eq "the run's id" "$id" "$(jqb .id)"
	eq "progress at the end: total done failed percent" "1 1 0 100" \
		"$(jqb '.progress | "\(.skus_total) \(.skus_done) \(.skus_failed) \(.percent)"')"
	eq "started_at and finished_at are set, no error" "true null" "$(jqb '"\(.started_at != null and .finished_at != null) \(.error)"')"

	req GET "$BASE_URL/api/forecasts/jobs/$id/results"
	eq "results: 200" 200 "$CODE"
	eq "results: of this run, one SKU" "$id 1 WAT-1" "$(jqb '"\(.run_id) \(.results | length) \(.results[0].sku)"')"
	eq "status, error, method asked, frequency, horizon" "ok null auto month 6" \
		"$(jqb '.results[0] | "\(.status) \(.error) \(.method) \(.frequency) \(.horizon)"')"
	check "the model used is named" test -n "$(jqb '.results[0].model | strings')"
	eq "history: 36 months from January 2023" "36 2023-01" "$(jqb '.results[0].history | "\(.periods) \(.start[0:7])"')"
	eq "six points, the month starts of January to June 2026" \
		"2026-01-01 2026-02-01 2026-03-01 2026-04-01 2026-05-01 2026-06-01" "$(jqb '[.results[0].points[].period] | join(" ")')"
	eq "the first period is the one after history.end" "$(fc_next month "$(jqb .results[0].history.end)")" \
		"$(jqb '.results[0].points[0].period')"
	eq "every point: 0 <= forecast, lo95 <= lo80 <= forecast <= hi80 <= hi95" true \
		"$(jqb '[.results[0].points[] | .forecast >= 0 and .lo95 <= .lo80 and .lo80 <= .forecast and .forecast <= .hi80 and .hi80 <= .hi95] | length == 6 and all')"
	eq "the intervals have a width" true "$(jqb '[.results[0].points[] | .hi95 > .lo95] | all')"
	eq "the forecast follows the season: June above January" true "$(jqb '.results[0].points | .[5].forecast > .[0].forecast')"
	eq "back-test accuracy: every measure" "mae,mape,mase,origins,rmse,smape" "$(jqb '.results[0].accuracy | keys | join(",")')"
	eq "back-test MASE, sMAPE and MAE are numbers" "number number number" \
		"$(jqb '.results[0].accuracy | "\(.mase | type) \(.smape | type) \(.mae | type)"')"
	ge "back-tested from at least one origin" 1 "$(jqb '.results[0].accuracy.origins')"
	points=$(jqb '.results[0].points | tojson')

	req GET "$BASE_URL/api/forecasts?sku=WAT-1"
	eq "the latest forecast of WAT-1: 200" 200 "$CODE"
	eq "it is this run's" "WAT-1 $id ok" "$(jqb '"\(.sku) \(.run_id) \(.status)"')"
	eq "with the same points" "$points" "$(jqb '.points | tojson')"
	check "and created_at" test "$(jqb '.created_at | strings')" != ""
	req GET "$BASE_URL/api/forecasts"
	eq "every SKU's latest: 200" 200 "$CODE"
	eq "every SKU's latest: only WAT-1 has one, from this run" "WAT-1:$id" "$(jqb '[.forecasts[] | "\(.sku):\(.run_id)"] | join(" ")')"
}

test_forecast_several_skus_and_too_little_history() {
	local id s seen=()
	fc_monthly_fixture
	fc_post '{"skus":["WAT-1","COL-1","TEA-1"],"horizon":3,"frequency":"month"}'
	eq "three SKUs: 202" 202 "$CODE"
	id=$RUN_ID
	eq "the request names the three" "COL-1 TEA-1 WAT-1" "$(jqb '.request.skus | sort | join(" ")')"
	eq "three SKUs to do" 3 "$(jqb .progress.skus_total)"
	fc_wait "$id"
	eq "some forecast, one not: the run succeeds" succeeded "$(jqb .status)"
	eq "progress: 3 total, 3 done, 1 failed, 100 %" "3 3 1 100" \
		"$(jqb '.progress | "\(.skus_total) \(.skus_done) \(.skus_failed) \(.percent)"')"
	req GET "$BASE_URL/api/forecasts/jobs/$id/results"
	eq "each SKU's outcome" "COL-1:ok TEA-1:failed WAT-1:ok" "$(jqb '[.results[] | "\(.sku):\(.status)"] | sort | join(" ")')"
	s=$(jqb '.results[] | select(.sku == "TEA-1") | .error')
	check "TEA-1's error names it" grep -q 'TEA-1' <<<"$s"
	check "TEA-1's error speaks of history" grep -qi 'history' <<<"$s"
	check "TEA-1's error says how many periods it has (2)" grep -qE '(^|[^0-9])2([^0-9]|$)' <<<"$s"
	eq "TEA-1 has no points" 0 "$(jqb '.results[] | select(.sku == "TEA-1") | .points // [] | length')"
	eq "COL-1: three months from January 2026" "2026-01-01 2026-02-01 2026-03-01" \
		"$(jqb '.results[] | select(.sku == "COL-1") | [.points[].period] | join(" ")')"
	eq "COL-1: 36 months of history" 36 "$(jqb '.results[] | select(.sku == "COL-1") | .history.periods')"
	# A page at a time.
	for off in 0 1 2; do
		req GET "$BASE_URL/api/forecasts/jobs/$id/results?limit=1&offset=$off"
		eq "results page at offset $off: one result" 1 "$(jqb '.results | length')"
		seen+=("$(jqb '.results[0].sku')")
	done
	eq "the pages hold the three SKUs once each" "COL-1 TEA-1 WAT-1" "$(printf '%s\n' "${seen[@]}" | sort -u | paste -sd ' ')"
	req GET "$BASE_URL/api/forecasts/jobs/$id/results?limit=10&offset=3"
	eq "past the end: no result" "200 0" "$CODE $(jqb '.results | length')"

	req GET "$BASE_URL/api/forecasts"
	eq "the latest forecasts: the two that succeeded" "COL-1 WAT-1" "$(jqb '[.forecasts[].sku] | sort | join(" ")')"
	req GET "$BASE_URL/api/forecasts?sku=TEA-1"
	expect_error 404 not_found

	# Nothing can be forecast: rejected, saying why.
	fc_post '{"sku":"TEA-1","horizon":3}'
	eq "TEA-1 alone: 202" 202 "$CODE"
	fc_wait "$RUN_ID"
	eq "TEA-1 alone: rejected" rejected "$(jqb .status)"
	s=$(jqb .error)
	check "the reason names TEA-1" grep -q 'TEA-1' <<<"$s"
	check "the reason speaks of history" grep -qi 'history' <<<"$s"
	eq "one SKU failed, the run has ended" "1 true" "$(jqb '"\(.progress.skus_failed) \(.finished_at != null)"')"
}

test_forecast_all_products() {
	local id n expected
	fc_monthly_fixture
	# An inactive product is not part of "all".
	sql "UPDATE products SET active = false WHERE sku = 'TEA-1'" >/dev/null
	expected=$(sql "SELECT string_agg(sku, ' ' ORDER BY sku COLLATE \"C\") FROM products WHERE active")
	n=$(sql "SELECT count(*) FROM products WHERE active")
	fc_post '{"all":true,"horizon":2,"method":"ses"}'
	eq "all: 202" 202 "$CODE"
	id=$RUN_ID
	eq "the request: all, method ses, monthly by default" "true ses month null" \
		"$(jqb '"\(.request.all) \(.request.method) \(.request.frequency) \(.request.skus)"')"
	eq "every active product to do" "$n" "$(jqb .progress.skus_total)"
	fc_wait "$id" 120
	eq "all: succeeded" succeeded "$(jqb .status)"
	eq "all: every active product done" "$n $n" "$(jqb '"\(.progress.skus_total) \(.progress.skus_done)"')"
	req GET "$BASE_URL/api/forecasts/jobs/$id/results?limit=1000"
	eq "a result for every active product, and only those" "$expected" "$(jqb '[.results[].sku] | sort | join(" ")')"
	eq "WAT-1 and COL-1 forecast with ses, as asked" "COL-1:ok:ses WAT-1:ok:ses" \
		"$(jqb '[.results[] | select(.sku == "WAT-1" or .sku == "COL-1") | "\(.sku):\(.status):\(.method)"] | sort | join(" ")')"
	check "the inactive TEA-1 is left out" test "$(jqb '[.results[] | select(.sku == "TEA-1")] | length')" = 0
	sql "UPDATE products SET active = true WHERE sku = 'TEA-1'" >/dev/null
}

test_forecast_bad_requests() {
	local n0 doc viewer analyst id name=$CURRENT_TEST
	sql "TRUNCATE sales, forecasts, forecast_runs" >/dev/null
	seed_catalogue
	n0=$(fc_runs)
	for doc in '' '{"sku":' 'not json' '[1]' '"WAT-1"' \
		'{"sku":1,"horizon":6}' '{"sku":"WAT-1","horizon":"6"}' '{"sku":"WAT-1","horizon":6.5}' \
		'{"skus":"WAT-1","horizon":6}' '{"skus":[1],"horizon":6}' '{"all":"yes","horizon":6}' \
		'{"sku":"WAT-1"}' '{"sku":"WAT-1","horizon":0}' '{"sku":"WAT-1","horizon":366}' '{"sku":"WAT-1","horizon":-1}' \
		'{"sku":"WAT-1","horizon":6,"frequency":"year"}' '{"sku":"WAT-1","horizon":6,"frequency":1}' \
		'{"sku":"WAT-1","horizon":6,"method":"arima"}' '{"sku":"WAT-1","horizon":6,"method":5}' \
		'{"horizon":6}' '{"sku":"WAT-1","all":true,"horizon":6}' '{"sku":"WAT-1","skus":["COL-1"],"horizon":6}' \
		'{"skus":["WAT-1"],"all":true,"horizon":6}' '{"skus":[],"horizon":6}' \
		"$(jq -nc '{skus: [range(1001) | "S-\(.)"], horizon: 6}')"; do
		CURRENT_TEST="$name [${doc:0:60}]"
		fc_post "$doc"
		expect_error 400 invalid_body
	done
	CURRENT_TEST="$name"
	# 1000 SKUs is not too many: the unknown ones are the trouble.
	fc_post "$(jq -nc '{skus: (["WAT-1"] + [range(999) | "NOPE-\(.)"]), horizon: 6}')"
	expect_error 422 unknown_sku
	fc_post '{"sku":"NOPE-9","horizon":6}'
	expect_error 422 unknown_sku
	check "the unknown SKU is named" grep -q 'NOPE-9' <<<"$(jqb .error.message)"
	fc_post '{"skus":["WAT-1","NOPE-8"],"horizon":6}'
	expect_error 422 unknown_sku
	check "the unknown one of several is named" grep -q 'NOPE-8' <<<"$(jqb .error.message)"
	eq "no bad request made a run" "$n0" "$(fc_runs)"

	# Ids.
	req GET "$BASE_URL/api/forecasts/jobs/abc"
	expect_error 400 invalid_id
	req GET "$BASE_URL/api/forecasts/jobs/0"
	expect_error 400 invalid_id
	req GET "$BASE_URL/api/forecasts/jobs/999999999"
	expect_error 404 not_found
	req POST "$BASE_URL/api/forecasts/jobs/abc/cancel"
	expect_error 400 invalid_id
	req POST "$BASE_URL/api/forecasts/jobs/0/cancel"
	expect_error 400 invalid_id
	req POST "$BASE_URL/api/forecasts/jobs/999999999/cancel"
	expect_error 404 not_found
	req GET "$BASE_URL/api/forecasts/jobs/999999999/results"
	expect_error 404 not_found
	req GET "$BASE_URL/api/forecasts?sku=NOPE-9"
	expect_error 404 not_found
	req GET "$BASE_URL/api/forecasts?sku=WAT-1"
	expect_error 404 not_found
	req GET "$BASE_URL/api/forecasts"
	eq "no forecast yet: an empty list" "200 0" "$CODE $(jqb '.forecasts | length')"

	# Roles: an analyst may ask, a viewer may only read.
	analyst=$("$BUILD_DIR/sentiactl" apikey create --name fc-analyst --role analyst 2>/dev/null)
	viewer=$("$BUILD_DIR/sentiactl" apikey create --name fc-viewer --role viewer 2>/dev/null)
	REQ_AUTH="Bearer $analyst" fc_post '{"sku":"WAT-1","horizon":2}'
	eq "an analyst asks for a forecast: 202" 202 "$CODE"
	id=$RUN_ID
	REQ_AUTH="Bearer $viewer" fc_post '{"sku":"WAT-1","horizon":2}'
	expect_error 403 forbidden
	REQ_AUTH="Bearer $viewer" req POST "$BASE_URL/api/forecasts/jobs/$id/cancel"
	expect_error 403 forbidden
	REQ_AUTH="Bearer $viewer" req GET "$BASE_URL/api/forecasts/jobs/$id"
	eq "a viewer follows a run" "200 $id" "$CODE $(jqb .id)"
	REQ_AUTH="Bearer $viewer" req GET "$BASE_URL/api/forecasts"
	eq "a viewer reads the forecasts" 200 "$CODE"
	REQ_AUTH="Bearer $viewer" req GET "$BASE_URL/api/forecasts/accuracy"
	eq "a viewer reads the accuracy" 200 "$CODE"
	eq "the viewer's requests made no run" "$((n0 + 1))" "$(fc_runs)"
	# (No sales: the analyst's run has nothing to forecast.)
	fc_wait "$id"
	eq "a run with no sales at all is rejected" rejected "$(jqb .status)"
	check "and says why, naming the SKU" grep -q 'WAT-1' <<<"$(jqb .error)"
}

test_forecast_idempotency() {
	local id id2 n long
	fc_monthly_fixture
	fc_post '{"sku":"WAT-1","horizon":3}' -H 'Idempotency-Key: fc-retry-1'
	eq "keyed request: 202" 202 "$CODE"
	id=$RUN_ID
	n=$(fc_runs)
	fc_post '{"sku":"WAT-1","horizon":3}' -H 'Idempotency-Key: fc-retry-1'
	check "the retry answers 200 or 202" grep -qxE '200|202' <<<"$CODE"
	eq "with the first run" "$id" "$RUN_ID"
	eq "and says it is a replay" true "$(header Idempotent-Replayed)"
	eq "no second run" "$n" "$(fc_runs)"
	fc_wait "$id"
	fc_post '{"sku":"WAT-1","horizon":3}' -H 'Idempotency-Key: fc-retry-1'
	eq "a retry after the run ended: still the first run, as it is now" "$id succeeded true" \
		"$RUN_ID $(jqb .status) $(header Idempotent-Replayed)"
	fc_post '{"sku":"WAT-1","horizon":4}' -H 'Idempotency-Key: fc-retry-1'
	expect_error 422 idempotency_key_reused
	fc_post '{"sku":"WAT-1","horizon":3}' -H 'Idempotency-Key: fc-retry-2'
	eq "another key: a new run" 202 "$CODE"
	id2=$RUN_ID
	check "with another id" test "$id2" != "$id"
	check "a first request says no replay" test "$(header Idempotent-Replayed)" != true
	n=$(fc_runs)
	long=$(printf 'k%.0s' $(seq 1 300))
	fc_post '{"sku":"WAT-1","horizon":3}' -H "Idempotency-Key: $long"
	expect_error 400 invalid_idempotency_key
	fc_post '{"sku":"WAT-1","horizon":3}' -H $'Idempotency-Key: cl\xc3\xa9'
	expect_error 400 invalid_idempotency_key
	eq "no invalid key made a run" "$n" "$(fc_runs)"
	fc_post '{"sku":"WAT-1","horizon":3}' -H "Idempotency-Key: ${long:0:255}"
	eq "a key of 255 characters is good: 202" 202 "$CODE"
	fc_wait "$id2"
	fc_wait "$(sql "SELECT max(id) FROM forecast_runs")"
}

test_forecast_cancel() {
	local id job answer said st i
	fc_monthly_fixture
	# With no worker running, a run stays queued: cancelling it ends it.
	worker_stop
	fc_post '{"sku":"WAT-1","horizon":3}'
	id=$RUN_ID
	job=$(jqb .queue_job_id)
	eq "no worker: the run is queued" "202 queued" "$CODE $(jqb .status)"
	req POST "$BASE_URL/api/forecasts/jobs/$id/cancel"
	eq "cancel a queued run: 202 with the run" "202 $id" "$CODE $(jqb .id)"
	check "it ends cancelled" wait_until 10 fc_is "$id" cancelled
	req GET "$BASE_URL/api/forecasts/jobs/$id"
	eq "a cancelled run has ended" true "$(jqb '.finished_at != null')"
	req POST "$BASE_URL/api/forecasts/jobs/$id/cancel"
	expect_error 409 already_finished
	worker_start "$BUILD_DIR"
	check "the worker takes up the queued job" wait_until 30 fc_job_ended "$job"
	eq "and the run stays cancelled" cancelled "$(fc_status "$id")"
	req GET "$BASE_URL/api/forecasts/jobs/$id/results"
	eq "with nothing forecast" "200 0" "$CODE $(jqb '.results | length')"

	# A finished run cannot be cancelled.
	fc_post '{"sku":"WAT-1","horizon":3}'
	fc_wait "$RUN_ID"
	eq "a run that succeeded" succeeded "$(jqb .status)"
	req POST "$BASE_URL/api/forecasts/jobs/$RUN_ID/cancel"
	expect_error 409 already_finished
	eq "and it stays succeeded" succeeded "$(fc_status "$RUN_ID")"

	# Runs of daily forecasts: of every product, cancelled at once; of the
	# three, cancelled once it is running. Either the cancel is accepted and
	# the run ends cancelled, or the run had already finished.
	fc_daily_fixture
	for i in 1 2; do
		if [ "$i" = 1 ]; then
			fc_post '{"all":true,"frequency":"day","horizon":30}'
		else
			fc_post '{"skus":["WAT-1","COL-1","TEA-1"],"frequency":"day","horizon":30}'
			wait_until 30 fc_is "$RUN_ID" running
		fi
		id=$RUN_ID
		eq "daily run $i: 202" 202 "$CODE"
		req POST "$BASE_URL/api/forecasts/jobs/$id/cancel"
		answer=$CODE
		said=$(jqb '"\(.status), \(.progress.skus_done) of \(.progress.skus_total) done"')
		fc_wait "$id" 120
		st=$(jqb .status)
		case $answer in
		202) eq "daily run $i: the cancel was accepted (the run was $said): the run ends cancelled" cancelled "$st" ;;
		409) eq "daily run $i: the cancel came too late: the run had succeeded" succeeded "$st" ;;
		*) fail "daily run $i: cancel answers 202 or 409" "got $answer: $(cat "$BODY")" ;;
		esac
	done
}

test_forecast_accuracy() {
	local id wat_f1 wat_f2 col_f1 col_f2 wat_mase col_mase f
	fc_monthly_fixture
	fc_post '{"skus":["WAT-1","COL-1"],"horizon":6}'
	id=$RUN_ID
	fc_wait "$id"
	eq "the run succeeds" succeeded "$(jqb .status)"
	req GET "$BASE_URL/api/forecasts/jobs/$id/results"
	wat_f1=$(jqb '.results[] | select(.sku == "WAT-1") | .points[0].forecast')
	wat_f2=$(jqb '.results[] | select(.sku == "WAT-1") | .points[1].forecast')
	col_f1=$(jqb '.results[] | select(.sku == "COL-1") | .points[0].forecast')
	col_f2=$(jqb '.results[] | select(.sku == "COL-1") | .points[1].forecast')
	wat_mase=$(jqb '.results[] | select(.sku == "WAT-1") | .accuracy.mase')
	col_mase=$(jqb '.results[] | select(.sku == "COL-1") | .accuracy.mase')

	req GET "$BASE_URL/api/forecasts/accuracy"
	eq "accuracy: 200" 200 "$CODE"
	eq "accuracy: the two SKUs with a forecast" "COL-1 WAT-1" "$(jqb '[.skus[].sku] | sort | join(" ")')"
	eq "WAT-1: MASE and sMAPE are numbers, from this run" "number number $id" \
		"$(jqb '.skus[] | select(.sku == "WAT-1") | "\(.mase | type) \(.smape | type) \(.run_id)"')"
	check "WAT-1: the model is named" test -n "$(jqb '.skus[] | select(.sku == "WAT-1") | .model | strings')"
	check "WAT-1: MASE is the back-test's ($wat_mase)" fc_near "$wat_mase" "$(jqb '.skus[] | select(.sku == "WAT-1") | .mase')" 0.001
	eq "no actuals yet" true "$(jqb '.skus[] | select(.sku == "WAT-1") | .actuals == null or .actuals.periods == 0')"
	eq "overall: two SKUs" 2 "$(jqb .overall.skus)"
	check "overall MASE is the mean of the two" fc_near "$(awk -v a="$wat_mase" -v b="$col_mase" 'BEGIN { print (a + b) / 2 }')" "$(jqb .overall.mase)" 0.001
	eq "overall sMAPE is a number" number "$(jqb '.overall.smape | type')"

	# Actuals arrive for January and February 2026; a sale on 2026-03-05
	# makes both complete (March is not). COL-1 sold nothing in them: its
	# actuals are zero.
	f=$(csv fc-actuals 'date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref\n2026-01-15,WAT-1,Retail,120,0.9,108.00,24.00,A1\n2026-02-15,WAT-1,Retail,130,0.9,117.00,26.00,A2\n2026-03-05,COL-1,Online,10,1.2,12.00,3.50,A3\n')
	upload sales fc "$f"; wait_import "$IMPORT_ID"
	eq "actuals imported" completed "$(jqb .status)"
	req GET "$BASE_URL/api/forecasts/accuracy"
	eq "after actuals: still this run's forecasts" "$id $id" "$(jqb '[.skus[] | .run_id] | map(tostring) | join(" ")')"
	eq "WAT-1: two periods of actuals, with numbers" "2 number number" \
		"$(jqb '.skus[] | select(.sku == "WAT-1") | .actuals | "\(.periods) \(.mae | type) \(.smape | type)"')"
	check "WAT-1: MAE = (|120 - $wat_f1| + |130 - $wat_f2|) / 2" fc_near \
		"$(awk -v a="$wat_f1" -v b="$wat_f2" 'BEGIN { d = 120 - a; e = 130 - b; if (d < 0) d = -d; if (e < 0) e = -e; print (d + e) / 2 }')" \
		"$(jqb '.skus[] | select(.sku == "WAT-1") | .actuals.mae')"
	eq "COL-1: two periods of actuals (nothing sold)" 2 "$(jqb '.skus[] | select(.sku == "COL-1") | .actuals.periods')"
	check "COL-1: MAE = ($col_f1 + $col_f2) / 2" fc_near \
		"$(awk -v a="$col_f1" -v b="$col_f2" 'BEGIN { print (a + b) / 2 }')" \
		"$(jqb '.skus[] | select(.sku == "COL-1") | .actuals.mae')"
}

test_forecast_metrics_and_slo() {
	local id runs='sentia_forecast_runs_24h{outcome="succeeded"}' failed='sentia_forecast_runs_24h{outcome="failed"}' \
		ratio=sentia_forecast_success_ratio_24h
	fc_monthly_fixture
	# No run in the last 24 hours.
	check "/metrics: no run succeeded" wait_until 15 fc_metric_is "$runs" 0
	eq "/metrics: no run failed" 0 "$(metric "$failed")"
	eq "/metrics: no ratio without runs" "" "$(metric "$ratio")"
	check "SLO: no data" grep -qw no_data <<<"$(fc_slo)"

	fc_post '{"sku":"WAT-1","horizon":3}'
	fc_wait "$RUN_ID"
	eq "a run succeeds" succeeded "$(jqb .status)"
	check "/metrics: one run succeeded" wait_until 15 fc_metric_is "$runs" 1
	check "/metrics: ratio 1" fc_near 1 "$(metric "$ratio")" 0.0001

	# Rejected and cancelled runs are neither.
	fc_post '{"sku":"TEA-1","horizon":3}'
	fc_wait "$RUN_ID"
	eq "a run is rejected" rejected "$(jqb .status)"
	worker_stop
	fc_post '{"sku":"WAT-1","horizon":3}'
	id=$RUN_ID
	req POST "$BASE_URL/api/forecasts/jobs/$id/cancel"
	check "a run is cancelled" wait_until 10 fc_is "$id" cancelled
	worker_start "$BUILD_DIR"
	fc_post '{"sku":"COL-1","horizon":3}'
	fc_wait "$RUN_ID"
	eq "another run succeeds" succeeded "$(jqb .status)"
	check "/metrics: two runs succeeded" wait_until 15 fc_metric_is "$runs" 2
	eq "/metrics: the rejected and the cancelled run did not fail" 0 "$(metric "$failed")"
	check "/metrics: ratio still 1" fc_near 1 "$(metric "$ratio")" 0.0001
	check "SLO: ok" grep -qw ok <<<"$(fc_slo)"

	# A run that failed (the system could not finish it), as the job
	# would leave it.
	sql "INSERT INTO forecast_runs (request, skus_total, status, error, finished_at) VALUES ('{\"skus\":[\"WAT-1\"],\"horizon\":3,\"frequency\":\"month\",\"method\":\"auto\"}', 1, 'failed', 'integration test', now())" >/dev/null
	check "/metrics: one run failed" wait_until 15 fc_metric_is "$failed" 1
	check "/metrics: ratio 2 of 3" fc_near 0.666667 "$(metric "$ratio")" 0.001
	check "SLO: 2 of 3 is not ok" grep -qwE 'warning|critical' <<<"$(fc_slo)"
	# Out of the 24 hours, it no longer counts.
	sql "UPDATE forecast_runs SET finished_at = now() - interval '25 hours', created_at = now() - interval '25 hours' WHERE error = 'integration test'" >/dev/null
	check "/metrics: a failure 25 hours ago is out of the window" wait_until 15 fc_metric_is "$failed" 0
	check "SLO: ok again" grep -qw ok <<<"$(fc_slo)"
	sql "DELETE FROM forecast_runs WHERE error = 'integration test'" >/dev/null
}

test_forecast_weekly_and_daily() {
	local id p
	fc_daily_fixture
	fc_post '{"sku":"WAT-1","horizon":8,"frequency":"week"}'
	id=$RUN_ID
	fc_wait "$id" 120
	eq "weekly: succeeded" succeeded "$(jqb .status)"
	req GET "$BASE_URL/api/forecasts/jobs/$id/results"
	eq "weekly: frequency, horizon, points" "week 8 8" "$(jqb '.results[0] | "\(.frequency) \(.horizon) \(.points | length)"')"
	mapfile -t p < <(jqb '.results[0].points[].period')
	check "weekly: every period is a Monday (${p[*]})" fc_all_mondays "${p[@]}"
	check "weekly: consecutive weeks" fc_consecutive week "${p[@]}"
	eq "weekly: the first is the week of 2025-12-29 (the last complete week is that of 2025-12-22)" 2025-12-29 "${p[0]:-}"
	eq "weekly: the first period is the one after history.end" "$(fc_next week "$(jqb .results[0].history.end)")" "${p[0]:-}"
	eq "weekly: 157 weeks of history from the week of 2022-12-26" "157 2022-12-26" \
		"$(jqb .results[0].history.periods) $(fc_monday "$(jqb .results[0].history.start)")"
	eq "weekly: bounds ordered" true \
		"$(jqb '[.results[0].points[] | .forecast >= 0 and .lo95 <= .lo80 and .lo80 <= .forecast and .forecast <= .hi80 and .hi80 <= .hi95] | all')"

	fc_post '{"sku":"WAT-1","horizon":14,"frequency":"day"}'
	id=$RUN_ID
	fc_wait "$id" 120
	eq "daily: succeeded" succeeded "$(jqb .status)"
	req GET "$BASE_URL/api/forecasts/jobs/$id/results"
	eq "daily: frequency, horizon, points" "day 14 14" "$(jqb '.results[0] | "\(.frequency) \(.horizon) \(.points | length)"')"
	mapfile -t p < <(jqb '.results[0].points[].period')
	eq "daily: from 2026-01-01, the day after the newest sale" 2026-01-01 "${p[0]:-}"
	check "daily: consecutive days" fc_consecutive day "${p[@]}"
	eq "daily: the last is 2026-01-14" 2026-01-14 "${p[13]:-}"
	eq "daily: 1096 days of history, 2023-01-01 to 2025-12-31" "1096 2023-01-01 2025-12-31" \
		"$(jqb '.results[0].history | "\(.periods) \(.start) \(.end)"')"
	eq "daily: bounds ordered" true \
		"$(jqb '[.results[0].points[] | .forecast >= 0 and .lo95 <= .lo80 and .lo80 <= .forecast and .forecast <= .hi80 and .hi80 <= .hi95] | all')"
	req GET "$BASE_URL/api/forecasts?sku=WAT-1"
	eq "the latest forecast of WAT-1 is the daily one" "$id day" "$(jqb '"\(.run_id) \(.frequency)"')"
}
