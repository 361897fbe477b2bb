# shellcheck shell=bash
# The API's contract: the build serves openapi/openapi.json as it is in
# the source tree; every named example in it gets the answer documented
# for it, checked against the documented schema (tests/npm/contract.mjs);
# and the page made from it, /api/docs, loads cleanly in a real browser at
# desktop and phone widths. The webhook's signed cases are signed here,
# when the test runs, with the secret the pool is started with.

# oa_tools: the npm test tools, installed when missing; fails the test
# (with npm's words) when they cannot be had.
oa_tools() {
	if ! (npm_deps) >"$RUN_DIR/logs/npm.log" 2>&1; then
		fail "the test tools of tests/npm install (npm ci)" "$(tail -n 20 "$RUN_DIR/logs/npm.log")"
		return 1
	fi
}

# The contract's webhook secret: whsec_ and the base64 of a 32-byte key.
OA_SECRET="whsec_$(printf 'sentia-contract-webhook-key-32b!' | base64)"

# oa_sign ID TIMESTAMP FILE: the svix-signature of a delivery, v1 and the
# base64 HMAC-SHA256 of "ID.TIMESTAMP.BODY" under OA_SECRET's key, by openssl.
oa_sign() {
	local hexkey
	hexkey=$(printf '%s' "${OA_SECRET#whsec_}" | base64 -d | xxd -p -c 256)
	printf 'v1,%s' "$({ printf '%s.%s.' "$1" "$2"; cat "$3"; } | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" -binary | base64)"
}

# oa_user ID: a user that sentia holds (its profile, stored through a signed
# Clerk webhook).
oa_user() {
	local f=$RUN_DIR/oa-user.json id=msg_oa_$RANDOM$RANDOM ts
	ts=$(date +%s)
	printf '{"type":"user.created","object":"event","data":{"id":"%s","object":"user","first_name":"Contract","last_name":"Fixture"}}' "$1" >"$f"
	REQ_AUTH='' req POST "$BASE_URL/api/webhooks/clerk" -H "svix-id: $id" -H "svix-timestamp: $ts" \
		-H "svix-signature: $(oa_sign "$id" "$ts" "$f")" -H 'Content-Type: application/json' --data-binary "@$f"
	eq "the fixture user $1 is stored" "200 stored" "$CODE $(jqb .user)"
}

test_openapi_contract() {
	local f import job vkey log rc user erase_user ts c id hooks=()
	oa_tools || return
	# The webhook needs its secret; the suite's settings come back at the end.
	CLERK_WEBHOOK_SIGNING_SECRET=$OA_SECRET restart_api
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
	# Users to export and to erase.
	user=user_oaexport$RANDOM
	erase_user=user_oaerase$RANDOM
	oa_user "$user"
	oa_user "$erase_user"
	# The signed webhook cases, signed now (the timestamp must be within
	# 5 minutes when they are sent): each case's body is the document's
	# example as contract.mjs sends it (JSON.stringify), and its svix-id,
	# timestamp and signature are fixtures. "duplicate" resends user_created.
	ts=$(date +%s)
	hooks=(--fixture "svix_timestamp=$ts")
	for c in user_created ignored user_deleted invalid_body; do
		f=$RUN_DIR/oa-hook-$c.json
		node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
			process.stdout.write(JSON.stringify(d.paths["/api/webhooks/clerk"].post.requestBody.content["application/json"].examples[process.argv[2]].value));' \
			"$SENTIA_TOP/openapi/openapi.json" "$c" >"$f" || { fail "the webhook example $c is in the document"; restart_api; return; }
		id=msg_oa_${c}_$RANDOM$RANDOM
		hooks+=(--fixture "svix_id_$c=$id" --fixture "svix_signature_$c=$(oa_sign "$id" "$ts" "$f")")
	done

	log=$RUN_DIR/logs/contract.log
	node "$SENTIA_TOP/tests/npm/contract.mjs" --base-url "$BASE_URL" --api-key "$API_KEY" --viewer-key "$vkey" \
		--fixture import="$import" --fixture job="$job" --fixture forecast_run="$RUN_ID" \
		--fixture user="$user" --fixture erase_user="$erase_user" "${hooks[@]}" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "every documented example gets its documented answer ($(tail -n 1 "$log"))"
	else
		fail "every documented example gets its documented answer (log: $log)" "$(grep -A6 '^not ok' "$log" | head -n 60)" "$(tail -n 1 "$log")"
	fi
	ge "the contract test ran its cases" 100 "$(sed -n 's/^contract: \([0-9]*\) passed.*/\1/p' "$log")"
	restart_api
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
