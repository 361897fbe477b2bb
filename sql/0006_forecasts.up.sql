-- Demand forecasts: a run per request (one SKU, several, or all), and one
-- forecast per run and SKU with its points, intervals and accuracy.

CREATE TABLE forecast_runs (
	id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	job_id           bigint,                 -- the queue's job (jobs are purged; runs stay)
	idempotency_key  text UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 255),
	request          json NOT NULL,          -- the request as it was understood
	skus_total       integer NOT NULL CHECK (skus_total >= 0),  -- progress: its rows in forecasts
	-- rejected: nothing could be forecast for a reason in the data (too
	-- little history); failed: the system could not finish it.
	status           text NOT NULL DEFAULT 'queued'
	                 CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'rejected', 'cancelled')),
	cancel_requested boolean NOT NULL DEFAULT false,
	error            text,
	created_at       timestamptz NOT NULL DEFAULT now(),
	started_at       timestamptz,
	finished_at      timestamptz,
	CHECK (status NOT IN ('succeeded', 'failed', 'rejected', 'cancelled') OR finished_at IS NOT NULL)
);
CREATE INDEX forecast_runs_finished_at ON forecast_runs (finished_at);

CREATE TABLE forecasts (
	run_id           bigint NOT NULL REFERENCES forecast_runs (id) ON DELETE CASCADE,
	product_id       bigint NOT NULL REFERENCES products (id),
	status           text NOT NULL CHECK (status IN ('ok', 'failed')),
	error            text,
	method           text NOT NULL,          -- asked for
	model            text,                   -- what ran
	frequency        text NOT NULL CHECK (frequency IN ('day', 'week', 'month')),
	horizon          integer NOT NULL CHECK (horizon BETWEEN 1 AND 365),
	history_start    date,
	history_end      date,                   -- the start of the last period of history
	history_periods  integer,
	points           json,                   -- [{"period", "forecast", "lo80", "hi80", "lo95", "hi95"}]
	backtest_origins integer,
	mae              double precision,       -- quantities, not money
	rmse             double precision,
	mape             double precision,
	smape            double precision,
	mase             double precision,
	created_at       timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (run_id, product_id)
);
CREATE INDEX forecasts_latest ON forecasts (product_id, created_at DESC) WHERE status = 'ok';
