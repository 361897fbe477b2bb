# shellcheck shell=bash
# Schema migrations: up, all the way down, up again; the lock; checksums;
# and /ready while the schema is behind.

# sql QUERY: one query's rows, unaligned, through psql.
sql() { psql "$DATABASE_URL" -Atqc "$1"; }
ctl() { "$BUILD_DIR/sentiactl" "$@"; }

# Every column, constraint and index of the public schema, as one digest,
# so a round trip can be checked to rebuild exactly the same schema.
schema_digest() {
	sql "SELECT md5(string_agg(x, ';' ORDER BY x)) FROM (
		SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(column_default, '')
		  FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
		UNION ALL SELECT conrelid::regclass || ':' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
		UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public') s(x)"
}

# The tables in the public schema, comma-separated and sorted.
tables() { sql "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'"; }

SCHEMA_V0="schema_migrations"
SCHEMA_V1="data_sources,import_documents,import_errors,imports,schema_migrations"
SCHEMA_V2="channels,data_sources,import_documents,import_errors,imports,inventory_snapshots,payables,products,receivables,sales,schema_migrations"
SCHEMA_V3="channels,data_sources,import_documents,import_errors,imports,inventory_snapshots,jobs,payables,products,receivables,sales,schema_migrations"
SCHEMA_LATEST="api_keys,audit_log,balance_sheet,channels,data_sources,erased_users,forecast_runs,forecasts,import_documents,import_errors,imports,inventory_snapshots,jobs,payables,products,receivables,sales,schema_migrations,user_role_history,users,working_capital_snapshots"

test_migrate_down_up_and_ready() {
	local out digest
	eq "the suite starts at version 7" "7" "$(sql 'SELECT max(version) FROM schema_migrations')"
	digest=$(schema_digest)
	eq "the schema at version 7" "$SCHEMA_LATEST" "$(tables)"
	req GET "$BASE_URL/ready"
	eq "/ready 200 when migrated" 200 "$CODE"
	eq "/ready migrations ok" ok "$(jqb .checks.migrations)"

	ctl migrate down 3 >/dev/null 2>&1
	check "migrate down 3 succeeds" test $? -eq 0
	eq "the schema at version 3" "$SCHEMA_V3" "$(tables)"
	ctl migrate down 2 >/dev/null 2>&1
	check "migrate down 2 succeeds" test $? -eq 0
	eq "the schema at version 2" "$SCHEMA_V2" "$(tables)"
	out=$(ctl migrate down 1 2>&1)
	check "migrate down 1 succeeds" test $? -eq 0
	eq "down 1 says where it ended" "the database is at version 1" "$(tail -n 1 <<<"$out")"
	eq "the schema at version 1" "$SCHEMA_V1" "$(tables)"
	req GET "$BASE_URL/ready"
	eq "/ready 503 while the schema is behind" 503 "$CODE"
	eq "/ready says migrations pending" pending "$(jqb .checks.migrations)"
	eq "/ready shows the version" "1/7" "$(jqb '"\(.schema.version)/\(.schema.expected)"')"

	ctl migrate down 0 >/dev/null 2>&1
	check "migrate down 0 succeeds" test $? -eq 0
	eq "nothing but the bookkeeping table at version 0" "$SCHEMA_V0" "$(tables)"
	eq "no applied versions at 0" "0" "$(sql 'SELECT count(*) FROM schema_migrations')"
	out=$(ctl migrate status 2>&1)
	check "status lists all seven as pending" grep -q "database at version 0; this build expects 7; 7 pending" <<<"$out"

	# Two runs at once: the advisory lock makes the second wait, and each
	# migration is applied exactly once.
	ctl migrate up >"$RUN_DIR/migrate-a.log" 2>&1 &
	local a=$!
	ctl migrate up >"$RUN_DIR/migrate-b.log" 2>&1 &
	local b=$!
	wait "$a"; local ra=$?
	wait "$b"; local rb=$?
	eq "both concurrent runs succeed" "0 0" "$ra $rb"
	eq "each migration applied once" "1,2,3,4,5,6,7" "$(sql "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations")"
	eq "each applied by exactly one run" 7 "$(cat "$RUN_DIR"/migrate-[ab].log | grep -c '^applying')"
	eq "the schema at version 7 again" "$SCHEMA_LATEST" "$(tables)"
	restore_test_key
	eq "column for column, constraint for constraint, the same schema" "$digest" "$(schema_digest)"
	check "/ready 200 again once migrated" wait_until 10 \
		bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$BASE_URL/ready')\" = 200 ]"

	# The constraints hold after a round trip: a negative price is refused
	# by the database itself, whatever path it comes by.
	check "the database refuses a negative price" bash -c \
		"! psql '$DATABASE_URL' -qc \"INSERT INTO products (sku, name, category, unit_cost, selling_price, lead_time_days) VALUES ('X-1', 'x', 'c', -1, 1, 1)\" 2>/dev/null"
	check "and a reserved quantity above on hand" bash -c \
		"psql '$DATABASE_URL' -Atc \"SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'inventory_snapshots'::regclass\" | grep -q 'reserved <= on_hand'"
	eq "money is numeric" "numeric" "$(sql "SELECT string_agg(DISTINCT data_type, ',') FROM information_schema.columns WHERE table_name IN ('sales','receivables','payables','products') AND column_name IN ('unit_price','net_revenue','cogs','amount','unit_cost','selling_price')")"
}

test_migrate_refuses_a_changed_migration() {
	local out rc
	sql "UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1" >/dev/null
	out=$(ctl migrate up 2>&1); rc=$?
	eq "migrate up fails on a changed migration" 1 "$rc"
	check "it names the migration and says it changed" grep -q "migration 0001_imports was changed after it was applied" <<<"$out"
	check "and that nothing was changed" grep -q "nothing was changed" <<<"$out"
	out=$(ctl migrate status 2>&1); rc=$?
	eq "status exits 1" 1 "$rc"
	check "status marks it CHANGED" grep -q "0001_imports.*CHANGED" <<<"$out"
	out=$(ctl migrate down 0 2>&1); rc=$?
	eq "migrate down refuses too" 1 "$rc"
	eq "and the schema is untouched" "$SCHEMA_LATEST" "$(tables)"

	# A database newer than the binary: refused with a clear message.
	restore_checksum 1
	sql "INSERT INTO schema_migrations (version, name, checksum, execution_ms) VALUES (99, 'future', repeat('a', 64), 0)" >/dev/null
	out=$(ctl migrate up 2>&1); rc=$?
	eq "migrate up refuses a database newer than itself" 1 "$rc"
	check "it says the database is newer" grep -q "the database is newer than this sentiactl" <<<"$out"
	req GET "$BASE_URL/ready"
	eq "/ready is fine with a newer schema (rolling deploys)" ok "$(jqb .checks.migrations)"
	sql "DELETE FROM schema_migrations WHERE version = 99" >/dev/null
	out=$(ctl migrate up 2>&1); rc=$?
	eq "migrate up succeeds once restored" 0 "$rc"
	check "and finds nothing to do" grep -q "up to date at version 7" <<<"$out"
	out=$(ctl migrate down 8 2>&1); rc=$?
	eq "down to an unknown version is refused" 1 "$rc"
	out=$(ctl migrate sideways 2>&1); rc=$?
	eq "a wrong verb is a usage error" 2 "$rc"
}

# restore_test_key: puts the suite's API key back after a round trip
# through version 0 dropped it (the key itself is known; its hash is kept).
restore_test_key() {
	sql "INSERT INTO api_keys (name, role, prefix, key_hash) VALUES ('integration-tests', 'admin', '${API_KEY:0:11}',
		'$(printf '%s' "$API_KEY" | sha256sum | cut -d' ' -f1)') ON CONFLICT (name) DO NOTHING" >/dev/null
}

# restore_checksum VERSION: puts back the checksum sentiactl records: the
# SHA-256 of the migration's up half, recomputed here from its file.
restore_checksum() {
	local f sum
	f=$(ls "$SENTIA_TOP"/sql/"$(printf '%04d' "$1")"_*.up.sql)
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	sql "UPDATE schema_migrations SET checksum = '$sum' WHERE version = $1" >/dev/null
}
