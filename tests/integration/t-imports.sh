# shellcheck shell=bash
# Imports over HTTP through nginx: every kind of bad input gets its
# documented answer, good rows land exactly once, and nothing accepted is
# lost when the process working on it dies.

# upload TYPE SOURCE FILE [QUERY-EXTRA] [CURL-ARGS...]: POSTs a CSV file;
# sets CODE, BODY, HEAD and IMPORT_ID.
upload() {
	local type=$1 src=$2 file=$3 extra=${4:-}
	shift 3; [ $# -gt 0 ] && shift
	req POST "$BASE_URL/api/imports?type=$type&source=$src$extra" -H 'Content-Type: text/csv' \
		--data-binary @"$file" "$@"
	IMPORT_ID=$(jqb .id)
}

# import_status ID: the import's status now.
import_status() { acurl -s --max-time 10 "$BASE_URL/api/imports/$1" | jq -r .status; }
import_finished() {
	case $(import_status "$1") in completed | completed_with_errors | failed) return 0 ;; esac
	return 1
}
# wait_import ID [SECONDS]: waits for the import to finish, then GETs it.
wait_import() {
	wait_until "${2:-30}" import_finished "$1" || fail "import $1 finished within ${2:-30} s" "status: $(import_status "$1")"
	req GET "$BASE_URL/api/imports/$1"
}
# first_error ID: "line column reason" of the import's first bad row.
first_error() {
	acurl -s "$BASE_URL/api/imports/$1/errors" | jq -r '.errors[0] | "\(.line) \(.column) \(.reason)"'
}
csv() { local f=$RUN_DIR/t-$1.csv; shift; printf '%b' "$*" >"$f"; echo "$f"; }

# The channels and products the other imports name.
seed_catalogue() {
	local f
	f=$(csv channels 'name,type,receivable_terms_days\nRetail,retail,30\nOnline,ecommerce,3\n')
	upload channels erp "$f"; wait_import "$IMPORT_ID"
	f=$(csv products 'sku,name,category,unit_cost,selling_price,lead_time_days\nWAT-1,Still water 500ml,Water,0.2,0.9,7\nCOL-1,Cola 330ml,Soft Drinks,0.35,1.2,14\nTEA-1,Iced tea 330ml,Iced Tea,0.4,1.4,21\n')
	upload products erp "$f"; wait_import "$IMPORT_ID"
}

test_import_happy_path_and_replays() {
	local f id
	seed_catalogue
	eq "catalogue loaded" "completed" "$(jqb .status)"
	f=$(csv sales1 'date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref\n2025-03-01,WAT-1,Retail,10,0.9,9.00,2.00,A1\n2025-03-01,COL-1,Online,4,1.2,4.80,1.40,\n2025-03-02,"TEA-1",Retail,1,1.4000,1.4,0.4,A2\n')
	upload sales erp "$f"
	eq "upload answers 202" 202 "$CODE"
	check "status accepted (or already taken up by a worker)" grep -qx "accepted\|processing\|completed" <<<"$(jqb .status)"
	eq "Location names the import" "/api/imports/$IMPORT_ID" "$(header Location)"
	id=$IMPORT_ID
	wait_import "$id"
	eq "processed to completed" completed "$(jqb .status)"
	eq "rows read/loaded/rejected/inserted" "3 3 0 3" "$(jqb '"\(.rows.read) \(.rows.loaded) \(.rows.rejected) \(.rows.inserted)"')"
	eq "money kept exactly" "9.0000 4.8000 1.4000" "$(sql "SELECT string_agg(net_revenue::text, ' ' ORDER BY sale_date, product_id) FROM sales WHERE import_id = $id")"
	eq "an empty order_ref is a day's total" "1" "$(sql "SELECT count(*) FROM sales WHERE import_id = $id AND order_ref = ''")"
	check "timings recorded" test "$(jqb .duration_ms)" != null

	# The same file again changes nothing.
	local before; before=$(sql "SELECT count(*) || ':' || sum(quantity) FROM sales")
	upload sales erp "$f"
	wait_import "$IMPORT_ID"
	eq "the same file twice: completed" completed "$(jqb .status)"
	eq "the same file twice: nothing inserted or updated" "3 0 0" "$(jqb '"\(.rows.loaded) \(.rows.inserted) \(.rows.updated)"')"
	eq "the same file twice: the table is unchanged" "$before" "$(sql "SELECT count(*) || ':' || sum(quantity) FROM sales")"
	eq "rows keep the import that brought them" 3 "$(sql "SELECT count(*) FROM sales WHERE import_id = $id")"

	# A corrected row updates in place.
	f=$(csv sales2 'date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref\n2025-03-01,WAT-1,Retail,12,0.9,10.80,2.40,A1\n')
	upload sales erp "$f"; wait_import "$IMPORT_ID"
	eq "a changed row is updated, not added" "0 1" "$(jqb '"\(.rows.inserted) \(.rows.updated)"')"
	eq "with its new quantity" "12.0000" "$(sql "SELECT quantity FROM sales s JOIN products p ON p.id = s.product_id WHERE p.sku = 'WAT-1' AND order_ref = 'A1'")"

	# Idempotency-Key: a retried upload returns the first import.
	upload sales erp "$f" "" -H 'Idempotency-Key: retry-me-1'
	local first=$IMPORT_ID
	eq "keyed upload 202" 202 "$CODE"
	upload sales erp "$f" "" -H 'Idempotency-Key: retry-me-1'
	eq "the retry answers 202" 202 "$CODE"
	eq "with the first import's id" "$first" "$IMPORT_ID"
	eq "and says it is a replay" true "$(header Idempotent-Replayed)"
	eq "only one import holds the key" 1 "$(sql "SELECT count(*) FROM imports WHERE idempotency_key = 'retry-me-1'")"
	f=$(csv sales3 'date,sku,channel,quantity,unit_price,net_revenue,cogs\n2025-03-05,WAT-1,Retail,1,0.9,0.9,0.2\n')
	upload sales erp "$f" "" -H 'Idempotency-Key: retry-me-1'
	expect_error 422 idempotency_key_reused

	# Lists and data sources.
	req GET "$BASE_URL/api/imports?limit=2"
	eq "list answers 200" 200 "$CODE"
	eq "newest first, two of them" 2 "$(jqb '.imports | length')"
	check "with a link to the next page" test "$(jqb .next)" != null
	req GET "$BASE_URL/api/imports?limit=0"
	expect_error 400 invalid_parameter
	req GET "$BASE_URL/api/data-sources"
	eq "data sources 200" 200 "$CODE"
	eq "erp is fresh" true "$(jqb '.data_sources[] | select(.name == "erp") | .fresh')"
	check "erp's freshness is seconds old" test "$(jqb '.data_sources[] | select(.name == "erp") | .freshness_seconds')" -lt 120
	check "/metrics has erp's freshness (the pool copies it every 5 s)" wait_until 15 metric_at_least 'sentia_data_source_freshness_seconds{source="erp"}' 0
	check "/metrics has erp's last success time" metric_at_least 'sentia_data_source_last_success_timestamp_seconds{source="erp"}' 1700000000
}

test_import_json() {
	local f
	seed_catalogue
	f=$RUN_DIR/t-sales.json
	printf '[{"date":"2010-04-01","sku":"COL-1","channel":"Online","quantity":3,"unit_price":1.2,"net_revenue":"3.60","cogs":1.0512,"order_ref":"J1"},\n {"date":"2010-04-01","sku":"WAT-1","channel":"Online","quantity":2,"unit_price":0.9,"net_revenue":1.8,"cogs":0.4,"order_ref":null}]' >"$f"
	req POST "$BASE_URL/api/imports?type=sales&source=shop" -H 'Content-Type: application/json' --data-binary @"$f"
	eq "JSON upload 202" 202 "$CODE"
	wait_import "$(jqb .id)"
	eq "JSON import completed" completed "$(jqb .status)"
	eq "numbers kept exactly, not through a double" "1.0512" "$(sql "SELECT cogs FROM sales WHERE order_ref = 'J1'")"
	eq "null is an empty optional field" 1 "$(sql "SELECT count(*) FROM sales s JOIN channels c ON c.id = s.channel_id WHERE c.name = 'Online' AND s.sale_date = '2010-04-01' AND order_ref = ''")"

	req POST "$BASE_URL/api/imports?type=sales&source=shop" -H 'Content-Type: application/json' --data-binary '[{"date":"2010-04-01",'
	expect_error 400 invalid_document
	req POST "$BASE_URL/api/imports?type=sales&source=shop" -H 'Content-Type: application/json' --data-binary '{"date":"2010-04-01"}'
	expect_error 400 invalid_document
	check "a non-array says what is expected" grep -q "array of objects" "$BODY"
	req POST "$BASE_URL/api/imports?type=sales&source=shop" -H 'Content-Type: application/json' --data-binary '[{"date":"2010-04-01","colour":"red"}]'
	expect_error 400 invalid_document
	check "an unknown key is named" grep -q 'colour' "$BODY"
	req POST "$BASE_URL/api/imports?type=sales&source=shop" -H 'Content-Type: application/json' \
		--data-binary '[{"date":"2010-04-02","sku":"COL-1","channel":"Online","quantity":[1],"unit_price":1,"net_revenue":1,"cogs":1}]'
	wait_import "$(jqb .id)"
	eq "a nested value is a bad row" "failed" "$(jqb .status)"
	eq "saying what was expected" "1 quantity expected a string or a number" "$(first_error "$(jqb .id)")"
}

test_import_bad_requests() {
	local f n0
	seed_catalogue
	n0=$(sql "SELECT count(*) FROM imports")
	f=$(csv ok 'date,sku,channel,quantity,unit_price,net_revenue,cogs\n2025-03-01,WAT-1,Retail,1,1,1,1\n')
	req POST "$BASE_URL/api/imports?type=sales&source=erp" -H 'Content-Type: text/csv'
	expect_error 400 empty_document
	upload widgets erp "$f"
	expect_error 400 invalid_type
	upload sales 'bad%20source%21' "$f"
	expect_error 400 invalid_source
	upload sales erp "$f" "&mode=sometimes"
	expect_error 400 invalid_mode
	req POST "$BASE_URL/api/imports?type=sales&source=erp" -H 'Content-Type: application/xml' --data-binary @"$f"
	expect_error 415 unsupported_media_type
	req POST "$BASE_URL/api/imports?type=sales&source=erp" -H 'Content-Type: text/csv; charset=latin1' --data-binary @"$f"
	expect_error 415 unsupported_media_type
	upload sales erp "$(csv missing 'date,sku,quantity,unit_price,net_revenue,cogs\n2025-03-01,WAT-1,1,1,1,1\n')"
	expect_error 400 invalid_document
	check "a missing column is named" grep -q 'Missing column \\"channel\\"' "$BODY"
	upload sales erp "$(csv extra 'date,sku,channel,quantity,unit_price,net_revenue,cogs,colour\n2025-03-01,WAT-1,Retail,1,1,1,1,red\n')"
	expect_error 400 invalid_document
	check "an extra column is named" grep -q 'Unknown column \\"colour\\"' "$BODY"
	upload sales erp "$(csv twice 'date,sku,channel,quantity,unit_price,net_revenue,cogs,sku\n')"
	expect_error 400 invalid_document
	upload sales erp "$(csv badkey 'date,sku,channel,quantity,unit_price,net_revenue,cogs\n')" "" -H "Idempotency-Key: $(printf 'x%.0s' $(seq 1 300))"
	expect_error 400 invalid_idempotency_key

	# Over the limit: one byte more than IMPORT_MAX_BYTES (10 MiB).
	head -c $((10 * 1024 * 1024 + 1)) /dev/zero | tr '\0' 'a' >"$RUN_DIR/t-big.csv"
	upload sales erp "$RUN_DIR/t-big.csv"
	expect_error 413 payload_too_large
	eq "no bad request made an import" "$n0" "$(sql "SELECT count(*) FROM imports")"
	req GET "$BASE_URL/api/imports/999999999"
	expect_error 404 not_found
	req GET "$BASE_URL/api/imports/1%3BDROP%20TABLE%20sales"
	expect_error 400 invalid_id
	req GET "$BASE_URL/api/imports/1/errors?limit=abc"
	expect_error 400 invalid_parameter
}

test_import_bad_rows() {
	local f id sales0
	seed_catalogue
	sales0=$(sql "SELECT count(*) FROM sales")
	# Line 2 good; 3 a negative quantity; 4-5 a quoted name with a comma
	# and a line break (refused: names are one line); 6 not UTF-8; 7 no
	# such day; 8 an unknown SKU; 9 a duplicate of line 2; 10 good.
	f=$RUN_DIR/t-bad.csv
	{
		printf 'date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref\n'
		printf '2025-05-01,WAT-1,Retail,5,0.9,4.5,1,B1\n'
		printf '2025-05-01,WAT-1,Retail,-5,0.9,4.5,1,B2\n'
		printf '2025-05-01,WAT-1,Retail,5,0.9,4.5,1,"B3, part\ntwo"\n'
		printf '2025-05-01,WAT-1,Retail,5,0.9,4.5,1,B\xff4\n'
		printf '2025-02-30,WAT-1,Retail,5,0.9,4.5,1,B5\n'
		printf '2025-05-01,NOPE-9,Retail,5,0.9,4.5,1,B6\n'
		printf '2025-05-01,WAT-1,Retail,7,0.9,4.5,1,B1\n'
		printf '2025-05-02,"COL-1",Retail,2,1.2,2.4,0.7,"Smith, ""Jr"""\n'
	} >"$f"
	upload sales erp "$f"
	id=$IMPORT_ID
	wait_import "$id"
	eq "all_or_nothing refuses the whole import" failed "$(jqb .status)"
	eq "counts: read, loaded, rejected" "8 0 6" "$(jqb '"\(.rows.read) \(.rows.loaded) \(.rows.rejected)"')"
	eq "nothing was loaded" "$sales0" "$(sql "SELECT count(*) FROM sales")"
	check "the reason is given" grep -q "6 of 8 rows are invalid" <<<"$(jqb .error)"
	eq "first errors in the status" 6 "$(jqb '.first_errors | length')"
	req GET "$BASE_URL/api/imports/$id/errors"
	eq "negative quantity: line 3" "3 quantity must not be negative" "$(jqb '.errors[0] | "\(.line) \(.column) \(.reason)"')"
	eq "a line break in a name: line 4" "4 order_ref" "$(jqb '.errors[1] | "\(.line) \(.column)"')"
	eq "lines after a quoted line break keep their numbers: bad UTF-8 on line 6" "6 order_ref not valid UTF-8" "$(jqb '.errors[2] | "\(.line) \(.column) \(.reason)"')"
	eq "the bad byte is shown, not stored raw" 'B\xff4' "$(jqb '.errors[2].value')"
	eq "no such day: line 7" "7 date not a calendar date (YYYY-MM-DD)" "$(jqb '.errors[3] | "\(.line) \(.column) \(.reason)"')"
	eq "unknown SKU: line 8" "8 sku" "$(jqb '.errors[4] | "\(.line) \(.column)"')"
	check "unknown SKU says so" grep -q "unknown SKU" <<<"$(jqb '.errors[4].reason')"
	eq "duplicate: line 9 names line 2" "9 a duplicate of line 2: the same sku, channel, date and order_ref" "$(jqb '.errors[5] | "\(.line) \(.reason)"')"

	# Paging through the errors.
	req GET "$BASE_URL/api/imports/$id/errors?limit=4"
	eq "a page of 4" 4 "$(jqb '.errors | length')"
	req GET "$BASE_URL$(jqb .next)"
	eq "the next page has the other 2" "2 null" "$(jqb '"\(.errors | length) \(.next)"')"

	# skip_invalid keeps the good rows.
	upload sales erp "$f" "&mode=skip_invalid"
	wait_import "$IMPORT_ID"
	eq "skip_invalid: completed_with_errors" completed_with_errors "$(jqb .status)"
	eq "skip_invalid: 2 loaded, 6 rejected" "2 6" "$(jqb '"\(.rows.loaded) \(.rows.rejected)"')"
	eq "exactly the good rows are in the table" "$((sales0 + 2))" "$(sql "SELECT count(*) FROM sales")"
	eq "a quoted comma and quotes are kept verbatim" 'Smith, "Jr"' "$(sql "SELECT order_ref FROM sales WHERE order_ref LIKE 'Smith%'")"
	req GET "$BASE_URL/api/data-sources"
	check "the source records the skipped rows" grep -q "6 of 8 rows were invalid and skipped" \
		<<<"$(jqb '.data_sources[] | select(.name == "erp") | .last_error')"

	# A SQL injection attempt is data, stored verbatim and harmless.
	f=$(csv inj "name,type,receivable_terms_days\n\"Robert'); DROP TABLE sales;--\",other,0\n")
	upload channels erp "$f"; wait_import "$IMPORT_ID"
	eq "the injection string is stored verbatim" "Robert'); DROP TABLE sales;--" "$(sql "SELECT name FROM channels WHERE type = 'other'")"
	eq "and sales is still there" "$((sales0 + 2))" "$(sql "SELECT count(*) FROM sales")"

	# Cross-field and range checks of the other types.
	f=$(csv inv 'date,sku,location,on_hand,reserved,inbound,unit_cost\n2025-05-31,WAT-1,Main,10,11,0,0.2\n2025-05-31,WAT-1,North,10,1.23456,0,0.2\n')
	upload inventory erp "$f" "&mode=skip_invalid"; wait_import "$IMPORT_ID"
	eq "inventory: both rows refused" "0 2" "$(jqb '"\(.rows.loaded) \(.rows.rejected)"')"
	eq "reserved above on hand is refused" "2 reserved reserved is more than on_hand" "$(first_error "$IMPORT_ID")"
	eq "five decimal places are refused" "3 reserved more than 4 decimal places" \
		"$(acurl -s "$BASE_URL/api/imports/$IMPORT_ID/errors" | jq -r '.errors[1] | "\(.line) \(.column) \(.reason)"')"
	f=$(csv rec 'invoice_ref,customer,channel,amount,currency,issued_on,due_on,paid_on\nI-1,Acme,Retail,100,EUR,2025-05-01,2010-04-01,\nI-2,Acme,,100,usd,2025-05-01,2025-06-01,\nI-3,Acme,,100,,2025-05-01,2025-06-01,\n')
	upload receivables erp "$f" "&mode=skip_invalid"; wait_import "$IMPORT_ID"
	eq "receivables: 1 loaded, 2 rejected" "1 2" "$(jqb '"\(.rows.loaded) \(.rows.rejected)"')"
	eq "due before issued is refused" "2 due_on due before it was issued" "$(first_error "$IMPORT_ID")"
	eq "an empty currency is BASE_CURRENCY" "USD" "$(sql "SELECT currency FROM receivables WHERE invoice_ref = 'I-3'")"
}

test_import_million_rows_and_a_crash() {
	local f id pid n
	seed_catalogue
	# A million rows (about 60 MB), through nginx, with a limit raised
	# for it; processing is killed half-way and must complete anyway.
	f=$RUN_DIR/t-million.csv
	awk 'BEGIN {
		print "date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref"
		split("WAT-1 COL-1 TEA-1", s, " "); split("Retail Online", c, " ")
		for (i = 0; i < 1000000; i++) {
			d = int(i / 6); y = 2000 + int(d / 336); m = 1 + int((d % 336) / 28); day = 1 + d % 28
			printf "%04d-%02d-%02d,%s,%s,%d,1.5,%.2f,0.5,M%d\n", y, m, day, s[1 + i % 3], c[1 + int(i / 3) % 2], 1 + i % 50, (1 + i % 50) * 1.5, i
		}
	}' >"$f"
	IMPORT_MAX_BYTES=128M restart_api
	n=$(sql "SELECT count(*) FROM sales")
	upload sales bulk "$f"
	eq "a million rows accepted" 202 "$CODE"
	id=$IMPORT_ID
	check "processing starts" wait_until 30 bash -c "[ \"\$(curl -s -H 'Authorization: Bearer $API_KEY' '$BASE_URL/api/imports/$id' | jq -r .status)\" = processing ]"
	pid=$(sql "SELECT split_part(worker, ':', 2) FROM imports WHERE id = $id")
	check "a sentia-worker process runs it" test "$(ps -o ppid= -p "$pid" | tr -d ' ')" = "$WORKER_PID"
	kill -KILL "$pid"
	check "the killed worker is replaced" wait_until 10 grep -q "\"pid\":$pid,.*\"signal\":\"Killed\"" "$RUN_DIR/logs/worker.log"
	wait_import "$id" 240
	eq "the import completes after the crash" completed "$(jqb .status)"
	eq "all million rows loaded" "1000000 1000000 0" "$(jqb '"\(.rows.read) \(.rows.loaded) \(.rows.rejected)"')"
	ge "it took more than one attempt" 2 "$(jqb .attempts)"
	eq "exactly a million rows more in the table" "$((n + 1000000))" "$(sql "SELECT count(*) FROM sales")"
	eq "every row from this import" 1000000 "$(sql "SELECT count(*) FROM sales WHERE import_id = $id")"
	# The workers that did the work give the memory back. (Not under
	# AddressSanitizer, whose allocator keeps freed memory in quarantine.)
	local p max=0 kib
	# (Not "ldd | grep -q": grep's early exit can fail ldd with SIGPIPE,
	# and pipefail then reads the pipeline as "no libasan".)
	if [[ $(ldd "$BUILD_DIR/sentia-api") != *libasan* ]]; then
		for p in $(pgrep -P "$WORKER_PID"); do
			kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
			[ "${kib:-0}" -gt "$max" ] && max=$kib
		done
		check "no worker holds on to the import's memory (largest ${max} KiB)" test "$max" -lt $((32 * 1024))
	fi
	restart_api
}

test_import_survives_a_postgresql_restart() {
	local f id n
	seed_catalogue
	f=$RUN_DIR/t-restart.csv
	awk 'BEGIN {
		print "date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref"
		for (i = 0; i < 300000; i++)
			printf "2001-%02d-%02d,COL-1,Retail,%d,1,%d,0.5,R%d\n", 1 + int(i / 28) % 12, 1 + i % 28, 1 + i % 9, 1 + i % 9, i
	}' >"$f"
	IMPORT_MAX_BYTES=64M restart_api
	n=$(sql "SELECT count(*) FROM sales")
	pg_stop
	upload sales restarts "$f"
	expect_error 503 database_unavailable
	check "and says when to retry" test -n "$(header Retry-After)"
	pg_start
	check "uploads are accepted again once PostgreSQL is back" wait_until 15 \
		bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer $API_KEY' -H 'Content-Type: text/csv' --data-binary @'$f' '$BASE_URL/api/imports?type=sales&source=restarts')\" = 202 ]"
	id=$(sql "SELECT max(id) FROM imports")
	# PostgreSQL goes away while the import is being processed.
	wait_until 30 bash -c "[ \"\$(psql '$DATABASE_URL' -Atc 'SELECT status FROM imports WHERE id = $id')\" != accepted ]"
	pg_stop
	pg_start
	wait_import "$id" 120
	eq "the import completes after PostgreSQL restarts" completed "$(jqb .status)"
	eq "every row, once" "$((n + 300000))" "$(sql "SELECT count(*) FROM sales")"
	restart_api
}

test_demo_data() {
	local out
	out=$("$BUILD_DIR/sentiactl" demo-data --seed 7 --end 2025-06-30 2>&1)
	check "demo-data succeeds" test $? -eq 0
	eq "six imports, all completed" 6 "$(grep -c ': completed;' <<<"$out")"
	eq "3 channels and 50 products, from the demo source" "3 50" "$(sql "SELECT (SELECT count(*) FROM channels WHERE name IN ('Retail', 'Wholesale', 'Online')) || ' ' || (SELECT count(*) FROM products WHERE import_id IN (SELECT i.id FROM imports i JOIN data_sources s ON s.id = i.source_id WHERE s.name = 'demo'))")"
	ge "three years of daily sales" 100000 "$(sql "SELECT count(*) FROM sales WHERE sale_date BETWEEN '2022-07-01' AND '2025-06-30'")"
	eq "sales run to the end day" "2025-06-30" "$(sql "SELECT max(sale_date) FROM sales WHERE sale_date <= '2025-06-30'")"
	ge "monthly inventory snapshots" 36 "$(sql "SELECT count(DISTINCT snapshot_date) FROM inventory_snapshots WHERE snapshot_date BETWEEN '2022-07-01' AND '2025-06-30'")"
	ge "receivables" 500 "$(sql "SELECT count(*) FROM receivables WHERE invoice_ref LIKE 'INV-%'")"
	ge "payables" 200 "$(sql "SELECT count(*) FROM payables WHERE bill_ref LIKE 'BILL-%'")"
	check "summer sells more than winter" test "$(sql "SELECT (sum(quantity) FILTER (WHERE extract(month FROM sale_date) IN (6,7,8)) > sum(quantity) FILTER (WHERE extract(month FROM sale_date) IN (12,1,2)))::text FROM sales WHERE sale_date BETWEEN '2022-07-01' AND '2025-06-30'")" = true
	# Reproducible: the same seed and end again change nothing at all.
	out=$("$BUILD_DIR/sentiactl" demo-data --seed 7 --end 2025-06-30 2>&1)
	eq "the same seed again: nothing new, nothing changed" 6 "$(grep -c '(0 new, 0 changed), 0 rejected' <<<"$out")"
	req GET "$BASE_URL/api/data-sources"
	eq "the demo source is fresh" true "$(jqb '.data_sources[] | select(.name == "demo") | .fresh')"
	out=$("$BUILD_DIR/sentiactl" demo-data --years 99 2>&1)
	eq "a bad option is a usage error" "usage: sentiactl demo-data [--seed N] [--end YYYY-MM-DD] [--years N]" "$out"
}
