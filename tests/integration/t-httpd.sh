# shellcheck shell=bash
# The shipped web-server configurations (httpd-conf/nginx/sentia.conf,
# httpd-conf/apache/sentia.conf, httpd-conf/caddy/Caddyfile), each run by
# the real server on loopback with only its paths, ports and trusted
# addresses substituted, in front of the pool: the same endpoint checks
# through each, over HTTPS; then in front of a FastCGI responder that
# echoes its parameters, to see exactly what each one passes on.

HTTPD_HOST=sentia.example.com

# httpd_tls: a self-signed certificate for the site's name, once per run.
httpd_tls() {
	local d=$RUN_DIR/tls
	[ -f "$d/fullchain.pem" ] && return 0
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HTTPD_HOST" \
		-addext "subjectAltName=DNS:$HTTPD_HOST,IP:127.0.0.1" \
		-keyout "$d/privkey.pem" -out "$d/fullchain.pem" >/dev/null 2>&1
	chmod 644 "$d/privkey.pem"
}

# The substitutions every server's file gets: the pool's socket (or the
# echo responder's), the certificate, and the trusted proxy (this host).
httpd_sed_common() {
	printf '%s\n' -e "s|/run/sentia/api.sock|$1|g" -e "s|/etc/ssl/sentia/|$RUN_DIR/tls/|g" -e "s|10\\.0\\.0\\.0/8|127.0.0.1|g"
}

# httpd_start SERVER SOCKET: runs the server's shipped file in front of
# SOCKET, as this shell's child. Sets HTTPD_PID, HTTPD_HTTPS (the base
# URL) and HTTPD_HTTP (the plain-HTTP one).
httpd_start() {
	local server=$1 sock=$2 dir=$RUN_DIR/httpd-$1 https http common=()
	mapfile -t common < <(httpd_sed_common "$sock")
	rm -rf "$dir"; mkdir -p "$dir/logs" "$dir/tmp" "$dir/run"
	[ "$(id -u)" -eq 0 ] && chown "$(web_user)" "$dir/tmp"
	https=$(free_port 18443); http=$(free_port $((https + 1)))
	case $server in
	nginx)
		sed "${common[@]}" -e "s|listen 80;|listen 127.0.0.1:$http;|" -e "/listen \\[::\\]/d" \
			-e "s|listen 443 ssl http2;|listen 127.0.0.1:$https ssl http2;|" -e "s|/var/log/nginx/|$dir/logs/|g" \
			"$SENTIA_TOP/httpd-conf/nginx/sentia.conf" >"$dir/sentia.conf"
		# Relative includes resolve where the main file is, as in /etc/nginx.
		ln -s /etc/nginx/fastcgi_params "$dir/fastcgi_params"
		cat >"$dir/nginx.conf" <<-EOF
			user $(web_user) $(web_group);
			worker_processes 1;
			pid $dir/nginx.pid;
			error_log $dir/logs/error.log;
			events { worker_connections 256; }
			http {
				include /etc/nginx/mime.types;
				default_type application/octet-stream;
				client_body_temp_path $dir/tmp/body;
				fastcgi_temp_path $dir/tmp/fastcgi;
				proxy_temp_path $dir/tmp/proxy;
				uwsgi_temp_path $dir/tmp/uwsgi;
				scgi_temp_path $dir/tmp/scgi;
				include $dir/sentia.conf;
			}
		EOF
		nginx -c "$dir/nginx.conf" -e "$dir/logs/error.log" -g "daemon off;" 2>>"$dir/logs/error.log" &
		;;
	apache)
		sed "${common[@]}" -e "s|\\*:80>|127.0.0.1:$http>|" -e "s|\\*:443>|127.0.0.1:$https>|" \
			"$SENTIA_TOP/httpd-conf/apache/sentia.conf" >"$dir/sentia.conf"
		local m=/usr/lib/apache2/modules mod
		{
			echo "ServerRoot $dir"
			echo "DefaultRuntimeDir $dir/run"
			echo "PidFile $dir/apache2.pid"
			echo "Define APACHE_LOG_DIR $dir/logs"
			for mod in mpm_event authz_core mime alias headers remoteip filter deflate socache_shmcb ssl proxy proxy_fcgi; do
				echo "LoadModule ${mod}_module $m/mod_$mod.so"
			done
			[ "$(id -u)" -eq 0 ] && printf 'User %s\nGroup %s\n' "$(web_user)" "$(web_group)"
			echo "TypesConfig /etc/mime.types"
			echo "ServerName 127.0.0.1"
			echo "ErrorLog $dir/logs/error.log"
			echo "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O\" combined"
			echo "Listen 127.0.0.1:$http"
			echo "Listen 127.0.0.1:$https"
			echo "Include $dir/sentia.conf"
		} >"$dir/apache2.conf"
		apache2 -f "$dir/apache2.conf" -DFOREGROUND 2>>"$dir/logs/error.log" &
		;;
	caddy)
		# Test-only global options: no admin endpoint, the ports, loopback
		# only, its state in the run folder.
		sed "${common[@]}" -e "s|^$HTTPD_HOST {|$HTTPD_HOST:$https {|" -e "s|# tls /|tls /|" \
			-e "s|/var/log/caddy/|$dir/logs/|g" \
			-e "0,/^{\$/s||{\\n\\tadmin off\\n\\thttp_port $http\\n\\thttps_port $https\\n\\tdefault_bind 127.0.0.1\\n\\tskip_install_trust|" \
			"$SENTIA_TOP/httpd-conf/caddy/Caddyfile" >"$dir/Caddyfile"
		HOME=$dir XDG_DATA_HOME=$dir/data XDG_CONFIG_HOME=$dir/config \
			caddy run --config "$dir/Caddyfile" --adapter caddyfile >>"$dir/logs/caddy.log" 2>&1 &
		;;
	esac
	HTTPD_PID=$!
	HTTPD_HTTPS="https://$HTTPD_HOST:$https"
	HTTPD_HTTP="http://$HTTPD_HOST:$http"
	HTTPD_CURL=(--resolve "$HTTPD_HOST:$https:127.0.0.1" --resolve "$HTTPD_HOST:$http:127.0.0.1" --cacert "$RUN_DIR/tls/fullchain.pem")
	HTTPD_PORT=$https
	if ! httpd_up; then
		fail "$server starts with the shipped configuration" "$(tail -n 20 "$dir"/logs/*.log)"
		return 1
	fi
	pass "$server starts with the shipped configuration"
}

# httpd_up: waits up to 20 s for the server to answer on HTTPS; gives up
# at once when it has exited.
httpd_up() {
	for _ in $(seq 1 200); do
		alive "$HTTPD_PID" || return 1
		curl -s -o /dev/null "${HTTPD_CURL[@]}" "$HTTPD_HTTPS/" && return 0
		sleep 0.1
	done
	return 1
}

httpd_stop() {
	kill -TERM "$HTTPD_PID" 2>/dev/null
	for _ in $(seq 1 100); do alive "$HTTPD_PID" || break; sleep 0.1; done
	alive "$HTTPD_PID" && kill -KILL "$HTTPD_PID" 2>/dev/null
	wait "$HTTPD_PID" 2>/dev/null
}

# hreq METHOD PATH [CURL-ARGS...]: req through the server under test.
hreq() { local m=$1 p=$2; shift 2; req "$m" "$HTTPD_HTTPS$p" "${HTTPD_CURL[@]}" "$@"; }
# One header's values, every occurrence, one per line.
header_all() { grep -i "^$1:" "$HEAD" | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }
# access_log_addr REQUEST_ID: the remote_addr sentia logged for a request.
access_log_addr() {
	wait_until 5 grep -q "\"request_id\":\"$1\"" "$RUN_DIR/logs/api.log"
	grep "\"request_id\":\"$1\"" "$RUN_DIR/logs/api.log" | tail -n 1 | jq -r .remote_addr
}

# httpd_endpoint_checks SERVER: the endpoint checks through the server.
httpd_endpoint_checks() {
	local s=$1 csv=$RUN_DIR/httpd.csv
	hreq GET /health
	eq "$s: GET /health is 200 over HTTPS" 200 "$CODE"
	eq "$s: /health body" '{"status":"healthy"}' "$(cat "$BODY")"
	eq "$s: one HSTS header, the web server's" "max-age=63072000; includeSubDomains" "$(header_all Strict-Transport-Security)"
	hreq GET /api/status
	eq "$s: GET /api/status is 200" 200 "$CODE"
	eq "$s: /api/status names the build's version" "$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$BUILD_DIR/ac-config.h")" "$(jqb .version)"
	hreq GET /ready
	eq "$s: GET /ready is 200" 200 "$CODE"

	REQ_AUTH='' hreq GET /api/data-sources
	expect_error 401 unauthorized
	hreq GET /api/data-sources
	eq "$s: an authenticated request (Authorization passed on) is 200" 200 "$CODE"
	hreq GET /api/data-sources -H "Authorization:" -H "X-API-Key: $API_KEY"
	eq "$s: X-API-Key is passed on too" 200 "$CODE"

	printf 'date,sku,channel,quantity,unit_price,net_revenue,cogs\n2025-03-01,WAT-1,Retail,1,1,1,1\n' >"$csv"
	hreq POST "/api/imports?type=sales&source=httpd-$s" -H "Content-Type: text/csv" --data-binary "@$csv"
	eq "$s: an upload is 202" 202 "$CODE"
	check "$s: with its Location" grep -qE '^/api/imports/[0-9]+$' <<<"$(header Location)"

	hreq GET /no/such/thing
	expect_error 404 not_found

	# Between sentia's limit (IMPORT_MAX_BYTES, 10M) and the server's
	# (11 MiB; Caddy's 12 MB): sentia's own JSON 413.
	hreq POST "/api/imports?type=sales&source=httpd-$s" -H "Content-Type: text/csv" --data-binary "@$RUN_DIR/body-10.5M"
	expect_error 413 payload_too_large
	# Past the server's limit: refused by the server itself, with HSTS.
	hreq POST "/api/imports?type=sales&source=httpd-$s" -H "Content-Type: text/csv" --data-binary "@$RUN_DIR/body-12M"
	eq "$s: a body past the server's limit is 413" 413 "$CODE"
	eq "$s: HSTS on the server's own error too" "max-age=63072000; includeSubDomains" "$(header_all Strict-Transport-Security)"

	# Compression of JSON, and the ETag still good for a 304 (the bad rows
	# of a finished import: a large answer that does not change).
	local errors=/api/imports/$HTTPD_BAD_IMPORT/errors tag
	hreq GET "$errors" -H "Accept-Encoding: gzip"
	eq "$s: JSON is compressed when asked" gzip "$(header Content-Encoding)"
	gzip -dc <"$BODY" >"$RUN_DIR/httpd-gunzipped" 2>/dev/null
	eq "$s: and decompresses to the JSON" 40 "$(jq '.errors | length' <"$RUN_DIR/httpd-gunzipped" 2>/dev/null)"
	tag=$(header ETag)
	check "$s: with an ETag" test -n "$tag"
	hreq GET "$errors" -H "Accept-Encoding: gzip" -H "If-None-Match: $tag"
	eq "$s: If-None-Match with that ETag is 304" 304 "$CODE"
	hreq GET "$errors"
	eq "$s: uncompressed when not asked" "" "$(header Content-Encoding)"
	eq "$s: the same answer" 40 "$(jqb '.errors | length')"

	# Plain HTTP redirects to HTTPS.
	req GET "$HTTPD_HTTP/health" "${HTTPD_CURL[@]}"
	check "$s: plain HTTP answers a permanent redirect (301, or 308 from Caddy)" grep -qE '^30[18]$' <<<"$CODE"
	check "$s: to https://" grep -q "^https://$HTTPD_HOST" <<<"$(header Location)"

	# The smoke test over HTTPS, the certificate checked, sent to this
	# server by address while naming the site.
	local out=$RUN_DIR/httpd-smoke.out
	"$BUILD_DIR/sentiactl" smoke --url "$HTTPD_HTTPS" --connect "127.0.0.1:$HTTPD_PORT" --cacert "$RUN_DIR/tls/fullchain.pem" \
		--token "$API_KEY" >"$out" 2>&1
	eq "$s: sentiactl smoke over HTTPS passes" "0" "$?"
	eq "$s: every check ok" 6 "$(grep -cE '^[a-z ]+ +ok ' "$out")"
	"$BUILD_DIR/sentiactl" smoke --url "$HTTPD_HTTPS" --connect "127.0.0.1:$HTTPD_PORT" >"$out" 2>&1
	eq "$s: sentiactl smoke refuses a certificate it cannot trust" "1" "$?"
	check "$s: saying why" grep -q "TLS: The certificate is NOT trusted" "$out"

	# X-Forwarded-For: believed from the trusted proxy (127.0.0.1) only.
	hreq GET /health -H "X-Forwarded-For: 203.0.113.7" -H "X-Request-Id: httpd-$s-xff-trusted"
	eq "$s: X-Forwarded-For from a trusted proxy gives the client's address" 203.0.113.7 \
		"$(access_log_addr "httpd-$s-xff-trusted")"
	hreq GET /health --interface 127.0.0.2 -H "X-Forwarded-For: 203.0.113.8" -H "X-Request-Id: httpd-$s-xff-untrusted"
	eq "$s: X-Forwarded-For from anyone else is ignored" 127.0.0.2 "$(access_log_addr "httpd-$s-xff-untrusted")"
}

# httpd_param_checks SERVER: what the server passes, seen by the echo responder.
httpd_param_checks() {
	local s=$1
	REQ_AUTH="Bearer t0k3n" hreq GET "/api/a%20b/c?x=1&y=%2F" -H "X-Forwarded-For: 203.0.113.9"
	eq "$s: (echo) 200" 200 "$CODE"
	eq "$s: REQUEST_URI is the raw target" "/api/a%20b/c?x=1&y=%2F" "$(jqb .REQUEST_URI)"
	eq "$s: QUERY_STRING" "x=1&y=%2F" "$(jqb .QUERY_STRING)"
	eq "$s: REQUEST_METHOD" GET "$(jqb .REQUEST_METHOD)"
	eq "$s: HTTP_AUTHORIZATION" "Bearer t0k3n" "$(jqb .HTTP_AUTHORIZATION)"
	eq "$s: HTTPS is on" on "$(jqb .HTTPS)"
	if [ "$s" = caddy ]; then
		# Caddy 2.6 passes its peer; X-Forwarded-For, kept because the peer
		# is trusted, carries the client for API_TRUSTED_PROXIES.
		eq "$s: REMOTE_ADDR is the peer" 127.0.0.1 "$(jqb .REMOTE_ADDR)"
		eq "$s: X-Forwarded-For kept, the peer appended" "203.0.113.9, 127.0.0.1" "$(jqb .HTTP_X_FORWARDED_FOR)"
	else
		eq "$s: REMOTE_ADDR is the client, from the trusted proxy's X-Forwarded-For" 203.0.113.9 "$(jqb .REMOTE_ADDR)"
	fi
	hreq GET /x --interface 127.0.0.2 -H "X-Forwarded-For: 203.0.113.9"
	eq "$s: an untrusted peer's X-Forwarded-For does not become REMOTE_ADDR" 127.0.0.2 "$(jqb .REMOTE_ADDR)"
	if [ "$s" = caddy ]; then
		eq "$s: and is replaced by the peer's address" 127.0.0.2 "$(jqb .HTTP_X_FORWARDED_FOR)"
	fi
	head -c 5000 /dev/zero >"$RUN_DIR/httpd-5000"
	hreq POST /api/imports -H "Content-Type: text/csv" --data-binary "@$RUN_DIR/httpd-5000"
	eq "$s: CONTENT_LENGTH passed" 5000 "$(jqb .CONTENT_LENGTH)"
	eq "$s: the whole body passed" 5000 "$(jqb .STDIN_LENGTH)"
	eq "$s: CONTENT_TYPE passed" text/csv "$(jqb .CONTENT_TYPE)"
}

# httpd_bad_import: once per run, an import with 40 bad rows, processed.
httpd_bad_import() {
	[ -n "${HTTPD_BAD_IMPORT:-}" ] && return 0
	local f=$RUN_DIR/httpd-bad.csv
	{ echo "date,sku,channel,quantity,unit_price,net_revenue,cogs"
	  for i in $(seq 1 40); do echo "2025-02-30,NO-SUCH-SKU-$i,Retail,-$i,1,1,1"; done; } >"$f"
	req POST "$BASE_URL/api/imports?type=sales&source=httpd-bad&mode=skip_invalid" -H "Content-Type: text/csv" --data-binary "@$f"
	HTTPD_BAD_IMPORT=$(header Location | sed 's|.*/||')
	wait_until 30 bash -c "curl -s -H 'Authorization: Bearer $API_KEY' '$BASE_URL/api/imports/$HTTPD_BAD_IMPORT' | jq -e '.status | test(\"completed|failed\")'"
}

# httpd_test SERVER: both rounds for one server.
httpd_test() {
	local s=$1 echo_pid
	command -v "$([ "$s" = apache ] && echo apache2 || echo "$s")" >/dev/null || { fail "$s is installed"; return; }
	httpd_tls
	httpd_bad_import
	[ -f "$RUN_DIR/body-12M" ] || { head -c 11010048 /dev/zero >"$RUN_DIR/body-10.5M"; head -c 12582912 /dev/zero >"$RUN_DIR/body-12M"; }
	# The pool as in production behind a load balancer: HSTS on (so that
	# the servers are seen to replace it) and the trusted proxy (Caddy).
	export ENABLE_HSTS=true API_TRUSTED_PROXIES=127.0.0.1
	restart_api
	if httpd_start "$s" "$RUN_DIR/api.sock"; then
		httpd_endpoint_checks "$s"
		httpd_stop
	fi
	unset ENABLE_HSTS API_TRUSTED_PROXIES
	restart_api

	/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/fcgi-echo.py" "$RUN_DIR/echo.sock" 2>>"$RUN_DIR/logs/echo.log" &
	echo_pid=$!
	wait_until 5 test -S "$RUN_DIR/echo.sock"
	if httpd_start "$s" "$RUN_DIR/echo.sock"; then
		httpd_param_checks "$s"
		httpd_stop
	fi
	kill -TERM "$echo_pid"; wait "$echo_pid" 2>/dev/null
}

test_httpd_nginx() { httpd_test nginx; }
test_httpd_apache() { httpd_test apache; }
test_httpd_caddy() { httpd_test caddy; }
