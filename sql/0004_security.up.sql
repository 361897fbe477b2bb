-- API keys for machines, and the audit log.

CREATE TABLE api_keys (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name         text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
	role         text NOT NULL CHECK (role IN ('viewer', 'operator', 'analyst', 'manager', 'admin')),
	prefix       text NOT NULL CHECK (prefix ~ '^sk_[A-Za-z0-9]{8}$'),   -- shown in listings
	key_hash     text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'), -- SHA-256 of the whole key
	created_at   timestamptz NOT NULL DEFAULT now(),
	last_used_at timestamptz,
	revoked_at   timestamptz
);
CREATE INDEX api_keys_prefix ON api_keys (prefix);

-- Who did what: every mutating request, every authentication failure and
-- lock-out, every admin action. Append-only: a trigger refuses UPDATE and
-- DELETE unless the session says it is the retention purge, and TRUNCATE
-- always.
CREATE TABLE audit_log (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at          timestamptz NOT NULL DEFAULT clock_timestamp(),
	action      text NOT NULL CHECK (action IN ('request', 'auth_failure', 'lockout', 'admin')),
	actor       text NOT NULL,          -- user:<sub>, key:<name>, or anonymous
	role        text,
	remote_addr text,
	method      text,
	route       text,
	target      text,                   -- the path, or what an admin action touched
	outcome     text NOT NULL,          -- the status code, or a word
	request_id  text,
	detail      text
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' AND current_setting('sentia.audit_purge', true) = 'on' THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
