-- Users as Clerk knows them (kept in step by Clerk's webhooks), the
-- history of their roles, the erasures done (by a hash of the id, never
-- the id), who made each import, and the audit log's one exception to
-- append-only: an erasure may replace a person by a pseudonym.

CREATE TABLE users (
	id               text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_]{1,64}$'),  -- Clerk's user id
	email            text,                    -- the primary e-mail address
	name             text,
	role             text CHECK (role IN ('viewer', 'operator', 'analyst', 'manager', 'admin')),
	clerk_created_at timestamptz,
	clerk_updated_at timestamptz,             -- the newest event applied: older ones are ignored
	created_at       timestamptz NOT NULL DEFAULT now(),
	updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Every role a user has had, newest last; written by the trigger below,
-- so it cannot drift from users.role.
CREATE TABLE user_role_history (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role        text,                         -- NULL: no role
	changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_role_history_user ON user_role_history (user_id, id);

CREATE FUNCTION users_role_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' OR NEW.role IS DISTINCT FROM OLD.role THEN
		INSERT INTO user_role_history (user_id, role) VALUES (NEW.id, NEW.role);
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER users_role_changed AFTER INSERT OR UPDATE OF role ON users
	FOR EACH ROW EXECUTE FUNCTION users_role_history();

-- Users erased: the SHA-256 (or HMAC, see docs/users.md) of the id and
-- the pseudonym that replaced it, so that a late webhook cannot bring an
-- erased profile back.
CREATE TABLE erased_users (
	subject_hash text PRIMARY KEY CHECK (subject_hash ~ '^[0-9a-f]{64}$'),
	pseudonym    text NOT NULL,
	erased_at    timestamptz NOT NULL DEFAULT now()
);

-- Who made an import: user:<id>, key:<name> or operator:<login>.
ALTER TABLE imports ADD COLUMN created_by text;
CREATE INDEX imports_created_by ON imports (created_by) WHERE created_by IS NOT NULL;

-- The audit log stays append-only, but an erasure may rewrite the person
-- out of it (sentia.audit_erasure, set for its transaction only).
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' AND current_setting('sentia.audit_purge', true) = 'on' THEN
		RETURN OLD;
	END IF;
	IF TG_OP = 'UPDATE' AND current_setting('sentia.audit_erasure', true) = 'on' THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END
$$;
