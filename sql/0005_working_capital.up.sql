-- Working capital: the balance-sheet figures an import may give, and the
-- snapshots the working-capital queue computes. Money stays numeric.

-- Current assets and liabilities beyond receivables, inventory and
-- payables, as of a date, in the base currency. With them the current and
-- quick ratios can be computed; without them those two are null.
CREATE TABLE balance_sheet (
	as_of                     date PRIMARY KEY,
	cash                      numeric(18,4) NOT NULL CHECK (cash >= 0),  -- an overdraft is a current liability
	other_current_assets      numeric(18,4) NOT NULL CHECK (other_current_assets >= 0),
	other_current_liabilities numeric(18,4) NOT NULL CHECK (other_current_liabilities >= 0),
	import_id                 bigint REFERENCES imports (id) ON DELETE SET NULL,
	updated_at                timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE imports DROP CONSTRAINT imports_type_check;
ALTER TABLE imports ADD CONSTRAINT imports_type_check
	CHECK (type IN ('channels', 'products', 'sales', 'inventory', 'receivables', 'payables', 'balance_sheet'));

-- One snapshot per as-of date and window; a recompute on the same day
-- replaces the figures and moves computed_at.
CREATE TABLE working_capital_snapshots (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	as_of       date NOT NULL,
	window_days integer NOT NULL CHECK (window_days BETWEEN 1 AND 3660),
	figures     json NOT NULL,        -- json, not jsonb: numbers and key order kept as written
	reason      text NOT NULL CHECK (reason IN ('schedule', 'import', 'request', 'command')),
	job_id      bigint,
	computed_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (as_of, window_days)
);
CREATE INDEX working_capital_snapshots_computed_at ON working_capital_snapshots (computed_at);

-- Windows of sales by date. Sales arrive roughly in date order, so a
-- block-range index serves the range at almost no cost to bulk loads
-- (a B-tree would be a second index to maintain on every import).
CREATE INDEX sales_sale_date_brin ON sales USING brin (sale_date);
