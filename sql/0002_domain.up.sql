-- The manufacturer's data: channels, products, sales history, inventory,
-- receivables and payables. Money is numeric, never floating point; each
-- table's natural key is the key imports merge on.

CREATE TABLE channels (
	id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name                  text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
	type                  text NOT NULL
	                      CHECK (type IN ('retail', 'wholesale', 'ecommerce', 'distributor', 'direct', 'other')),
	receivable_terms_days integer NOT NULL CHECK (receivable_terms_days BETWEEN 0 AND 365),
	import_id             bigint REFERENCES imports (id) ON DELETE SET NULL,
	created_at            timestamptz NOT NULL DEFAULT now(),
	updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
	id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sku            text NOT NULL UNIQUE CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
	name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	category       text NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
	unit_cost      numeric(14,4) NOT NULL CHECK (unit_cost >= 0),
	selling_price  numeric(14,4) NOT NULL CHECK (selling_price >= 0),
	lead_time_days integer NOT NULL CHECK (lead_time_days BETWEEN 0 AND 365),
	active         boolean NOT NULL DEFAULT true,
	import_id      bigint REFERENCES imports (id) ON DELETE SET NULL,
	created_at     timestamptz NOT NULL DEFAULT now(),
	updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per product, channel, day and order; order_ref is '' for a
-- day's total. The natural key is the primary key: one index to keep up
-- during bulk loads, and it serves per-product history scans.
CREATE TABLE sales (
	product_id  bigint NOT NULL REFERENCES products (id),
	channel_id  bigint NOT NULL REFERENCES channels (id),
	sale_date   date NOT NULL,
	order_ref   text NOT NULL DEFAULT '' CHECK (length(order_ref) <= 100),
	quantity    numeric(14,4) NOT NULL CHECK (quantity >= 0),
	unit_price  numeric(14,4) NOT NULL CHECK (unit_price >= 0),
	net_revenue numeric(16,4) NOT NULL CHECK (net_revenue >= 0),
	cogs        numeric(16,4) NOT NULL CHECK (cogs >= 0),
	import_id   bigint REFERENCES imports (id) ON DELETE SET NULL,
	PRIMARY KEY (product_id, channel_id, sale_date, order_ref)
);

CREATE TABLE inventory_snapshots (
	product_id    bigint NOT NULL REFERENCES products (id),
	location      text NOT NULL CHECK (length(location) BETWEEN 1 AND 100),
	snapshot_date date NOT NULL,
	on_hand       numeric(14,4) NOT NULL CHECK (on_hand >= 0),
	reserved      numeric(14,4) NOT NULL CHECK (reserved >= 0),
	inbound       numeric(14,4) NOT NULL CHECK (inbound >= 0),
	unit_cost     numeric(14,4) NOT NULL CHECK (unit_cost >= 0),
	import_id     bigint REFERENCES imports (id) ON DELETE SET NULL,
	PRIMARY KEY (product_id, location, snapshot_date),
	CHECK (reserved <= on_hand)
);

CREATE TABLE receivables (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	invoice_ref text NOT NULL UNIQUE CHECK (length(invoice_ref) BETWEEN 1 AND 100),
	customer    text NOT NULL CHECK (length(customer) BETWEEN 1 AND 200),
	channel_id  bigint REFERENCES channels (id),
	amount      numeric(16,4) NOT NULL CHECK (amount > 0),
	currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
	issued_on   date NOT NULL,
	due_on      date NOT NULL,
	paid_on     date,
	import_id   bigint REFERENCES imports (id) ON DELETE SET NULL,
	CHECK (due_on >= issued_on),
	CHECK (paid_on IS NULL OR paid_on >= issued_on)
);

CREATE TABLE payables (
	id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	bill_ref  text NOT NULL UNIQUE CHECK (length(bill_ref) BETWEEN 1 AND 100),
	supplier  text NOT NULL CHECK (length(supplier) BETWEEN 1 AND 200),
	amount    numeric(16,4) NOT NULL CHECK (amount > 0),
	currency  text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
	issued_on date NOT NULL,
	due_on    date NOT NULL,
	paid_on   date,
	import_id bigint REFERENCES imports (id) ON DELETE SET NULL,
	CHECK (due_on >= issued_on),
	CHECK (paid_on IS NULL OR paid_on >= issued_on)
);
