-- Where data comes from, the imports that bring it in, their stored
-- documents and their bad rows.

CREATE TABLE data_sources (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name            text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
	kind            text NOT NULL DEFAULT 'upload' CHECK (kind IN ('upload', 'cli', 'demo')),
	created_at      timestamptz NOT NULL DEFAULT now(),
	last_import_at  timestamptz,        -- the last import that finished, good or not
	last_success_at timestamptz,        -- the last import that loaded its data
	last_error      text,
	last_error_at   timestamptz
);

CREATE TABLE imports (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	source_id       bigint NOT NULL REFERENCES data_sources (id),
	type            text NOT NULL
	                CHECK (type IN ('channels', 'products', 'sales', 'inventory', 'receivables', 'payables')),
	format          text NOT NULL CHECK (format IN ('csv', 'json')),
	mode            text NOT NULL CHECK (mode IN ('all_or_nothing', 'skip_invalid')),
	status          text NOT NULL DEFAULT 'accepted'
	                CHECK (status IN ('accepted', 'processing', 'completed', 'completed_with_errors', 'failed')),
	idempotency_key text UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 255),
	document_sha256 text NOT NULL CHECK (document_sha256 ~ '^[0-9a-f]{64}$'),
	document_bytes  bigint NOT NULL CHECK (document_bytes >= 0),
	rows_read       bigint NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
	rows_loaded     bigint NOT NULL DEFAULT 0 CHECK (rows_loaded >= 0),
	rows_rejected   bigint NOT NULL DEFAULT 0 CHECK (rows_rejected >= 0),
	rows_inserted   bigint NOT NULL DEFAULT 0 CHECK (rows_inserted >= 0),
	rows_updated    bigint NOT NULL DEFAULT 0 CHECK (rows_updated >= 0),
	errors_stored   bigint NOT NULL DEFAULT 0 CHECK (errors_stored >= 0),
	attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	error           text,               -- why the whole import failed, if it did
	worker          text,               -- host and process that last processed it
	accepted_at     timestamptz NOT NULL DEFAULT now(),
	started_at      timestamptz,
	finished_at     timestamptz,
	CHECK (rows_loaded + rows_rejected <= rows_read),
	CHECK (finished_at IS NULL OR status IN ('completed', 'completed_with_errors', 'failed'))
);

-- Imports still to process: what a restarted process looks for.
CREATE INDEX imports_unfinished ON imports (id) WHERE status IN ('accepted', 'processing');

-- The accepted document, byte for byte, kept apart so listing imports
-- never reads it. Stored uncompressed: the import reads it whole, and
-- compressing tens of megabytes would slow every upload.
CREATE TABLE import_documents (
	import_id    bigint PRIMARY KEY REFERENCES imports (id) ON DELETE CASCADE,
	content_type text NOT NULL,
	content      bytea NOT NULL
);
ALTER TABLE import_documents ALTER COLUMN content SET STORAGE EXTERNAL;

CREATE TABLE import_errors (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	import_id   bigint NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
	line        bigint NOT NULL CHECK (line >= 0),  -- 0: the document as a whole
	column_name text,
	value       text,
	reason      text NOT NULL
);
CREATE INDEX import_errors_by_import ON import_errors (import_id, id);
