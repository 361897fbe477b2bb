# shellcheck shell=bash
# The API's contract: the build serves openapi/openapi.json as it is in
# the source tree; every named example in it gets the answer documented
# for it, checked against the documented schema (tests/npm/contract.mjs);
# and the page made from it, /api/docs, loads cleanly in a real browser at
# desktop and phone widths.

# oa_tools: the npm test tools, installed when missing; fails the test
# (with npm's words) when they cannot be had.
oa_tools() {
	if ! (npm_deps) >"$RUN_DIR/logs/npm.log" 2>&1; then
		fail "the test tools of tests/npm install (npm ci)" "$(tail -n 20 "$RUN_DIR/logs/npm.log")"
		return 1
	fi
}

test_openapi_contract() {
	local f import job vkey log rc
	oa_tools || return
	req GET "$BASE_URL/api/openapi.json"
	eq "GET /api/openapi.json is 200" 200 "$CODE"
	eq "it is JSON" application/json "$(header Content-Type)"
	check "it is openapi/openapi.json byte for byte" cmp -s "$BODY" "$SENTIA_TOP/openapi/openapi.json"
	req GET "$BASE_URL/api/openapi.json" -H "If-None-Match: $(header ETag)"
	eq "with its ETag it is 304" 304 "$CODE"

	# What the examples name: the products WAT-1, COL-1 and TEA-1 with
	# three years of monthly sales; an import with a bad row; a forecast
	# run of WAT-1 that has ended; a working-capital snapshot and its job.
	fc_monthly_fixture
	f=$(csv oa-products 'sku,name,category,unit_cost,selling_price,lead_time_days\nWAT-1,Still water 500ml,Water,0.2,0.9,7\nBAD-1,Broken,Water,-1,0.9,7\n')
	upload products oa "$f" '&mode=skip_invalid'
	wait_import "$IMPORT_ID"
	import=$IMPORT_ID
	eq "the fixture import kept one bad row" "completed_with_errors 1" "$(jqb '"\(.status) \(.rows.rejected)"')"
	fc_post '{"sku":"WAT-1","horizon":3}'
	fc_wait "$RUN_ID"
	eq "the fixture forecast run succeeded" succeeded "$(jqb .status)"
	req POST "$BASE_URL/api/working-capital/recompute" -H 'Content-Type: application/json' --data-binary '{}'
	job=$(jqb .id)
	check "the fixture snapshot is made" wait_until 30 job_succeeded "$job"
	vkey=$(newkey "openapi-viewer" viewer)

	log=$RUN_DIR/logs/contract.log
	node "$SENTIA_TOP/tests/npm/contract.mjs" --base-url "$BASE_URL" --api-key "$API_KEY" --viewer-key "$vkey" \
		--fixture import="$import" --fixture job="$job" --fixture forecast_run="$RUN_ID" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "every documented example gets its documented answer ($(tail -n 1 "$log"))"
	else
		fail "every documented example gets its documented answer (log: $log)" "$(grep -A6 '^not ok' "$log" | head -n 60)" "$(tail -n 1 "$log")"
	fi
	ge "the contract test ran its cases" 100 "$(sed -n 's/^contract: \([0-9]*\) passed.*/\1/p' "$log")"
}

test_api_docs_page() {
	local out
	oa_tools || return
	req GET "$BASE_URL/api/docs"
	eq "GET /api/docs is 200" 200 "$CODE"
	eq "it is HTML" "text/html; charset=utf-8" "$(header Content-Type)"
	check "its Content-Security-Policy loads nothing and runs no script" \
		grep -q "^default-src 'none'; style-src 'unsafe-inline';" <<<"$(header Content-Security-Policy)"
	check "it shows every operation of the document" test "$(grep -c '<section class="op"' "$BODY")" -eq \
		"$(jq '[.paths[] | to_entries[] | select(.key | test("^(get|put|post|delete|patch)$"))] | length' "$SENTIA_TOP/openapi/openapi.json")"
	check "it names no other host" test "$(grep -cE 'https?://' "$BODY")" -eq 0
	out=$(browser_check "$BASE_URL/api/docs" api-docs-desktop --width 1280 \
		--selector 'h1' --selector 'nav a[href="#op-imports_create"]' --selector '#op-forecasts_create table' 2>&1)
	check "the page loads cleanly in Chromium at 1280 px" test $? -eq 0
	printf '%s\n' "$out"
	out=$(browser_check "$BASE_URL/api/docs" api-docs-phone --width 375 --height 812 \
		--selector 'h1' --selector '#op-wcap_scenarios' 2>&1)
	check "the page loads cleanly at 375 px, with nothing wider than the phone" test $? -eq 0
	printf '%s\n' "$out"
}
