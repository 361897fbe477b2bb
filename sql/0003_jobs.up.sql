-- Jobs: the durable record of work queued for sentia-worker. The Redis
-- stream carries only a job's id; this row is the truth about it.

CREATE TABLE jobs (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	queue         text NOT NULL CHECK (queue IN ('imports', 'forecasts', 'working-capital', 'maintenance')),
	type          text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_.-]{0,63}$'),
	payload       jsonb NOT NULL DEFAULT '{}',
	status        text NOT NULL DEFAULT 'queued'
	              CHECK (status IN ('queued', 'running', 'retrying', 'succeeded', 'dead')),
	attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	max_attempts  integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 100),
	last_error    text,
	dedupe_key    text UNIQUE,          -- a periodic run's period, so it is queued once
	stream_id     text,                 -- the stream entry that last carried it
	worker        text,                 -- host:pid of the last worker to run it
	result        jsonb,
	enqueued_at   timestamptz NOT NULL DEFAULT now(),
	published_at  timestamptz,          -- when it was last put on its stream
	next_run_at   timestamptz,          -- a retry's due time
	started_at    timestamptz,
	finished_at   timestamptz,
	CHECK (status NOT IN ('succeeded', 'dead') OR finished_at IS NOT NULL)
);

-- Jobs still to do, for the sweeper that re-publishes what a stream lost.
CREATE INDEX jobs_open ON jobs (queue, id) WHERE status IN ('queued', 'running', 'retrying');
-- Recent outcomes, for the status page and the retention purge.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
