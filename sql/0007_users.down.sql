CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' AND current_setting('sentia.audit_purge', true) = 'on' THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END
$$;
DROP INDEX imports_created_by;
ALTER TABLE imports DROP COLUMN created_by;
DROP TABLE erased_users;
DROP TABLE user_role_history;
DROP TABLE users;
DROP FUNCTION users_role_history();
