# shellcheck shell=bash
# Deployment: make install (DESTDIR, prefix), the systemd units verified,
# the release tarball's version, sentiactl smoke against the running
# instance, rolling back (a schema ahead of the binary, down and up again
# while the API serves), and every shell block of the operator's guide
# marked <!-- run -->. What changes the schema or maintenance mode runs
# on an instance of its own (its own database, Redis database, pool,
# worker and nginx), so the suite's instance is left as it was.

# quiet COMMAND...: runs it with its output discarded.
quiet() { "$@" >/dev/null 2>&1; }
# The version this build reports.
build_version() { sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$BUILD_DIR/ac-config.h"; }
# The schema version this build expects.
build_schema() { "$BUILD_DIR/sentiactl" version | sed -n 's/.*schema version \([0-9]*\).*/\1/p'; }

# second_start: a second instance of sentia: the database sentia_side,
# Redis database 1, a pool, a worker and nginx (the local configuration)
# on ports of their own; logs in logs/deploy-*.log. Sets SIDE_URL,
# SIDE_KEY (an admin key), SIDE_DATABASE_URL, SIDE_REDIS_URL, SIDE_ENV
# (for env) and SIDE_PIDS.
second_start() {
	local d=$RUN_DIR/side port
	rm -rf "$d"; mkdir -p "$d/nginx-tmp"
	[ "$(id -u)" -eq 0 ] && chown "$(web_user)" "$d/nginx-tmp"
	PGOPTIONS="-c client_min_messages=warning" psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 \
		-c "DROP DATABASE IF EXISTS sentia_side" \
		-c "CREATE DATABASE sentia_side OWNER sentia" >/dev/null
	SIDE_DATABASE_URL="postgresql://sentia@127.0.0.1:$PG_PORT/sentia_side"
	SIDE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/1"
	SIDE_ENV=(DATABASE_URL="$SIDE_DATABASE_URL" REDIS_URL="$SIDE_REDIS_URL")
	redis-cli -p "$REDIS_PORT" -n 1 FLUSHDB >/dev/null
	env "${SIDE_ENV[@]}" "$BUILD_DIR/sentiactl" migrate up >>"$RUN_DIR/logs/deploy-migrate.log" 2>&1
	SIDE_KEY=$(env "${SIDE_ENV[@]}" "$BUILD_DIR/sentiactl" apikey create --name side --role admin 2>/dev/null)
	env "${SIDE_ENV[@]}" "$BUILD_DIR/sentia-api" --listen "unix:$d/api.sock" --socket-group "$(web_group)" \
		>>"$RUN_DIR/logs/deploy-api.log" 2>&1 &
	SIDE_PIDS=($!)
	env "${SIDE_ENV[@]}" "$BUILD_DIR/sentia-worker" >>"$RUN_DIR/logs/deploy-worker.log" 2>&1 &
	SIDE_PIDS+=($!)
	port=$(free_port 18600)
	sed -e "s|@RUN_DIR@|$d|g" -e "s|@HTTP_PORT@|$port|g" -e "s|@STATUS_HTTP_PORT@|$(free_port $((port + 1)))|g" \
	    -e "s|@USER@|$(web_user)|g" -e "s|@GROUP@|$(web_group)|g" -e "s|@ACCESS_LOG@|$d/access.log|g" \
	    -e "s|@MAX_BODY@|512m|g" "$SENTIA_TOP/httpd-conf/nginx/sentia-local.conf.in" >"$d/nginx.conf"
	nginx -c "$d/nginx.conf" -e "$RUN_DIR/logs/deploy-nginx.log" -g "daemon off;" 2>>"$RUN_DIR/logs/deploy-nginx.log" &
	SIDE_PIDS+=($!)
	SIDE_URL=http://127.0.0.1:$port
	wait_until 30 curl -sf -o /dev/null "$SIDE_URL/ready" || fail "the second instance comes up" "$(tail -n 5 "$RUN_DIR"/logs/deploy-*.log)"
}

second_stop() {
	local pid
	for pid in "${SIDE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
	for pid in "${SIDE_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
	psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "DROP DATABASE IF EXISTS sentia_side" >/dev/null
	redis-cli -p "$REDIS_PORT" -n 1 FLUSHDB >/dev/null
}
# sctl ARGS...: sentiactl for the second instance.
sctl() { env "${SIDE_ENV[@]}" "$BUILD_DIR/sentiactl" "$@"; }
# second_shows "VERB ARGS" REGEX: a line of that sentiactl output matches.
second_shows() {
	local args
	read -r -a args <<<"$1"
	sctl "${args[@]}" 2>/dev/null | grep -qE "$2"
}

test_make_install() {
	local d=$RUN_DIR/install f
	rm -rf "$d"
	check "make install DESTDIR=... prefix=/usr succeeds" \
		quiet make -C "$BUILD_DIR" -s install DESTDIR="$d" prefix=/usr sysconfdir=/etc
	for f in usr/bin/sentia-api usr/bin/sentia-worker usr/bin/sentiactl \
	         usr/share/man/man8/sentia-api.8 usr/share/man/man8/sentia-worker.8 usr/share/man/man8/sentiactl.8 \
	         usr/lib/systemd/system/sentia-api.socket usr/lib/systemd/system/sentia-api-status.socket \
	         usr/lib/systemd/system/sentia-api.service usr/lib/systemd/system/sentia-worker.service \
	         usr/lib/sysusers.d/sentia.conf usr/share/sentia/sentia.env usr/share/sentia/prometheus-rules.yml \
	         usr/share/sentia/nginx/sentia.conf usr/share/sentia/apache/sentia.conf usr/share/sentia/caddy/Caddyfile \
	         usr/share/sentia/sql/0001_imports.up.sql usr/share/sentia/sql/0001_imports.down.sql \
	         usr/share/sentia/templates/maintenance.html usr/share/doc/sentia/operations.md; do
		check "installs /$f" test -s "$d/$f"
	done
	eq "every migration is installed" "$(find "$SENTIA_TOP/sql" -name '[0-9]*.sql' | wc -l)" \
		"$(find "$d/usr/share/sentia/sql" -name '*.sql' | wc -l)"
	check "the installed sentia-api runs --version" grep -q "^sentia-api $(build_version) " <<<"$("$d/usr/bin/sentia-api" --version)"
	check "the installed sentia-worker runs --version" grep -q "^sentia-worker $(build_version) " <<<"$("$d/usr/bin/sentia-worker" --version)"
	check "the installed sentiactl runs version" grep -q "^sentiactl $(build_version) " <<<"$("$d/usr/bin/sentiactl" version)"
	check "the unit starts the installed program with the installed env file" \
		grep -qx "ExecStart=/usr/bin/sentia-api --env-file /etc/sentia/sentia.env" "$d/usr/lib/systemd/system/sentia-api.service"
	check "the worker's unit too" \
		grep -qx "ExecStart=/usr/bin/sentia-worker --env-file /etc/sentia/sentia.env" "$d/usr/lib/systemd/system/sentia-worker.service"
	for f in "$d"/usr/share/man/man8/*.8; do
		eq "$(basename "$f") renders without a warning" "" "$(groff -man -ww -z "$f" 2>&1)"
		check "man shows $(basename "$f")" bash -c "MANWIDTH=80 man -l '$f' 2>/dev/null | grep -q '^NAME'"
	done
	check "make uninstall succeeds" quiet make -C "$BUILD_DIR" -s uninstall DESTDIR="$d" prefix=/usr sysconfdir=/etc
	eq "and leaves no file behind" "" "$(find "$d" -type f)"
}

test_systemd_units() {
	local p=$RUN_DIR/prefix u out
	rm -rf "$p"
	# Installed with real paths (no DESTDIR), so that the units name
	# programs that exist and systemd-analyze can check them.
	make -C "$BUILD_DIR" -s install prefix="$p/usr" sysconfdir="$p/etc" >/dev/null 2>&1
	u=$p/usr/lib/systemd/system
	out=$(cd "$u" && MANPATH=$p/usr/share/man systemd-analyze verify sentia-api.socket sentia-api-status.socket \
		sentia-api.service sentia-worker.service 2>&1)
	eq "systemd-analyze verify passes on the four units" "0" "$?"
	eq "and says nothing" "" "$out"
	for s in sentia-api sentia-worker; do
		for line in Type=notify "ExecReload=/bin/kill -HUP \$MAINPID" Restart=on-failure NoNewPrivileges=yes \
		            ProtectSystem=strict ProtectHome=yes PrivateTmp=yes "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" \
		            SystemCallFilter=@system-service KillMode=mixed User=sentia "EnvironmentFile=$p/etc/sentia/sentia.env"; do
			check "$s.service has $line" grep -qxF "$line" "$u/$s.service"
		done
		check "$s.service has a MemoryMax" grep -qE '^MemoryMax=[0-9]+[KMG]$' "$u/$s.service"
		check "$s.service is rated OK by systemd-analyze security (exposure at most 2.5)" \
			quiet systemd-analyze security --offline=true --threshold=25 "$u/$s.service"
	done
	check "the socket is the one the web-server configurations name" grep -qx "ListenStream=/run/sentia/api.sock" "$u/sentia-api.socket"
	check "the status socket is named status" grep -qx "FileDescriptorName=status" "$u/sentia-api-status.socket"
	# verify does catch a broken unit (so its silence above means something).
	sed "s|^ExecStart=$p/usr/bin/sentia-api|ExecStart=$p/usr/bin/no-such-program|" "$u/sentia-api.service" >"$RUN_DIR/broken.service"
	out=$(cd "$RUN_DIR" && systemd-analyze verify --man=no ./broken.service 2>&1)
	check "systemd-analyze verify refuses a unit whose program is missing" grep -q "no-such-program" <<<"$out"
	# The shipped env file is a valid configuration.
	check "the sentia.env example passes --check-config" \
		quiet "$p/usr/bin/sentia-api" --env-file "$p/usr/share/sentia/sentia.env" --check-config
	make -C "$BUILD_DIR" -s uninstall prefix="$p/usr" sysconfdir="$p/etc" >/dev/null 2>&1
}

test_release_tarball_version() {
	local v tarball commit
	v=$(build_version)
	check "make dist succeeds" quiet make -C "$BUILD_DIR" dist
	tarball=$BUILD_DIR/sentia-$v.tar.gz
	check "the tarball is named for the version /api/status reports" test -s "$tarball"
	req GET "$BASE_URL/api/status"
	eq "/api/status reports that version" "$v" "$(jqb .version)"
	commit=$(tar -xzOf "$tarball" "sentia-$v/.commit")
	# A build from a tree with uncommitted changes says so ("-dirty"); the
	# tarball names the commit it was made from.
	eq "the tarball records the commit the build reports" "$(jqb .commit | sed 's/-dirty$//')" "$commit"
	eq "its configure says the same version" "$v" \
		"$(tar -xzOf "$tarball" "sentia-$v/configure" | sed -n "s/^PACKAGE_VERSION='\(.*\)'/\1/p")"
	rm -f "$tarball"
}

test_smoke_local() {
	local out=$RUN_DIR/smoke.out v
	v=$(build_version)
	"$BUILD_DIR/sentiactl" smoke --url "$BASE_URL" --token "$API_KEY" --expect-version "$v" >"$out" 2>&1
	eq "smoke against the running instance passes" 0 "$?"
	check "prints the table's header" grep -qE '^check +result +status +ms +detail' "$out"
	for c in health ready metrics status "auth required" "authenticated read"; do
		check "check '$c' ok, with its status and time" grep -qE "^$c +ok +[0-9]{3} +[0-9]+\\.[0-9] " "$out"
	done
	check "metrics counted" grep -qE '^metrics .* [0-9]+ samples' "$out"
	check "status names the version" grep -q "version $v (commit" "$out"
	check "the verdict" grep -qx "smoke test passed" "$out"

	SENTIA_TOKEN=$API_KEY "$BUILD_DIR/sentiactl" smoke --url "$BASE_URL/" >"$out" 2>&1
	eq "the token may come from SENTIA_TOKEN" 0 "$?"
	"$BUILD_DIR/sentiactl" smoke --url "$BASE_URL" >"$out" 2>&1
	eq "without a token: passes" 0 "$?"
	check "with the authenticated read skipped" grep -qE '^authenticated read +skip' "$out"

	"$BUILD_DIR/sentiactl" smoke --url "$BASE_URL" --token "$API_KEY" --expect-version 99.0.0 >"$out" 2>&1
	eq "another version expected: fails" 1 "$?"
	check "saying which" grep -qE "^status +FAIL +200 .*expected version 99.0.0" "$out"
	"$BUILD_DIR/sentiactl" smoke --url "$BASE_URL" --token sk_not_a_key >"$RUN_DIR/smoke-badkey.out" 2>&1
	eq "a bad token: fails" 1 "$?"
	check "on the authenticated read, with sentia's reason" \
		grep -qE '^authenticated read +FAIL +401 +[0-9.]+ +unauthorized' "$RUN_DIR/smoke-badkey.out"
	second_start
	sctl maintenance on --message "smoke test" >/dev/null 2>&1
	# Every responder follows within a second.
	sleep 1.5
	sctl smoke --url "$SIDE_URL" --token "$SIDE_KEY" >"$out" 2>&1
	eq "in maintenance: fails" 1 "$?"
	check "the status check says 503" grep -qE '^status +FAIL +503 ' "$out"
	second_stop
	"$BUILD_DIR/sentiactl" smoke --url "http://127.0.0.1:$(free_port 19500)" >"$out" 2>&1
	eq "nothing listening: fails" 1 "$?"
	check "saying so" grep -q "Connection refused" "$out"
	"$BUILD_DIR/sentiactl" smoke --url "ftp://x" >"$out" 2>&1
	eq "a URL it cannot use: usage error" 2 "$?"
	"$BUILD_DIR/sentiactl" smoke >"$out" 2>&1
	eq "no URL: usage error" 2 "$?"
}

# The schema as a newer release leaves it: one more migration, additive.
schema_ahead() {
	psql "$SIDE_DATABASE_URL" -q -v ON_ERROR_STOP=1 \
		-c "ALTER TABLE imports ADD COLUMN rollback_probe text" \
		-c "CREATE TABLE rollback_probe (id bigint PRIMARY KEY)" \
		-c "INSERT INTO schema_migrations (version, name, checksum, execution_ms) VALUES ($1, 'rollback_probe', 'x', 0)"
}

test_rollback_schema_ahead() {
	local n next out id
	second_start
	n=$(build_schema)
	next=$((n + 1))
	out=$(sctl migrate status 2>&1)
	check "migrate status says which version this binary expects" grep -q "this build expects $n;" <<<"$out"
	schema_ahead "$next"
	# This build stands for the previous release, on the current schema.
	req GET "$SIDE_URL/ready"
	eq "a binary behind an additive schema is ready" 200 "$CODE"
	eq "its migrations check is ok" ok "$(jqb .checks.migrations)"
	eq "it sees the schema ahead" "$next/$n" "$(jqb '"\(.schema.version)/\(.schema.expected)"')"
	sctl smoke --url "$SIDE_URL" --token "$SIDE_KEY" >"$RUN_DIR/smoke.out" 2>&1
	eq "the smoke test passes" 0 "$?"
	printf 'date,sku,channel,quantity,unit_price,net_revenue,cogs\n2025-03-01,WAT-1,Retail,1,1,1,1\n' >"$RUN_DIR/rollback.csv"
	REQ_AUTH="Bearer $SIDE_KEY" req POST "$SIDE_URL/api/imports?type=sales&source=rollback" -H "Content-Type: text/csv" \
		--data-binary "@$RUN_DIR/rollback.csv"
	eq "it takes an upload" 202 "$CODE"
	id=$(header Location | sed 's|.*/||')
	check "and its worker processes it" wait_until 30 bash -c \
		"curl -s -H 'Authorization: Bearer $SIDE_KEY' '$SIDE_URL/api/imports/$id' | jq -e '.status | test(\"completed|failed\")'"
	out=$(sctl migrate status 2>&1)
	eq "its migrate status exits 1" 1 "$?"
	check "naming the newer migration as unknown" grep -q "$(printf '%04d' "$next")_rollback_probe .*UNKNOWN to this build" <<<"$out"
	out=$(sctl migrate up 2>&1)
	eq "its migrate up refuses" 1 "$?"
	check "saying the database is newer" grep -q "newer than this sentiactl" <<<"$out"
	eq "and changes nothing" "$next" "$(psql "$SIDE_DATABASE_URL" -Atqc 'SELECT max(version) FROM schema_migrations')"
	second_stop
}

# serve_loop URL OUTFILE: GET URL every 50 ms, one status a line, until
# killed; its PID in SERVE_LOOP.
serve_loop() {
	while :; do curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 "$1"; sleep 0.05; done >"$2" 2>/dev/null &
	SERVE_LOOP=$!
}

test_rollback_down_up() {
	local n prev codes=$RUN_DIR/serving.txt out
	second_start
	n=$(build_schema)
	prev=$((n - 1))
	serve_loop "$SIDE_URL/health" "$codes"
	out=$(sctl migrate down "$prev" 2>&1)
	eq "migrate down to the previous release's schema succeeds" 0 "$?"
	check "saying where it ended" grep -q "the database is at version $prev" <<<"$out"
	req GET "$SIDE_URL/ready"
	eq "/ready is 503 while the schema is behind this binary" 503 "$CODE"
	eq "saying migrations pending" pending "$(jqb .checks.migrations)"
	out=$(sctl migrate status 2>&1)
	check "migrate status shows one pending" grep -q "database at version $prev; this build expects $n; 1 pending" <<<"$out"
	sctl migrate up >/dev/null 2>&1
	eq "migrate up again succeeds" 0 "$?"
	req GET "$SIDE_URL/ready"
	eq "ready again" 200 "$CODE"
	sleep 0.3
	kill "$SERVE_LOOP"; wait "$SERVE_LOOP" 2>/dev/null
	ge "the API was asked throughout" 5 "$(wc -l <"$codes")"
	eq "and answered every /health with 200" "" "$(grep -v '^200$' "$codes" | sort | uniq -c)"
	second_stop
}

# guide_blocks FILE: the <!-- run --> shell blocks of the guide, each as
# one record ended by a NUL byte.
guide_blocks() {
	awk '
		$0 == "<!-- run -->" { want = 1; next }
		want && /^```sh/ { inside = 1; want = 0; block = ""; next }
		inside && /^```/ { printf "%s%c", block, 0; inside = 0; next }
		inside { block = block $0 "\n"; next }
		{ want = 0 }
	' "$1"
}

test_guide_commands() {
	local env=$RUN_DIR/guide.env i=0 block first log
	second_start
	# What the guide's conventions set, pointed at the second instance.
	printf 'DATABASE_URL=%s\nREDIS_URL=%s\n' "$SIDE_DATABASE_URL" "$SIDE_REDIS_URL" >"$env"
	mkdir -p "$RUN_DIR/guide-work"
	while IFS= read -r -d '' block; do
		i=$((i + 1))
		first=$(head -n 1 <<<"$block")
		log=$RUN_DIR/logs/guide-block-$i.log
		(cd "$RUN_DIR/guide-work" && env "${SIDE_ENV[@]}" PATH="$BUILD_DIR:$PATH" SENTIA_ENV="$env" SENTIA_URL="$SIDE_URL" \
			SENTIA_TOKEN="$SIDE_KEY" SENTIA_ADMIN_TOKEN="$SIDE_KEY" BACKUP_DIR="$RUN_DIR/backup" \
			PREVIOUS_SCHEMA=$(($(build_schema) - 1)) bash -euo pipefail -c "$block") >"$log" 2>&1
		if [ $? -eq 0 ]; then
			pass "guide block $i runs: $first"
		else
			fail "guide block $i runs: $first" "$(tail -n 15 "$log")"
		fi
	done < <(guide_blocks "$SENTIA_TOP/docs/operations.md")
	ge "the guide has run blocks" 10 "$i"
	# What the blocks left: the rotated key, a dump, maintenance off.
	check "the API key rotation left smoke revoked" second_shows "apikey list" '^smoke +viewer .* revoked$'
	check "the backup block left a dump" bash -c "ls '$RUN_DIR'/backup/sentia-*.dump >/dev/null"
	check "maintenance is off again" second_shows "maintenance status" '^maintenance off'
	req GET "$SIDE_URL/ready"
	eq "and the instance is ready" 200 "$CODE"
	second_stop
}
