# shellcheck shell=bash
# Users: Clerk's webhooks (signed the Svix way; every signature here is
# made by openssl at run time, never by sentia), the users table they keep,
# the GDPR export and erasure, and retention.

# The suite's webhook secret: whsec_ and the base64 of a 32-byte key.
U_SECRET="whsec_$(printf 'sentia-integration-webhook-key!!' | base64)"

u_sql() { psql "$DATABASE_URL" -Atqc "$1"; }

# u_sign SECRET ID TIMESTAMP FILE: the base64 HMAC-SHA256 of "ID.TIMESTAMP.BODY"
# under the secret's key (the base64 after whsec_, decoded), by openssl.
u_sign() {
	local hexkey
	hexkey=$(printf '%s' "${1#whsec_}" | base64 -d | xxd -p -c 256)
	{ printf '%s.%s.' "$2" "$3"; cat "$4"; } | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" -binary | base64
}

# u_hook FILE [SVIX-ID] [TIMESTAMP] [SECRET]: POSTs FILE to the Clerk
# webhook, signed (U_SIG, when set, is sent as the signature header
# instead). Sets CODE, BODY and HEAD; U_ID is the svix-id used.
u_hook() {
	local f=$1 ts=${3:-$(date +%s)} secret=${4:-$U_SECRET} sig
	U_ID=${2:-msg_$RANDOM$RANDOM$RANDOM}
	sig=${U_SIG:-v1,$(u_sign "$secret" "$U_ID" "$ts" "$f")}
	REQ_AUTH='' req POST "$BASE_URL/api/webhooks/clerk" -H "svix-id: $U_ID" -H "svix-timestamp: $ts" \
		-H "svix-signature: $sig" -H 'Content-Type: application/json' --data-binary "@$f"
}

# u_event FILE TYPE ID [EMAIL] [FIRST] [LAST] [ROLE] [UPDATED-MS]: writes a
# Clerk event, pretty-printed (the bytes are signed as they are).
u_event() {
	local role=${7:-}
	jq -n --arg type "$2" --arg id "$3" --arg email "${4:-}" --arg first "${5:-}" --arg last "${6:-}" \
		--arg role "$role" --argjson updated "${8:-$(date +%s%3N)}" '{
		type: $type, object: "event",
		data: ({ id: $id, object: "user", first_name: $first, last_name: $last, username: null,
		         primary_email_address_id: "idn_primary",
		         email_addresses: [{ id: "idn_other", email_address: ("other." + $email) },
		                           { id: "idn_primary", email_address: $email }],
		         public_metadata: (if $role == "" then {} else { role: $role } end),
		         created_at: 1700000000000, updated_at: $updated }
		       | if $type == "user.deleted" then { id: $id, object: "user", deleted: true } else . end)
	}' >"$1"
}

# u_user ID EMAIL FIRST LAST ROLE: creates a user through the webhook.
u_user() {
	u_event "$RUN_DIR/u-create.json" user.created "$1" "$2" "$3" "$4" "$5"
	u_hook "$RUN_DIR/u-create.json"
	[ "$CODE" = 200 ] || fail "user $1 created through the webhook" "status $CODE: $(cat "$BODY")"
}

# u_keys: a key pair for session tokens, and a pool that takes them and
# the webhook secret.
u_keys() {
	[ -f "$RUN_DIR/u-jwt.key" ] || openssl genrsa -out "$RUN_DIR/u-jwt.key" 2048 2>/dev/null
	openssl rsa -in "$RUN_DIR/u-jwt.key" -pubout -out "$RUN_DIR/u-jwt.pub" 2>/dev/null
	CLERK_WEBHOOK_SIGNING_SECRET=$U_SECRET CLERK_JWT_KEY=$(cat "$RUN_DIR/u-jwt.pub") CLERK_ISSUER=https://clerk.test \
		restart_api
}

u_b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# u_token SUB [ROLE]: a session token for SUB (no role claim when ROLE is empty).
u_token() {
	local now h p meta=''
	now=$(date +%s)
	[ -n "${2:-}" ] && meta=",\"metadata\":{\"role\":\"$2\"}"
	h=$(printf '%s' '{"alg":"RS256","typ":"JWT"}' | u_b64url)
	p=$(printf '{"sub":"%s","sid":"sess_%s","iss":"https://clerk.test","iat":%d,"nbf":%d,"exp":%d%s}' "$1" "$1" "$now" "$((now - 10))" \
		"$((now + 600))" "$meta" | u_b64url)
	printf '%s.%s.%s' "$h" "$p" "$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -sign "$RUN_DIR/u-jwt.key" -binary | u_b64url)"
}

# u_import TOKEN: a small channels import made by the token's user; sets IMPORT_ID.
u_import() {
	REQ_AUTH="Bearer $1" req POST "$BASE_URL/api/imports?type=channels&source=users-test" -H 'Content-Type: text/csv' \
		--data-binary $'name,type,receivable_terms_days\nUsers Test,other,1\n'
	U_IMPORT=$(jqb .id)
}

# u_lacks TEXT NEEDLE...: none of the needles is in TEXT (any case).
u_lacks() {
	local text=$1 n; shift
	for n in "$@"; do grep -qiF -- "$n" <<<"$text" && return 1; done
	return 0
}

# u_hook_ok FILE ID: the delivery is answered 200 (for wait_until).
u_hook_ok() { u_hook "$1" "$2"; [ "$CODE" = 200 ]; }

u_job_is() { [ "$(u_sql "SELECT status FROM jobs WHERE id = $1")" = "$2" ]; }

# u_holders NEEDLE: every text, varchar, json and jsonb column of the public
# schema with a value holding NEEDLE (any case), as table.column lines, and
# import_documents.content when a stored document holds its bytes (as
# given, or in lower case).
u_holders() {
	psql "$DATABASE_URL" -Atq -v needle="$1" <<'SQL'
SELECT format('SELECT %L FROM %I.%I WHERE strpos(lower(%I::text), lower(%L)) > 0 LIMIT 1',
              table_name || '.' || column_name, table_schema, table_name, column_name, :'needle')
  FROM information_schema.columns c
 WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
   AND EXISTS (SELECT 1 FROM information_schema.tables t WHERE t.table_schema = c.table_schema
               AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE') \gexec
SELECT 'import_documents.content' FROM import_documents
 WHERE position(convert_to(:'needle', 'UTF8') IN content) > 0
    OR position(convert_to(lower(:'needle'), 'UTF8') IN content) > 0 LIMIT 1;
SQL
}

test_users_webhook_signatures() {
	local f=$RUN_DIR/u-sig.json id n0 ts sig
	u_keys
	n0=$(u_sql "SELECT count(*) FROM audit_log WHERE action = 'auth_failure' AND route = '/api/webhooks/clerk'")

	id=user_sig$RANDOM
	u_event "$f" user.created "$id" "sig.$id@example.com" "Zoë" "Sïg" viewer
	u_hook "$f"
	eq "a delivery signed with the secret is accepted" 200 "$CODE"
	eq "and answered" "true user.created stored" "$(jqb '"\(.received) \(.type) \(.user)"')"
	eq "the user is stored from the bytes as sent" "sig.$id@example.com|Zoë Sïg|viewer" \
		"$(u_sql "SELECT email || '|' || name || '|' || role FROM users WHERE id = '$id'")"

	id=user_wrongkey$RANDOM
	u_event "$f" user.created "$id" "w.$id@example.com" W K viewer
	u_hook "$f" "" "" "whsec_$(printf 'another-key-another-key-another!!' | base64)"
	expect_error 401 invalid_signature
	check "saying no signature matches" grep -q "no signature matches" "$BODY"
	eq "a wrong secret stores nothing" 0 "$(u_sql "SELECT count(*) FROM users WHERE id = '$id'")"

	id=user_tamper$RANDOM
	u_event "$f" user.created "$id" "t.$id@example.com" T P viewer
	ts=$(date +%s)
	sig="v1,$(u_sign "$U_SECRET" msg_tamper "$ts" "$f")"
	sed -i 's/"viewer"/"admin"/' "$f"
	U_SIG=$sig u_hook "$f" msg_tamper "$ts"
	expect_error 401 invalid_signature
	eq "a tampered body stores nothing" 0 "$(u_sql "SELECT count(*) FROM users WHERE id = '$id'")"
	U_SIG="v1,$(u_sign "$U_SECRET" msg_tamper "$ts" "$f")" u_hook "$f" msg_tamper2 "$ts"
	expect_error 401 invalid_signature
	check "nor a signature made for another svix-id" test "$(u_sql "SELECT count(*) FROM users WHERE id = '$id'")" = 0

	id=user_old$RANDOM
	u_event "$f" user.created "$id" "o.$id@example.com" O L viewer
	u_hook "$f" "" "$(( $(date +%s) - 301 - 5 ))"
	expect_error 401 invalid_signature
	check "an old timestamp is refused as a replay" grep -q "too old" "$BODY"
	u_hook "$f" "" "$(( $(date +%s) + 400 ))"
	expect_error 401 invalid_signature
	check "and one far in the future" grep -q "future" "$BODY"
	eq "neither stores anything" 0 "$(u_sql "SELECT count(*) FROM users WHERE id = '$id'")"
	u_hook "$f" "" "$(( $(date +%s) - 200 ))"
	eq "one within the five minutes is accepted" 200 "$CODE"

	id=user_replay$RANDOM
	u_event "$f" user.created "$id" "r.$id@example.com" First Name viewer
	u_hook "$f" "msg_replay_$id"
	eq "a delivery" 200 "$CODE"
	u_hook "$f" "msg_replay_$id"
	eq "delivered again with its svix-id: 200" 200 "$CODE"
	eq "marked a duplicate" true "$(jqb .duplicate)"
	u_event "$f" user.updated "$id" "r.$id@example.com" Changed Name admin
	u_hook "$f" "msg_replay_$id"
	eq "a new body under a processed svix-id, signed: 200" 200 "$CODE"
	eq "and not processed" "First Name|viewer" "$(u_sql "SELECT name || '|' || role FROM users WHERE id = '$id'")"
	check "the processed id is kept in Redis for the tolerance window" test \
		"$(redis-cli -p "$REDIS_PORT" TTL "sentia:webhook:svix:$(printf '%s' "msg_replay_$id" | sha256sum | cut -d' ' -f1)")" -gt 500

	id=user_several$RANDOM
	u_event "$f" user.created "$id" "s.$id@example.com" Sev Eral viewer
	ts=$(date +%s)
	U_SIG="v1,$(u_sign "whsec_$(printf 'the-old-key-the-old-key-the-old!' | base64)" msg_sev "$ts" "$f") v1,$(u_sign "$U_SECRET" msg_sev "$ts" "$f") v2,bm90IGEgc2lnbmF0dXJl" \
		u_hook "$f" msg_sev "$ts"
	eq "several signatures, one valid: accepted" 200 "$CODE"
	eq "and stored" 1 "$(u_sql "SELECT count(*) FROM users WHERE id = '$id'")"
	U_SIG="v1,$(u_sign "whsec_$(printf 'the-old-key-the-old-key-the-old!' | base64)" msg_sev2 "$ts" "$f")" u_hook "$f" msg_sev2 "$ts"
	eq "several signatures, none valid: refused" 401 "$CODE"

	REQ_AUTH='' req POST "$BASE_URL/api/webhooks/clerk" -H 'Content-Type: application/json' --data-binary "@$f"
	expect_error 401 invalid_signature
	check "without the svix headers: saying which are needed" grep -q "svix-signature" "$BODY"
	ge "refusals are audited" $((n0 + 7)) \
		"$(u_sql "SELECT count(*) FROM audit_log WHERE action = 'auth_failure' AND route = '/api/webhooks/clerk'")"

	printf '{"type":"user.created","data":' >"$f"
	u_hook "$f" msg_badjson
	expect_error 400 invalid_body
	u_event "$f" user.created user_badjson "b@example.com" B J viewer
	u_hook "$f" msg_badjson
	eq "a delivery that failed is not a duplicate when Clerk retries it" "200 null" "$CODE $(jqb .duplicate)"
	u_event "$f" user.created "user bad" "b@example.com" B J viewer
	u_hook "$f"
	expect_error 400 invalid_body
	printf '{"type":"user.created","data":[]}' >"$f"
	u_hook "$f"
	expect_error 400 invalid_body
	printf '{"type":"session.created","data":{"id":"sess_1"}}' >"$f"
	u_hook "$f"
	eq "an event of another type: 200" 200 "$CODE"
	eq "and ignored" true "$(jqb .ignored)"

	head -c 300000 /dev/zero | tr '\0' ' ' >"$f"
	u_hook "$f"
	expect_error 413 payload_too_large

	id=user_noredis$RANDOM
	u_event "$f" user.created "$id" "nr.$id@example.com" No Redis viewer
	redis_stop
	u_hook "$f"
	expect_error 503 redis_unavailable
	redis_start
	eq "Redis away: nothing stored" 0 "$(u_sql "SELECT count(*) FROM users WHERE id = '$id'")"
	check "the delivery retried once Redis is back is processed" wait_until 10 u_hook_ok "$f" "$U_ID"
	eq "and stored" 1 "$(u_sql "SELECT count(*) FROM users WHERE id = '$id'")"

	restart_api
	u_event "$f" user.created user_nosecret "n@example.com" N S viewer
	u_hook "$f"
	expect_error 503 not_configured
}

test_users_webhook_lifecycle() {
	local f=$RUN_DIR/u-life.json id=user_life$RANDOM now job
	u_keys
	now=$(date +%s%3N)
	u_event "$f" user.created "$id" "life.$id@example.com" Ada Lovelace analyst "$now"
	u_hook "$f"
	eq "user.created: 200" 200 "$CODE"
	eq "the user is stored: id, primary e-mail, name, role, Clerk's times" \
		"life.$id@example.com|Ada Lovelace|analyst|2023-11-14 22:13:20+00" \
		"$(u_sql "SET TIME ZONE 'UTC'; SELECT email || '|' || name || '|' || role || '|' || clerk_created_at FROM users WHERE id = '$id'")"
	eq "with its first role in the history" "analyst" "$(u_sql "SELECT string_agg(coalesce(role, '-'), ',' ORDER BY id) FROM user_role_history WHERE user_id = '$id'")"

	u_event "$f" user.updated "$id" "ada.$id@example.com" Ada King admin "$((now + 1000))"
	u_hook "$f"
	eq "user.updated: 200" 200 "$CODE"
	eq "the user is updated" "ada.$id@example.com|Ada King|admin" \
		"$(u_sql "SELECT email || '|' || name || '|' || role FROM users WHERE id = '$id'")"
	u_event "$f" user.updated "$id" "ada.$id@example.com" Ada King "" "$((now + 2000))"
	u_hook "$f"
	eq "a role taken away" "" "$(u_sql "SELECT role FROM users WHERE id = '$id'")"
	eq "the role history follows" "analyst,admin,-" \
		"$(u_sql "SELECT string_agg(coalesce(role, '-'), ',' ORDER BY id) FROM user_role_history WHERE user_id = '$id'")"
	u_event "$f" user.updated "$id" "stale.$id@example.com" Stale Event viewer "$((now + 500))"
	u_hook "$f"
	eq "an older event delivered late: 200" 200 "$CODE"
	eq "changes nothing" "ada.$id@example.com|Ada King" "$(u_sql "SELECT email || '|' || name FROM users WHERE id = '$id'")"

	u_event "$f" user.deleted "$id"
	u_hook "$f"
	eq "user.deleted: 200" 200 "$CODE"
	job=$(jqb .erasure_job)
	check "with the erasure's job" test "$job" -gt 0
	eq "on the maintenance queue" "maintenance users.erase" "$(u_sql "SELECT queue || ' ' || type FROM jobs WHERE id = $job")"
	check "the erasure runs" wait_until 30 u_job_is "$job" succeeded
	eq "the user is gone" 0 "$(u_sql "SELECT count(*) FROM users WHERE id = '$id'")"
	eq "with the role history" 0 "$(u_sql "SELECT count(*) FROM user_role_history WHERE user_id = '$id'")"
	eq "the erasure asked by Clerk is audited" "webhook:clerk job users.erase done" \
		"$(u_sql "SELECT actor || ' ' || route || ' ' || outcome FROM audit_log WHERE route = 'job users.erase' AND target = '$(jq -r .pseudonym <<<"$(u_sql "SELECT result FROM jobs WHERE id = $job")")' ORDER BY id DESC LIMIT 1")"
	u_event "$f" user.updated "$id" "back.$id@example.com" Back Again viewer "$((now + 9000))"
	u_hook "$f"
	eq "a user.updated after the deletion: 200" 200 "$CODE"
	check "saying the user was erased" grep -q "erased" <<<"$(jqb .user)"
	eq "nothing is stored again" 0 "$(u_sql "SELECT count(*) FROM users WHERE id = '$id'")"
	u_event "$f" user.deleted "$id"
	u_hook "$f"
	eq "a second user.deleted: 200, no second job" "200 null" "$CODE $(jqb .erasure_job)"
	restart_api
}

test_users_export() {
	local a=user_expa$RANDOM b=user_expb$RANDOM ta tb ia ib out
	u_keys
	u_user "$a" "alice.$a@example.com" Alice Anders operator
	u_user "$b" "bob.$b@example.com" Bob Berg operator
	ta=$(u_token "$a" operator)
	tb=$(u_token "$b" operator)
	u_import "$ta"
	eq "the user imports" 202 "$CODE"
	ia=$U_IMPORT
	eq "the import records its maker" "user:$a" "$(jqb .created_by)"
	u_import "$tb"
	ib=$U_IMPORT

	REQ_AUTH="Bearer $ta" req GET "$BASE_URL/api/users/$a/export"
	eq "a user exports their own data" 200 "$CODE"
	out=$(cat "$BODY")
	eq "the profile" "$a alice.$a@example.com Alice Anders operator" "$(jq -r '.profile | "\(.id) \(.email) \(.name) \(.role)"' <<<"$out")"
	eq "the role history" "operator" "$(jq -r '[.role_history[].role] | join(",")' <<<"$out")"
	eq "the imports they made, only those" "$ia" "$(jq -r '[.imports[].id] | join(",")' <<<"$out")"
	ge "the audit events they caused" 1 "$(jq '.audit_events | length' <<<"$out")"
	eq "only theirs" "user:$a" "$(jq -r '[.audit_events[].actor] | unique | join(",")' <<<"$out")"
	check "their upload among them" jq -e '.audit_events | any(.method == "POST" and .route == "/api/imports")' <<<"$out"
	check "nothing of the other user anywhere in it" u_lacks "$out" "$b" "bob.$b" Berg
	eq "not cached" no-store "$(header Cache-Control)"

	REQ_AUTH="Bearer $ta" req GET "$BASE_URL/api/users/$b/export"
	expect_error 403 forbidden
	req GET "$BASE_URL/api/users/$b/export"
	eq "an admin exports anyone's" "200 bob.$b@example.com $ib" "$CODE $(jqb '"\(.profile.email) \([.imports[].id] | join(","))"')"
	REQ_AUTH="Bearer $(u_token "$a")" req GET "$BASE_URL/api/users/$a/export"
	eq "a signed-in user without a role exports their own" 200 "$CODE"
	REQ_AUTH="Bearer $(u_token "$a")" req GET "$BASE_URL/api/users/$b/export"
	expect_error 403 forbidden
	REQ_AUTH='' req GET "$BASE_URL/api/users/$a/export"
	expect_error 401 unauthorized
	req GET "$BASE_URL/api/users/user_nobody$RANDOM/export"
	expect_error 404 not_found
	req GET "$BASE_URL/api/users/not-an-id/export"
	expect_error 400 invalid_id
	ge "exports are audited" 3 "$(u_sql "SELECT count(*) FROM audit_log WHERE detail = 'personal data export' AND target LIKE '/api/users/%/export' AND (target LIKE '%$a%' OR target LIKE '%$b%')")"
	restart_api
}

test_users_erasure() {
	local c=user_era$RANDOM email name tc job ps rows out holders
	u_keys
	email="carol.quaestor$RANDOM@example.com"
	name="Carolyn Quaestor$RANDOM"
	u_user "$c" "$email" "${name% *}" "${name#* }" operator
	u_event "$RUN_DIR/u-era.json" user.updated "$c" "$email" "${name% *}" "${name#* }" manager "$(( $(date +%s%3N) + 1000 ))"
	u_hook "$RUN_DIR/u-era.json"
	tc=$(u_token "$c" operator)
	u_import "$tc"
	REQ_AUTH="Bearer $tc" req GET "$BASE_URL/api/users/$c/export"
	req GET "$BASE_URL/api/users/$c/export"
	REQ_AUTH="Bearer $tc" req DELETE "$BASE_URL/api/users/$c"
	expect_error 403 forbidden
	rows=$(u_sql "SELECT count(*) FROM audit_log WHERE actor = 'user:$c'")
	ge "the user has audit records" 3 "$rows"
	check "the e-mail is held before the erasure" test -n "$(u_holders "$email")"

	req DELETE "$BASE_URL/api/users/user_nobody$RANDOM"
	expect_error 404 not_found
	req DELETE "$BASE_URL/api/users/bad-id"
	expect_error 400 invalid_id
	req DELETE "$BASE_URL/api/users/$c"
	eq "an admin's erasure: 202" 202 "$CODE"
	job=$(jqb .id)
	eq "it is a job on the maintenance queue" "maintenance users.erase /api/jobs/$job" "$(jqb '"\(.queue) \(.type)"') $(header Location)"
	check "it runs" wait_until 30 u_job_is "$job" succeeded
	ps=$(u_sql "SELECT result->>'pseudonym' FROM jobs WHERE id = $job")
	check "the result names the pseudonym" grep -qE '^erased-user-[0-9a-f]{12}$' <<<"$ps"
	eq "and the counts: profile, role history, imports" "1 2 1" "$(u_sql "SELECT concat_ws(' ', result->>'profiles_deleted', result->>'role_history_deleted', result->>'imports_pseudonymised') FROM jobs WHERE id = $job")"
	check "every audit record they caused, rewritten" test "$(u_sql "SELECT result->>'audit_records_pseudonymised' FROM jobs WHERE id = $job")" -ge "$rows"

	holders=$( { u_holders "$email"; u_holders "$name"; u_holders "${name#* }"; u_holders "$c"; } | sort -u | tr '\n' ' ')
	eq "no text, varchar or JSON column (nor stored document) holds the e-mail, the name or the id" "" "$holders"
	eq "the audit trail keeps its shape: as many records, under the pseudonym" "$rows" \
		"$(u_sql "SELECT count(*) FROM audit_log WHERE actor = 'user:$ps' AND action = 'request'")"
	eq "without their address" 0 "$(u_sql "SELECT count(*) FROM audit_log WHERE actor = 'user:$ps' AND remote_addr IS NOT NULL")"
	eq "the admin's records of them name the pseudonym" 1 \
		"$(u_sql "SELECT count(*) FROM audit_log WHERE actor = 'key:integration-tests' AND target = '/api/users/$ps/export'")"
	eq "the erasure request's own record too" 1 \
		"$(u_sql "SELECT count(*) FROM audit_log WHERE actor = 'key:integration-tests' AND method = 'DELETE' AND target = '/api/users/$ps'")"
	eq "their import is kept, made by the pseudonym" "user:$ps" "$(u_sql "SELECT created_by FROM imports WHERE id = $U_IMPORT")"
	eq "the completion is audited" "key:integration-tests job users.erase done" \
		"$(u_sql "SELECT actor || ' ' || route || ' ' || outcome FROM audit_log WHERE route = 'job users.erase' AND target = '$ps'")"
	req GET "$BASE_URL/api/users/$c/export"
	expect_error 404 not_found

	out=$("$BUILD_DIR/sentiactl" user erase "$c")
	eq "sentiactl user erase again: idempotent" "0 user erased as $ps: profile 0, role history 0, audit records 0, imports 0, jobs 0" "$? $out"
	"$BUILD_DIR/sentiactl" queue enqueue users.erase --payload "{\"user_id\":\"$c\",\"requested_by\":\"operator:test\"}" >/dev/null
	job=$(u_sql "SELECT max(id) FROM jobs WHERE type = 'users.erase'")
	check "the job run again succeeds" wait_until 30 u_job_is "$job" succeeded
	eq "finding nothing left but its own payload" "$ps 0 0 1" \
		"$(u_sql "SELECT concat_ws(' ', result->>'pseudonym', result->>'audit_records_pseudonymised', result->>'profiles_deleted', result->>'jobs_pseudonymised') FROM jobs WHERE id = $job")"
	eq "each completion audited" 3 "$(u_sql "SELECT count(*) FROM audit_log WHERE target = '$ps' AND outcome = 'done'")"
	eq "and still no column holds the id" "" "$(u_holders "$c" | tr '\n' ' ')"
	"$BUILD_DIR/sentiactl" user erase "bad id" >/dev/null 2>&1
	eq "sentiactl refuses a bad id" 2 "$?"
	restart_api
}

test_users_retention() {
	local tag=ret$RANDOM src out job
	u_sql "INSERT INTO audit_log (at, action, actor, outcome, detail) VALUES
		(now() - interval '400 days', 'admin', 'test', 'x', '$tag-old'),
		(now() - interval '366 days', 'admin', 'test', 'x', '$tag-old'),
		(now() - interval '300 days', 'admin', 'test', 'x', '$tag-new')" >/dev/null
	u_sql "INSERT INTO jobs (queue, type, status, max_attempts, finished_at, payload) VALUES
		('maintenance', 'diagnostic.noop', 'succeeded', 3, now() - interval '40 days', '{\"t\":\"$tag-old\"}'),
		('maintenance', 'diagnostic.noop', 'succeeded', 3, now() - interval '20 days', '{\"t\":\"$tag-new\"}'),
		('maintenance', 'diagnostic.noop', 'queued', 3, NULL, '{\"t\":\"$tag-open\"}')" >/dev/null
	src=$(u_sql "INSERT INTO data_sources (name) VALUES ('$tag') RETURNING id" | head -n 1)
	u_sql "WITH i AS (INSERT INTO imports (source_id, type, format, mode, status, document_sha256, document_bytes, finished_at)
		VALUES ($src, 'channels', 'csv', 'all_or_nothing', 'completed', repeat('0', 64), 1, now() - interval '100 days'),
		       ($src, 'channels', 'csv', 'all_or_nothing', 'completed', repeat('0', 64), 1, now() - interval '80 days')
		RETURNING id) INSERT INTO import_documents (import_id, content_type, content) SELECT id, 'text/csv', 'x' FROM i" >/dev/null

	# Expected counts, by conditions written here, not sentia's.
	local ea ed ej
	ea=$(u_sql "SELECT count(*) FROM audit_log WHERE at < now() - interval '365 days'")
	ed=$(u_sql "SELECT count(*) FROM import_documents d JOIN imports i ON i.id = d.import_id WHERE i.finished_at < now() - interval '90 days'")
	ej=$(u_sql "SELECT count(*) FROM jobs WHERE finished_at < now() - interval '30 days'")
	ge "old records to purge exist" 2 "$ea"
	out=$("$BUILD_DIR/sentiactl" retention status)
	eq "retention status: audit log" "RETENTION_AUDIT_DAYS 365 $ea" "$(awk '$1 == "audit_log" { print $2, $3, $4 }' <<<"$out")"
	eq "import documents" "RETENTION_IMPORT_DOCUMENTS_DAYS 90 $ed" "$(awk '$1 == "import_documents" { print $2, $3, $4 }' <<<"$out")"
	eq "jobs" "RETENTION_JOBS_DAYS 30 $ej" "$(awk '$1 == "jobs" { print $2, $3, $4 }' <<<"$out")"
	out=$(RETENTION_AUDIT_DAYS=200 JOB_RETENTION_DAYS=10 IMPORT_RETENTION_DAYS=50 "$BUILD_DIR/sentiactl" retention status)
	eq "the settings change what would go" "200 $((ea + 1))" "$(awk '$1 == "audit_log" { print $3, $4 }' <<<"$out")"
	eq "the old names still work (JOB_RETENTION_DAYS)" "10 $(u_sql "SELECT count(*) FROM jobs WHERE finished_at < now() - interval '10 days'")" \
		"$(awk '$1 == "jobs" { print $3, $4 }' <<<"$out")"
	eq "and IMPORT_RETENTION_DAYS" "50 $(u_sql "SELECT count(*) FROM import_documents d JOIN imports i ON i.id = d.import_id WHERE i.finished_at < now() - interval '50 days'")" \
		"$(awk '$1 == "import_documents" { print $3, $4 }' <<<"$out")"
	eq "status removes nothing" 3 "$(u_sql "SELECT count(*) FROM audit_log WHERE detail LIKE '$tag-%'")"

	"$BUILD_DIR/sentiactl" queue enqueue maintenance.retention-purge >/dev/null
	job=$(u_sql "SELECT max(id) FROM jobs WHERE type = 'maintenance.retention-purge'")
	check "the purge runs" wait_until 30 u_job_is "$job" succeeded
	eq "and reports its counts" "$ea $ed $ej" \
		"$(u_sql "SELECT concat_ws(' ', result->>'audit_log_deleted', result->>'import_documents_deleted', result->>'jobs_deleted') FROM jobs WHERE id = $job")"
	eq "the old audit records are gone, the newer stay" "$tag-new" "$(u_sql "SELECT string_agg(detail, ',') FROM audit_log WHERE detail LIKE '$tag-%'")"
	eq "the old job is gone; the newer and the open stay" "$tag-new,$tag-open" \
		"$(u_sql "SELECT string_agg(payload->>'t', ',' ORDER BY id) FROM jobs WHERE payload->>'t' LIKE '$tag-%'")"
	eq "the old document is gone, the newer stays, both records stay" "80 days|true,100 days|false" \
		"$(u_sql "SELECT string_agg(date_trunc('day', now() - i.finished_at)::text || '|' || (d.import_id IS NOT NULL)::text, ',' ORDER BY i.id DESC) FROM imports i LEFT JOIN import_documents d ON d.import_id = i.id WHERE i.source_id = $src")"
	eq "the purge is audited with its counts" 1 \
		"$(u_sql "SELECT count(*) FROM audit_log WHERE actor = 'system:retention-purge' AND detail LIKE 'audit_log: $ea older than 365 days%'")"
	check "and logged" grep -q '"msg":"retention purge done' "$RUN_DIR/logs/worker.log"
	out=$("$BUILD_DIR/sentiactl" retention status)
	eq "nothing left to purge" "0 0 0" "$(awk 'NR > 1 { printf "%s%s", (NR > 2 ? " " : ""), $4 }' <<<"$out")"
}
