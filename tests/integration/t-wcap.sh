# shellcheck shell=bash
# Working capital over HTTP: figures checked to the cent and the day
# against a small data set worked out by hand below, the documented
# answers for empty and odd periods, snapshots and their recency, the
# scenarios, the inventory policy, the cache and entity tags.

# job_status ID: a job's status now.
job_status() { acurl -s --max-time 10 "$BASE_URL/api/jobs/$1" | jq -r .status; }
job_succeeded() { [ "$(job_status "$1")" = succeeded ]; }

# The hand-worked data set. as_of 2025-03-31 with a 90-day window covers
# sales dated 2025-01-01 to 2025-03-31, both included.
#
# Sales in the window: revenue 900 + 600 + 2100 = 3600.00,
#                      cogs    200 + 175 +  600 =  975.00.
# Outside it: 2024-12-31 (the day before) and 2025-04-01 (the day after).
#
# Receivables open on 2025-03-31, in USD:
#   INV-1 1200.00 due 2025-03-31, unpaid          current (0 days overdue)
#   INV-2  450.50 due 2025-03-03, unpaid          1-30    (28 days)
#   INV-3  300.00 due 2025-01-31, paid 2025-04-05 31-60   (59 days; paid after as_of)
#   INV-5  100.00 due 2024-12-01, unpaid          over 90 (120 days)
#   = 2050.50. Not counted: INV-4 (paid 2025-03-15), INV-7 (issued after
#   as_of), INV-6 (EUR 500.00: listed under "excluded").
# Payables open: BILL-1 400.00 current, BILL-2 180.25 due 2025-01-14 (76
#   days: 61-90) = 580.25. BILL-3 was paid 2025-03-02.
# Inventory, the latest snapshot on or before as_of per product and
#   location: WAT-1/MAIN 800 x 0.20 (2025-03-30; the 2025-03-01 one is
#   older) = 160.00, WAT-1/EAST 100 x 0.20 = 20.00, COL-1/MAIN 600 x 0.35
#   = 210.00 (its 2025-04-15 snapshot is after as_of) = 390.00.
#
# DSO = 2050.50 / 3600 x 90 = 51.2625   -> 51.26
# DIO =  390.00 /  975 x 90 = 36.00
# DPO =  580.25 /  975 x 90 = 53.5615.. -> 53.56
# CCC = 51.26 + 36.00 - 53.56 = 33.70
# Net working capital = 2050.50 + 390.00 - 580.25 = 1860.25
# Inventory turnover = 975 / 390 x 365 / 90 = 10.138.. -> 10.14
# Balance sheet 2025-03-31: cash 1000, other current assets 50, other
#   current liabilities 300. Current assets = 1000 + 50 + 2050.50 + 390 =
#   3490.50; current liabilities = 580.25 + 300 = 880.25;
#   current ratio = 3.9653.. -> 3.97; quick = 3100.50 / 880.25 = 3.5223.. -> 3.52.
wc_fixture() {
	local f
	sql "TRUNCATE sales, inventory_snapshots, receivables, payables, balance_sheet, working_capital_snapshots, forecasts, forecast_runs" >/dev/null
	seed_catalogue
	f=$(csv wc-sales 'date,sku,channel,quantity,unit_price,net_revenue,cogs,order_ref\n2024-12-31,WAT-1,Retail,100,50,5000.00,1000.00,X0\n2025-01-15,WAT-1,Retail,1000,0.9,900.00,200.00,W1\n2025-02-10,COL-1,Online,500,1.2,600.00,175.00,C1\n2025-03-20,TEA-1,Retail,1500,1.4,2100.00,600.00,T1\n2025-04-01,WAT-1,Retail,100,70,7000.00,1000.00,X1\n')
	upload sales wc "$f"; wait_import "$IMPORT_ID"
	f=$(csv wc-rec 'invoice_ref,customer,amount,currency,issued_on,due_on,paid_on\nINV-1,Acme,1200.00,USD,2025-03-01,2025-03-31,\nINV-2,Acme,450.50,,2025-02-01,2025-03-03,\nINV-3,Bolt,300.00,USD,2025-01-01,2025-01-31,2025-04-05\nINV-4,Bolt,999.99,USD,2025-01-01,2025-01-15,2025-03-15\nINV-5,Core,100.00,USD,2024-11-01,2024-12-01,\nINV-6,Dax,500.00,EUR,2025-03-01,2025-03-31,\nINV-7,Core,250.00,USD,2025-04-02,2025-05-02,\n')
	upload receivables wc "$f"; wait_import "$IMPORT_ID"
	f=$(csv wc-pay 'bill_ref,supplier,amount,currency,issued_on,due_on,paid_on\nBILL-1,Mill,400.00,USD,2025-03-10,2025-04-09,\nBILL-2,Mill,180.25,USD,2024-12-15,2025-01-14,\nBILL-3,Cans,99.75,USD,2025-02-01,2025-03-01,2025-03-02\n')
	upload payables wc "$f"; wait_import "$IMPORT_ID"
	f=$(csv wc-inv 'date,sku,location,on_hand,reserved,inbound,unit_cost\n2025-03-01,WAT-1,MAIN,1000,0,0,0.20\n2025-03-30,WAT-1,MAIN,800,50,200,0.20\n2025-02-15,WAT-1,EAST,100,0,0,0.20\n2025-03-30,COL-1,MAIN,600,0,0,0.35\n2025-04-15,COL-1,MAIN,5,0,0,0.35\n')
	upload inventory wc "$f"; wait_import "$IMPORT_ID"
	f=$(csv wc-bs 'date,cash,other_current_assets,other_current_liabilities\n2025-03-31,1000,50,300\n')
	upload balance_sheet wc "$f"; wait_import "$IMPORT_ID"
	eq "balance sheet imported" completed "$(jqb .status)"
}

test_working_capital_figures() {
	wc_fixture
	req GET "$BASE_URL/api/working-capital?as_of=2025-03-31&window_days=90"
	eq "figures for a day and window: 200" 200 "$CODE"
	eq "as_of, window, currency" "2025-03-31 90 USD" "$(jqb '"\(.as_of) \(.window_days) \(.currency)"')"
	eq "revenue and cogs (only the window's sales)" "3600 975" "$(jqb '"\(.revenue) \(.cogs)"')"
	eq "receivables, payables, inventory" "2050.5 580.25 390" "$(jqb '"\(.receivables) \(.payables) \(.inventory_value)"')"
	eq "net working capital" "1860.25" "$(jqb .net_working_capital)"
	eq "DSO DIO DPO CCC to the day" "51.26 36 53.56 33.7" "$(jqb '"\(.dso) \(.dio) \(.dpo) \(.ccc)"')"
	check "money is written exactly as PostgreSQL summed it, to the cent" grep -q '"receivables":2050.50,"payables":580.25,"inventory_value":390.00,' "$BODY"
	check "days are written to two places" grep -q '"dio":36.00,' "$BODY"
	eq "inventory turnover" "10.14" "$(jqb .inventory_turnover)"
	eq "current and quick ratio" "3.97 3.52" "$(jqb '"\(.current_ratio) \(.quick_ratio)"')"
	eq "DSO explained: formula" "receivables / revenue x window_days" "$(jqb .figures.dso.formula)"
	eq "DSO explained: inputs" "2050.5 3600 90" "$(jqb '.figures.dso.inputs | "\(.receivables) \(.revenue) \(.window_days)"')"
	eq "open document counts" "4 2 3" "$(jqb '"\(.figures.receivables.inputs.receivables_open) \(.figures.payables.inputs.payables_open) \(.figures.inventory_value.inputs.inventory_positions)"')"
	eq "another currency is left out, and listed" "receivables EUR 1 500" "$(jqb '.excluded[] | "\(.kind) \(.currency) \(.count) \(.amount)"')"
	eq "computed now, not a snapshot" "false" "$(jqb .snapshot)"

	req GET "$BASE_URL/api/working-capital/ageing?as_of=2025-03-31"
	eq "ageing: 200" 200 "$CODE"
	eq "receivables by bucket" "current:1:1200 1_30:1:450.5 31_60:1:300 61_90:0:0 over_90:1:100" \
		"$(jqb '[.receivables.buckets[] | "\(.bucket):\(.count):\(.amount)"] | join(" ")')"
	eq "receivables total" "4 2050.5" "$(jqb '"\(.receivables.count) \(.receivables.amount)"')"
	eq "payables by bucket" "current:1:400 1_30:0:0 31_60:0:0 61_90:1:180.25 over_90:0:0" \
		"$(jqb '[.payables.buckets[] | "\(.bucket):\(.count):\(.amount)"] | join(" ")')"

	# A period with no data at all: nothing divides by zero.
	req GET "$BASE_URL/api/working-capital?as_of=2024-06-30&window_days=30"
	eq "empty period: 200" 200 "$CODE"
	eq "empty period: zero sums" "0 0 0 0" "$(jqb '"\(.revenue) \(.receivables) \(.payables) \(.inventory_value)"')"
	eq "empty period: days are null" "null null null null" "$(jqb '"\(.dso) \(.dio) \(.dpo) \(.ccc)"')"
	eq "no revenue: the reason" "no revenue in the window" "$(jqb .figures.dso.reason)"
	eq "no cost of goods: the reason" "no cost of goods sold in the window" "$(jqb .figures.dio.reason)"
	eq "no inventory snapshot: turnover null with a reason" "null no inventory value on as_of" \
		"$(jqb '"\(.inventory_turnover) \(.figures.inventory_turnover.reason)"')"
	eq "no balance sheet in the window: ratios null" "null null" "$(jqb '"\(.current_ratio) \(.quick_ratio)"')"

	# Bad parameters.
	req GET "$BASE_URL/api/working-capital?as_of=2025-02-30"
	expect_error 400 invalid_parameter
	req GET "$BASE_URL/api/working-capital?window_days=0"
	expect_error 400 invalid_parameter
	req GET "$BASE_URL/api/working-capital/history?from=2025-13"
	expect_error 400 invalid_parameter
	req GET "$BASE_URL/api/working-capital/history?from=2000-01&to=2025-01"
	expect_error 400 invalid_parameter
}

test_working_capital_snapshots_and_scenarios() {
	local id viewer
	wc_fixture
	req POST "$BASE_URL/api/working-capital/recompute" -H 'Content-Type: application/json' \
		-d '{"as_of":"2025-03-31","window_days":90}'
	eq "recompute: 202" 202 "$CODE"
	eq "recompute: a working-capital job" "working-capital working-capital.recompute" "$(jqb '"\(.queue) \(.type)"')"
	id=$(jqb .id)
	check "the job succeeds" wait_until 30 job_succeeded "$id"
	eq "one snapshot for the day and window" "1" "$(sql "SELECT count(*) FROM working_capital_snapshots WHERE as_of = '2025-03-31' AND window_days = 90")"
	sql "DELETE FROM working_capital_snapshots WHERE as_of <> '2025-03-31'" >/dev/null
	req GET "$BASE_URL/api/working-capital"
	eq "latest snapshot: 200" 200 "$CODE"
	eq "latest snapshot: its figures" "true 2025-03-31 51.26 36 53.56 33.7" "$(jqb '"\(.snapshot) \(.as_of) \(.dso) \(.dio) \(.dpo) \(.ccc)"')"
	check "latest snapshot: computed_at" grep -qE '"computed_at":"[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$BODY"
	eq "latest snapshot: fresh" "false" "$(jqb .stale)"

	# Scenarios against it. DSO 30 releases 2050.50 - 30 x 3600 / 90 =
	# 850.50; DPO 60 releases 60 x 975 / 90 - 580.25 = 69.75; together
	# 920.25, and the cycle becomes 30 + 36.00 - 60 = 6.00.
	req POST "$BASE_URL/api/working-capital/scenarios" -H 'Content-Type: application/json' \
		-d '{"target_dso":30,"target_dpo":60}'
	eq "scenario: 200" 200 "$CODE"
	eq "scenario: levers" "dso:51.26:850.5 dpo:53.56:69.75" "$(jqb '[.levers[] | "\(.lever):\(.current):\(.cash_released)"] | join(" ")')"
	eq "scenario: total" "920.25" "$(jqb .total_cash_released)"
	eq "scenario: cycle" "33.7 6" "$(jqb '"\(.cycle.current) \(.cycle.resulting)"')"
	req POST "$BASE_URL/api/working-capital/scenarios" -H 'Content-Type: application/json' -d '{"target_dio":45}'
	eq "a longer DIO absorbs cash: 390 - 45 x 975 / 90" "-97.5" "$(jqb '.levers[0].cash_released')"
	for body in '{"target_dso":366}' '{"target_dso":-1}' '{"target_dso":"30"}' '{}' '{"target_dso":30,"dso":1}' '[1]' '{"target_dso":'; do
		req POST "$BASE_URL/api/working-capital/scenarios" -H 'Content-Type: application/json' -d "$body"
		expect_error 400 invalid_body
	done
	viewer=$("$BUILD_DIR/sentiactl" apikey create --name wc-viewer --role viewer 2>/dev/null)
	REQ_AUTH="Bearer $viewer" req POST "$BASE_URL/api/working-capital/scenarios" -H 'Content-Type: application/json' -d '{"target_dso":30}'
	expect_error 403 forbidden
	REQ_AUTH="Bearer $viewer" req GET "$BASE_URL/api/working-capital"
	eq "a viewer reads the figures" 200 "$CODE"

	# Recency: a snapshot older than 24 hours breaches, on /metrics and in
	# the answer.
	sql "UPDATE working_capital_snapshots SET computed_at = now() - interval '25 hours'" >/dev/null
	# (The scoreboard is refreshed every few seconds: wait for the age,
	# then the breach flag read with it is the new one.)
	check "/metrics shows the age" wait_until 15 bash -c "[ \"\$(curl -s '$STATUS_URL/metrics' | awk '\$1 == \"sentia_working_capital_recency_seconds\" { print \$2 }')\" -ge 90000 ] 2>/dev/null"
	eq "/metrics shows the breach" 1 "$(metric sentia_working_capital_recency_breach)"
	req GET "$BASE_URL/api/working-capital"
	eq "the answer says stale" "true" "$(jqb .stale)"
	local slo rc
	slo=$("$BUILD_DIR/sentiactl" slo); rc=$?
	check "the SLO report: recency 25 h is a warning" grep -qE '^working-capital recency +< 24 h +now +25\.0 h +warning' <<<"$slo"
	check "the SLO report exits non-zero" test "$rc" -ge 1
	sql "UPDATE working_capital_snapshots SET computed_at = now() - interval '50 hours'" >/dev/null
	check "the SLO report: 50 h is critical, exit 2" bash -c "'$BUILD_DIR/sentiactl' slo | grep -qE '^working-capital recency .* critical'; [ \${PIPESTATUS[0]} -eq 2 ]"
	sql "UPDATE working_capital_snapshots SET computed_at = now()" >/dev/null
	check "the SLO report: a fresh snapshot is ok" bash -c "'$BUILD_DIR/sentiactl' slo | grep -qE '^working-capital recency .* ok '"
	check "/metrics clears the breach" wait_until 15 bash -c "[ \"\$(curl -s '$STATUS_URL/metrics' | awk '\$1 == \"sentia_working_capital_recency_breach\" { print \$2 }')\" = 0 ]"

	# An import of finance data queues a recompute of its own. Paying every
	# invoice leaves no receivables: DSO is 0, not null.
	local f
	f=$(csv wc-paid 'invoice_ref,customer,amount,currency,issued_on,due_on,paid_on\nINV-1,Acme,1200.00,USD,2025-03-01,2025-03-31,2025-03-20\nINV-2,Acme,450.50,,2025-02-01,2025-03-03,2025-03-20\nINV-3,Bolt,300.00,USD,2025-01-01,2025-01-31,2025-03-20\nINV-5,Core,100.00,USD,2024-11-01,2024-12-01,2025-03-20\nINV-6,Dax,500.00,EUR,2025-03-01,2025-03-31,2025-03-20\n')
	upload receivables wc "$f"; wait_import "$IMPORT_ID"
	check "the import queued a recompute" wait_until 20 bash -c "[ \"\$(psql '$DATABASE_URL' -Atqc \"SELECT status FROM jobs WHERE dedupe_key = 'working-capital-after-import-$IMPORT_ID'\")\" = succeeded ]"
	req GET "$BASE_URL/api/working-capital?as_of=2025-03-31&window_days=90"
	eq "all invoices paid: no receivables, DSO 0" "0 0 0" "$(jqb '"\(.receivables) \(.dso) \(.excluded | length)"')"
	req GET "$BASE_URL/api/working-capital/ageing?as_of=2025-03-31"
	eq "all invoices paid: every bucket empty" "0 0" "$(jqb '"\(.receivables.count) \(.receivables.amount)"')"
}

test_working_capital_history() {
	wc_fixture
	req GET "$BASE_URL/api/working-capital/history?from=2025-01&to=2025-03"
	eq "history: 200" 200 "$CODE"
	eq "history: one entry per month" "2025-01 2025-02 2025-03" "$(jqb '[.months[].month] | join(" ")')"
	eq "history: month ends and lengths" "2025-01-31:31 2025-02-28:28 2025-03-31:31" "$(jqb '[.months[] | "\(.as_of):\(.window_days)"] | join(" ")')"
	eq "history: revenue per month" "900 600 2100" "$(jqb '[.months[].revenue] | join(" ")')"
	# March: receivables 2050.50 over revenue 2100 x 31 days = 30.27.
	eq "history: March DSO" "30.27" "$(jqb '.months[2].dso')"
	req GET "$BASE_URL/api/working-capital/history"
	eq "history by default: the last twelve months" "12" "$(jqb '.months | length')"
}

test_inventory_policy() {
	wc_fixture
	# WAT-1 sold 1000 on 2025-01-15, 100 on 2025-04-01 (after as_of) and
	# nothing else in the 90 days to 2025-03-31: a daily mean of 1000 / 90.
	req GET "$BASE_URL/api/inventory/policy?sku=WAT-1&as_of=2025-03-31&history_days=90&service_level=0.95"
	eq "policy: 200" 200 "$CODE"
	eq "policy: demand" "11.11 105.41 1" "$(jqb '"\(.demand.daily_mean) \(.demand.daily_sd) \(.demand.days_with_sales)"')"
	eq "policy: z for 95 %" "1.6449" "$(jqb .z)"
	# Lead time 7 days: safety = 1.64485 x 105.409 x sqrt(7) = 458.728;
	# reorder point = 7 x 11.111 + 458.728 = 536.51.
	eq "policy: safety stock and reorder point" "458.73 536.51" "$(jqb '"\(.safety_stock) \(.reorder_point)"')"
	eq "policy: available (on hand less reserved), inbound" "850 200" "$(jqb '"\(.available) \(.inbound)"')"
	eq "policy: days of supply" "76.5" "$(jqb .days_of_supply)"
	eq "policy: no reorder needed" "false" "$(jqb .reorder_now)"
	req GET "$BASE_URL/api/inventory/policy?sku=TEA-1&as_of=2025-03-31"
	eq "no stock snapshot: said so" "null no inventory snapshot of this product" "$(jqb '"\(.stockout_risk) \(.reason)"')"
	req GET "$BASE_URL/api/inventory/policy?as_of=2025-03-31&limit=2"
	eq "every product, a page at a time" "2 COL-1" "$(jqb '"\(.products | length) \(.products[0].sku)"')"
	req GET "$BASE_URL/api/inventory/policy?sku=NOPE-1"
	expect_error 404 not_found
	req GET "$BASE_URL/api/inventory/policy?service_level=1.5"
	expect_error 400 invalid_parameter

	# With a forecast, demand comes from its first period: WAT-1's monthly
	# history ends with March (the newest sale is 2025-04-01), so the first
	# forecast period is April, 30 days.
	local run f
	req POST "$BASE_URL/api/forecasts" -H 'Content-Type: application/json' -d '{"sku":"WAT-1","horizon":3,"frequency":"month"}'
	run=$(jqb .id)
	check "the forecast run ends" wait_until 30 bash -c "[ \"\$(curl -s -H 'Authorization: Bearer $API_KEY' '$BASE_URL/api/forecasts/jobs/$run' | jq -r .status)\" = succeeded ]"
	req GET "$BASE_URL/api/forecasts/jobs/$run/results"
	eq "the forecast starts in April" "2025-04-01" "$(jqb '.results[0].points[0].period')"
	f=$(jqb '.results[0].points[0].forecast')
	req GET "$BASE_URL/api/inventory/policy?sku=WAT-1&as_of=2025-03-31"
	eq "policy: from the forecast" "forecast $run" "$(jqb '"\(.basis) \(.forecast_run_id)"')"
	eq "policy: daily demand is April's forecast over 30 days" "$(awk -v f="$f" 'BEGIN { printf "%.2f", f / 30 }')" \
		"$(grep -o '"daily_mean":[0-9.]*' "$BODY" | cut -d: -f2)"
}

test_cache_and_etags() {
	local tag body1
	wc_fixture
	req GET "$BASE_URL/api/working-capital/ageing?as_of=2025-03-31"
	tag=$(header ETag)
	check "a JSON GET carries an ETag" grep -qE '^"[0-9a-f]{32}"$' <<<"$tag"
	req GET "$BASE_URL/api/working-capital/ageing?as_of=2025-03-31" -H "If-None-Match: $tag"
	eq "a matching If-None-Match: 304" 304 "$CODE"
	eq "a 304 has no body" 0 "$(wc -c <"$BODY")"
	eq "a 304 names the tag" "$tag" "$(header ETag)"
	req GET "$BASE_URL/api/working-capital/ageing?as_of=2025-03-31" -H "If-None-Match: \"x\", W/$tag"
	eq "a weak tag in a list matches" 304 "$CODE"
	req GET "$BASE_URL/api/working-capital/ageing?as_of=2025-03-31" -H 'If-None-Match: "0000"'
	eq "another tag: 200" 200 "$CODE"

	ENABLE_CACHE=true restart_api
	req GET "$BASE_URL/api/working-capital?as_of=2025-03-31&window_days=90"
	eq "cache on: first read is a miss" miss "$(header X-Cache)"
	body1=$(cat "$BODY")
	req GET "$BASE_URL/api/working-capital?as_of=2025-03-31&window_days=90"
	eq "second read is a hit" hit "$(header X-Cache)"
	eq "a hit is the same answer" "$body1" "$(cat "$BODY")"
	req GET "$BASE_URL/api/working-capital?as_of=2025-03-31&window_days=30"
	eq "another query is another entry" miss "$(header X-Cache)"
	# New data makes every entry obsolete at once.
	local f
	f=$(csv wc-more 'invoice_ref,customer,amount,currency,issued_on,due_on,paid_on\nINV-8,Acme,49.50,USD,2025-03-05,2025-04-04,\n')
	upload receivables wc "$f"; wait_import "$IMPORT_ID"
	req GET "$BASE_URL/api/working-capital?as_of=2025-03-31&window_days=90"
	eq "after an import: a miss" miss "$(header X-Cache)"
	eq "after an import: the new figures" "2100" "$(jqb .receivables)"
	redis_stop
	req GET "$BASE_URL/api/working-capital?as_of=2025-03-31&window_days=90"
	eq "Redis down: the cache is bypassed, not an error" "200 2100" "$CODE $(jqb .receivables)"
	redis_start
	wait_until 15 bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$BASE_URL/ready')\" = 200 ]"
	restart_api
}
