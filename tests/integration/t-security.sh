# shellcheck shell=bash
# The security checklist: credentials, roles, session tokens, lock-outs,
# rate limits, headers and CORS, maintenance mode, the audit log.

# newkey NAME ROLE: prints a fresh API key.
newkey() { "$BUILD_DIR/sentiactl" apikey create --name "$1" --role "$2" 2>/dev/null; }
# unlock: forgets this address's failed attempts and lock-outs.
unlock() { redis-cli -p "$REDIS_PORT" DEL sentia:lockout:127.0.0.1 sentia:authfail:127.0.0.1 sentia:lockouts:127.0.0.1 >/dev/null; }

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# mkjwt HEADER_JSON PAYLOAD_JSON [KEY]: an RS256 token signed with KEY
# (the suite's private key by default).
mkjwt() {
	local h p
	h=$(printf '%s' "$1" | b64url)
	p=$(printf '%s' "$2" | b64url)
	printf '%s.%s.%s' "$h" "$p" "$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -sign "${3:-$RUN_DIR/jwt.key}" -binary | b64url)"
}
# hs256 HEADER_JSON PAYLOAD_JSON SECRET_FILE: an HMAC-signed token.
hs256() {
	local h p
	h=$(printf '%s' "$1" | b64url)
	p=$(printf '%s' "$2" | b64url)
	printf '%s.%s.%s' "$h" "$p" "$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -hmac "$(cat "$3")" -binary | b64url)"
}
claims() {  # claims ROLE [EXP-OFFSET] [ISS] [AZP]
	local now; now=$(date +%s)
	printf '{"sub":"user_123","sid":"sess_1","iss":"%s","azp":"%s","iat":%d,"nbf":%d,"exp":%d,"metadata":{"role":"%s"}}' \
		"${3:-https://clerk.test}" "${4:-https://app.test}" "$now" "$((now - 10))" "$((now + ${2:-600}))" "$1"
}

test_security_credentials_and_roles() {
	local viewer operator gone
	unlock
	REQ_AUTH='' req GET "$BASE_URL/api/imports"
	expect_error 401 unauthorized
	check "a challenge comes with the 401" grep -qi '^WWW-Authenticate: Bearer realm="sentia"' "$HEAD"
	REQ_AUTH='' req GET "$BASE_URL/health"
	eq "probes need no token" 200 "$CODE"
	REQ_AUTH='' req GET "$BASE_URL/api/status"
	eq "nor does /api/status" 200 "$CODE"
	REQ_AUTH="Bearer sk_notarealkeynotarealkeynotarealkey00" req GET "$BASE_URL/api/imports"
	expect_error 401 unauthorized
	check "saying why" grep -q "unknown or revoked API key" "$BODY"
	REQ_AUTH="Basic dXNlcjpwYXNz" req GET "$BASE_URL/api/imports"
	expect_error 401 unauthorized
	unlock
	viewer=$(newkey "viewer-$RANDOM" viewer)
	operator=$(newkey "operator-$RANDOM" operator)
	check "sentiactl prints a key once" grep -qE '^sk_[A-Za-z0-9]{40}$' <<<"$viewer"
	eq "only its hash is stored" 0 "$(psql "$DATABASE_URL" -Atqc "SELECT count(*) FROM api_keys WHERE key_hash = '$viewer' OR prefix = '$viewer'")"
	REQ_AUTH="Bearer $viewer" req GET "$BASE_URL/api/imports"
	eq "a viewer reads" 200 "$CODE"
	eq "authenticated answers are not cached" no-store "$(header Cache-Control)"
	REQ_AUTH="Bearer $viewer" req POST "$BASE_URL/api/jobs" -H 'Content-Type: application/json' --data-binary '{"type":"diagnostic.noop"}'
	expect_error 403 forbidden
	check "naming the role needed" grep -q "needs the admin role" "$BODY"
	REQ_AUTH="Bearer $viewer" req POST "$BASE_URL/api/imports?type=channels&source=sec" -H 'Content-Type: text/csv' --data-binary $'name,type,receivable_terms_days\nSec,other,1\n'
	expect_error 403 forbidden
	REQ_AUTH='' req POST "$BASE_URL/api/imports?type=channels&source=sec" -H "X-API-Key: $operator" -H 'Content-Type: text/csv' --data-binary $'name,type,receivable_terms_days\nSec,other,1\n'
	eq "an operator imports (X-API-Key)" 202 "$CODE"
	gone=$(newkey "gone-$RANDOM" admin)
	"$BUILD_DIR/sentiactl" apikey revoke "$(psql "$DATABASE_URL" -Atqc "SELECT name FROM api_keys WHERE prefix = '${gone:0:11}'")" >/dev/null
	REQ_AUTH="Bearer $gone" req GET "$BASE_URL/api/imports"
	expect_error 401 unauthorized
	check "apikey list shows it revoked" grep -q "revoked" <<<"$("$BUILD_DIR/sentiactl" apikey list)"
	unlock
}

test_security_session_tokens() {
	local tok now
	openssl genrsa -out "$RUN_DIR/jwt.key" 2048 2>/dev/null
	openssl rsa -in "$RUN_DIR/jwt.key" -pubout -out "$RUN_DIR/jwt.pub" 2>/dev/null
	CLERK_JWT_KEY=$(cat "$RUN_DIR/jwt.pub") CLERK_ISSUER=https://clerk.test CLERK_AUTHORIZED_PARTIES=https://app.test restart_api
	unlock
	tok=$(mkjwt '{"alg":"RS256","typ":"JWT"}' "$(claims analyst)")
	REQ_AUTH="Bearer $tok" req GET "$BASE_URL/api/imports"
	eq "a valid session token reads" 200 "$CODE"
	REQ_AUTH='' req GET "$BASE_URL/api/imports" -H "Cookie: theme=dark; __session=$tok"
	eq "in the __session cookie too" 200 "$CODE"
	REQ_AUTH="Bearer $tok" req POST "$BASE_URL/api/jobs" -H 'Content-Type: application/json' --data-binary '{"type":"diagnostic.noop"}'
	expect_error 403 forbidden
	for bad in \
		"expired:$(mkjwt '{"alg":"RS256"}' "$(claims admin -60)")" \
		"wrong issuer:$(mkjwt '{"alg":"RS256"}' "$(claims admin 600 https://evil.test)")" \
		"wrong azp:$(mkjwt '{"alg":"RS256"}' "$(claims admin 600 https://clerk.test https://evil.test)")" \
		"alg none:$(printf '%s' '{"alg":"none"}' | b64url).$(claims admin | b64url)." \
		"HS256 keyed with the public key:$(hs256 '{"alg":"HS256"}' "$(claims admin)" "$RUN_DIR/jwt.pub")" \
		"tampered:${tok%%.*}.$(claims admin | b64url).${tok##*.}" \
		"malformed base64:${tok%%.*}.@@@.${tok##*.}"; do
		unlock
		REQ_AUTH="Bearer ${bad#*:}" req GET "$BASE_URL/api/imports"
		eq "refused: ${bad%%:*}" 401 "$CODE"
	done
	unlock
	head -c 100000 /dev/zero | tr '\0' 'a' >"$RUN_DIR/big.tok"
	REQ_AUTH="Bearer $(cat "$RUN_DIR/big.tok")" req GET "$BASE_URL/api/imports"
	check "a 100 KB token is refused (401, or 4xx from the web server)" test "$CODE" -ge 400 -a "$CODE" -lt 500
	# A JWKS with two keys, as while Clerk rotates them: either signs.
	openssl genrsa -out "$RUN_DIR/jwt2.key" 2048 2>/dev/null
	printf '{"keys":[%s,%s]}' "$(jwk k1 "$RUN_DIR/jwt.key")" "$(jwk k2 "$RUN_DIR/jwt2.key")" >"$RUN_DIR/jwks.json"
	CLERK_JWKS_FILE=$RUN_DIR/jwks.json CLERK_ISSUER=https://clerk.test restart_api
	unlock
	REQ_AUTH="Bearer $(mkjwt '{"alg":"RS256","kid":"k1"}' "$(claims viewer)")" req GET "$BASE_URL/api/imports"
	eq "JWKS: a token by the first key" 200 "$CODE"
	REQ_AUTH="Bearer $(mkjwt '{"alg":"RS256","kid":"k2"}' "$(claims viewer)" "$RUN_DIR/jwt2.key")" req GET "$BASE_URL/api/imports"
	eq "JWKS: a token by the second key" 200 "$CODE"
	REQ_AUTH="Bearer $(mkjwt '{"alg":"RS256","kid":"k2"}' "$(claims viewer)")" req GET "$BASE_URL/api/imports"
	eq "JWKS: a kid naming the other key is refused" 401 "$CODE"
	unlock
	REQ_AUTH="Bearer $(mkjwt '{"alg":"RS256","kid":"k9"}' "$(claims viewer)")" req GET "$BASE_URL/api/imports"
	eq "JWKS: an unknown kid is refused" 401 "$CODE"
	check "saying so" grep -q "signing key is unknown" "$BODY"
	unlock
	restart_api
}

# jwk KID PRIVATE-KEY: the public half as a JWK (n and e in base64url).
jwk() {
	local n
	n=$(openssl rsa -in "$2" -noout -modulus 2>/dev/null | cut -d= -f2 | xxd -r -p | b64url)
	printf '{"kty":"RSA","kid":"%s","use":"sig","alg":"RS256","n":"%s","e":"AQAB"}' "$1" "$n"
}

test_security_lockout() {
	local f0
	unlock
	f0=$(metric sentia_auth_failures_total "$STATUS_URL")
	for _ in 1 2 3 4 5; do REQ_AUTH="Bearer sk_wrongwrongwrongwrongwrongwrongwrong00" req GET "$BASE_URL/api/imports"; done
	REQ_AUTH="Bearer $API_KEY" req GET "$BASE_URL/api/imports"
	expect_error 429 locked_out
	check "with Retry-After" test "$(header Retry-After)" -gt 800
	ge "failures are counted on /metrics" $((f0 + 5)) "$(metric sentia_auth_failures_total "$STATUS_URL")"
	ge "the lock-out too" 1 "$(metric sentia_auth_lockouts_total "$STATUS_URL")"
	ge "each failure is audited" 5 "$(psql "$DATABASE_URL" -Atqc "SELECT count(*) FROM audit_log WHERE action = 'auth_failure' AND at > now() - interval '1 minute'")"
	eq "and the lock-out" 1 "$(psql "$DATABASE_URL" -Atqc "SELECT count(*) FROM audit_log WHERE action = 'lockout' AND at > now() - interval '1 minute'")"
	unlock
	req GET "$BASE_URL/api/imports"
	eq "served again once unlocked" 200 "$CODE"
}

test_security_rate_limits() {
	RATE_LIMIT_DEFAULT_MAX=5 RATE_LIMIT_DEFAULT_WINDOW_SECONDS=60 restart_api
	redis-cli -p "$REDIS_PORT" --scan --pattern 'sentia:rl:*' | xargs -r redis-cli -p "$REDIS_PORT" DEL >/dev/null
	for _ in 1 2 3 4 5; do req GET "$BASE_URL/api/imports"; done
	eq "five requests pass" 200 "$CODE"
	eq "with the policy" "5;w=60" "$(header RateLimit-Policy)"
	check "and the state" grep -q "remaining=0" <<<"$(header RateLimit)"
	req GET "$BASE_URL/api/imports"
	expect_error 429 rate_limited
	check "with Retry-After" test "$(header Retry-After)" -ge 1
	REQ_AUTH='' req GET "$BASE_URL/health"
	eq "probes are not limited" 200 "$CODE"
	redis_stop
	req GET "$BASE_URL/api/imports"
	check "Redis away: the limiter fails open (the default)" test "$CODE" != 429
	redis_start
	restart_api
}

test_security_headers_and_cors() {
	ENABLE_HSTS=true CORS_ALLOWED_ORIGINS="https://app.test, https://admin.test" restart_api
	req GET "$BASE_URL/api/imports" -H 'Origin: https://app.test'
	eq "X-Frame-Options" DENY "$(header X-Frame-Options)"
	eq "Referrer-Policy" no-referrer "$(header Referrer-Policy)"
	eq "X-Content-Type-Options" nosniff "$(header X-Content-Type-Options)"
	check "HSTS when enabled" grep -q "max-age=" <<<"$(header Strict-Transport-Security)"
	eq "an allowed origin, exactly" https://app.test "$(header Access-Control-Allow-Origin)"
	eq "with credentials" true "$(header Access-Control-Allow-Credentials)"
	eq "and Vary" Origin "$(header Vary)"
	req GET "$BASE_URL/api/imports" -H 'Origin: https://evil.test'
	eq "another origin gets no CORS header" "" "$(header Access-Control-Allow-Origin)"
	REQ_AUTH='' req OPTIONS "$BASE_URL/api/imports" -H 'Origin: https://admin.test' -H 'Access-Control-Request-Method: POST'
	eq "a preflight is answered by the router: 204" 204 "$CODE"
	eq "with the route's methods" "GET, HEAD, POST, OPTIONS" "$(header Access-Control-Allow-Methods)"
	check "and the headers a client may send" grep -q "Authorization" <<<"$(header Access-Control-Allow-Headers)"
	restart_api
	req GET "$BASE_URL/api/imports"
	eq "no HSTS in the test environment by default" "" "$(header Strict-Transport-Security)"
}

test_security_maintenance() {
	"$BUILD_DIR/sentiactl" maintenance on --message "Back at five <b>sharp</b>" >/dev/null
	check "a responder answers 503 within a second or two" wait_until 3 bash -c \
		"[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $API_KEY' '$BASE_URL/api/imports')\" = 503 ]"
	# Each responder reads the mode at most once a second: one second on,
	# every one of them has.
	sleep 1.1
	req GET "$BASE_URL/api/imports"
	expect_error 503 maintenance
	eq "with the operator's message" "Back at five <b>sharp</b>" "$(jqb .error.message)"
	check "and Retry-After" test -n "$(header Retry-After)"
	req GET "$BASE_URL/api/imports" -H 'Accept: text/html'
	check "browsers get the HTML page (templates/maintenance.html)" grep -q "<h1>Down for maintenance</h1>" "$BODY"
	check "with a strict CSP" grep -q "default-src 'none'" <<<"$(header Content-Security-Policy)"
	check "with the message escaped" grep -q "Back at five &lt;b&gt;sharp&lt;/b&gt;" "$BODY"
	REQ_AUTH='' req GET "$BASE_URL/health"
	eq "/health still answers" 200 "$CODE"
	REQ_AUTH='' req GET "$BASE_URL/metrics"
	eq "/metrics still answers" 200 "$CODE"
	check "status says on" grep -q "maintenance on" <<<"$("$BUILD_DIR/sentiactl" maintenance status)"
	"$BUILD_DIR/sentiactl" maintenance on --allow 127.0.0.0/8 >/dev/null
	check "an allowed address is served" wait_until 3 bash -c \
		"[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $API_KEY' '$BASE_URL/api/imports')\" = 200 ]"
	"$BUILD_DIR/sentiactl" maintenance on --allow nonsense >/dev/null 2>&1
	eq "a bad allow-list is refused" 2 "$?"
	"$BUILD_DIR/sentiactl" maintenance off >/dev/null
	check "off: served again" wait_until 3 bash -c \
		"[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $API_KEY' '$BASE_URL/api/imports')\" = 200 ]"
	eq "the operator's actions are audited" 3 "$(psql "$DATABASE_URL" -Atqc "SELECT count(*) FROM audit_log WHERE action = 'admin' AND route LIKE 'sentiactl maintenance%' AND at > now() - interval '1 minute'")"
}

test_security_audit_log() {
	local viewer
	req POST "$BASE_URL/api/jobs" -H 'Content-Type: application/json' --data-binary '{"type":"diagnostic.noop"}'
	eq "a mutating request" 202 "$CODE"
	req GET "$BASE_URL/api/admin/audit-log?action=request&limit=1"
	eq "the admin reads the audit log" 200 "$CODE"
	eq "it records who, how, where and the outcome" "key:integration-tests admin POST /api/jobs 202" \
		"$(jqb '.entries[0] | "\(.actor) \(.role) \(.method) \(.route) \(.outcome)"')"
	check "and the request id" test "$(jqb '.entries[0].request_id')" != null
	viewer=$(newkey "auditor-$RANDOM" viewer)
	REQ_AUTH="Bearer $viewer" req GET "$BASE_URL/api/admin/audit-log"
	expect_error 403 forbidden
	req GET "$BASE_URL/api/admin/audit-log?limit=0"
	expect_error 400 invalid_parameter
	check "the audit log refuses UPDATE" bash -c "! psql '$DATABASE_URL' -qc 'UPDATE audit_log SET outcome = 0' 2>/dev/null"
	check "and DELETE" bash -c "! psql '$DATABASE_URL' -qc 'DELETE FROM audit_log' 2>/dev/null"
	check "and TRUNCATE" bash -c "! psql '$DATABASE_URL' -qc 'TRUNCATE audit_log' 2>/dev/null"
	check "but the retention purge may delete" psql "$DATABASE_URL" -qc "BEGIN; SET LOCAL sentia.audit_purge = 'on'; DELETE FROM audit_log WHERE at < now() - interval '10 years'; COMMIT"
}

test_security_metrics_allow_list() {
	METRICS_ALLOWED_IPS=10.0.0.0/8 restart_api
	REQ_AUTH='' req GET "$BASE_URL/metrics"
	expect_error 403 forbidden
	METRICS_ALLOWED_IPS="10.0.0.0/8, 127.0.0.1" restart_api
	REQ_AUTH='' req GET "$BASE_URL/metrics"
	eq "an allowed address reads /metrics" 200 "$CODE"
	restart_api
}

test_security_sql_is_parameterised() {
	# Every printf-family call whose format holds SQL must say why its
	# text is not input (a "sql: constant" note on the line or the one
	# before); nothing else builds SQL.
	local hits
	hits=$(grep -nE '(s?n?printf|buf_printf)\(.*"[^"]*\b(SELECT|INSERT|UPDATE|DELETE|WHERE|CREATE|SET LOCAL|WITH)\b' \
		"$SENTIA_TOP"/src/*.c "$SENTIA_TOP"/handlers/*.c | grep -v 'sql: constant' || true)
	eq "no SQL is built by printf from input" "" "$hits"
}

test_security_pii_redaction() {
	local lines
	PII_REDACTION_ENABLED=true restart_api
	REQ_AUTH='' req GET "$BASE_URL/api/alice.smith@example.com/+44%2020%207946%200958"
	REQ_AUTH='' req GET "$BASE_URL/api/keys/sk_secretsecretsecretsecretsecretsecret99"
	sleep 0.5
	lines=$(tail -n 200 "$RUN_DIR/logs/api.log")
	check "no e-mail address in the log" bash -c "! grep -q 'alice.smith@example.com' <<<'$lines'"
	check "no API key in the log" bash -c "! grep -q 'sk_secretsecret' <<<'$lines'"
	check "a marker where the address was" grep -q '\[email' <<<"$lines"
	check "and where the key was" grep -q '\[key' <<<"$lines"
	check "every line is still JSON" bash -c "tail -n 50 '$RUN_DIR/logs/api.log' | jq -e . >/dev/null"
	restart_api
}
