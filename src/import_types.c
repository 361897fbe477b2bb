/* import_types: the seven import types, one table each: the columns a
 * document has, how each is checked, the natural key, and the SQL that
 * merges staged rows into the domain tables. */
#include "ac-config.h"

#include "import.h"

#include <string.h>

/* Money and quantities: up to 10^10 with 4 places fits numeric(14,4). */
#define DEC_MAX (INT64_C(9999999999) * 10000)

/* channels: name, type, receivable_terms_days. */
static const struct import_column channel_cols[] = {
	{ "name", COL_TEXT, 0, 0, 100 },
	{ "type", COL_CHANNEL_TYPE, 0, 0, 0 },
	{ "receivable_terms_days", COL_INT, 0, 0, 365 },
};
static const int channel_key[] = { 0 };

/* products: sku, name, category, unit_cost, selling_price, lead_time_days. */
static const struct import_column product_cols[] = {
	{ "sku", COL_SKU, 0, 0, 64 },
	{ "name", COL_TEXT, 0, 0, 200 },
	{ "category", COL_TEXT, 0, 0, 100 },
	{ "unit_cost", COL_DECIMAL, 0, 0, DEC_MAX },
	{ "selling_price", COL_DECIMAL, 0, 0, DEC_MAX },
	{ "lead_time_days", COL_INT, 0, 0, 365 },
};
static const int product_key[] = { 0 };

/* sales: date, sku, channel, quantity, unit_price, net_revenue, cogs, order_ref. */
enum { S_DATE, S_SKU, S_CHANNEL, S_QTY, S_PRICE, S_REVENUE, S_COGS, S_ORDER };
static const struct import_column sale_cols[] = {
	{ "date", COL_DATE, 0, 0, 0 },
	{ "sku", COL_PRODUCT, 0, 0, 0 },
	{ "channel", COL_CHANNEL, 0, 0, 0 },
	{ "quantity", COL_DECIMAL, 0, 0, DEC_MAX },
	{ "unit_price", COL_DECIMAL, 0, 0, DEC_MAX },
	{ "net_revenue", COL_DECIMAL, 0, 0, DEC_MAX * 100 },
	{ "cogs", COL_DECIMAL, 0, 0, DEC_MAX * 100 },
	{ "order_ref", COL_TEXT, COL_OPTIONAL | COL_EMPTY_OK, 0, 100 },
};
static const int sale_key[] = { S_SKU, S_CHANNEL, S_DATE, S_ORDER };

/* inventory: date, sku, location, on_hand, reserved, inbound, unit_cost. */
enum { I_DATE, I_SKU, I_LOCATION, I_ON_HAND, I_RESERVED, I_INBOUND, I_COST };
static const struct import_column inventory_cols[] = {
	{ "date", COL_DATE, 0, 0, 0 },
	{ "sku", COL_PRODUCT, 0, 0, 0 },
	{ "location", COL_TEXT, 0, 0, 100 },
	{ "on_hand", COL_DECIMAL, 0, 0, DEC_MAX },
	{ "reserved", COL_DECIMAL, 0, 0, DEC_MAX },
	{ "inbound", COL_DECIMAL, 0, 0, DEC_MAX },
	{ "unit_cost", COL_DECIMAL, 0, 0, DEC_MAX },
};
static const int inventory_key[] = { I_SKU, I_LOCATION, I_DATE };

/* receivables: invoice_ref, customer, channel, amount, currency, issued_on, due_on, paid_on. */
enum { R_REF, R_CUSTOMER, R_CHANNEL, R_AMOUNT, R_CURRENCY, R_ISSUED, R_DUE, R_PAID };
static const struct import_column receivable_cols[] = {
	{ "invoice_ref", COL_TEXT, 0, 0, 100 },
	{ "customer", COL_TEXT, 0, 0, 200 },
	{ "channel", COL_CHANNEL, COL_OPTIONAL | COL_EMPTY_OK, 0, 0 },
	{ "amount", COL_DECIMAL, 0, 1, DEC_MAX * 100 },
	{ "currency", COL_CURRENCY, COL_OPTIONAL | COL_EMPTY_OK, 0, 0 },
	{ "issued_on", COL_DATE, 0, 0, 0 },
	{ "due_on", COL_DATE, 0, 0, 0 },
	{ "paid_on", COL_DATE, COL_OPTIONAL | COL_EMPTY_OK, 0, 0 },
};
static const int receivable_key[] = { R_REF };

/* payables: bill_ref, supplier, amount, currency, issued_on, due_on, paid_on. */
enum { P_REF, P_SUPPLIER, P_AMOUNT, P_CURRENCY, P_ISSUED, P_DUE, P_PAID };
static const struct import_column payable_cols[] = {
	{ "bill_ref", COL_TEXT, 0, 0, 100 },
	{ "supplier", COL_TEXT, 0, 0, 200 },
	{ "amount", COL_DECIMAL, 0, 1, DEC_MAX * 100 },
	{ "currency", COL_CURRENCY, COL_OPTIONAL | COL_EMPTY_OK, 0, 0 },
	{ "issued_on", COL_DATE, 0, 0, 0 },
	{ "due_on", COL_DATE, 0, 0, 0 },
	{ "paid_on", COL_DATE, COL_OPTIONAL | COL_EMPTY_OK, 0, 0 },
};
static const int payable_key[] = { P_REF };

/* balance_sheet: date, cash, other_current_assets, other_current_liabilities
 * (the current assets and liabilities beyond receivables, inventory and
 * payables, in the base currency). */
static const struct import_column balance_cols[] = {
	{ "date", COL_DATE, 0, 0, 0 },
	{ "cash", COL_DECIMAL, 0, 0, DEC_MAX * 10000 },
	{ "other_current_assets", COL_DECIMAL, 0, 0, DEC_MAX * 10000 },
	{ "other_current_liabilities", COL_DECIMAL, 0, 0, DEC_MAX * 10000 },
};
static const int balance_key[] = { 0 };

/* Stock reserved for orders comes out of what is on hand. */
static const char *inventory_check(const struct import_row *r, int *col)
{
	*col = I_RESERVED;
	return r->num[I_RESERVED] > r->num[I_ON_HAND] ? "reserved is more than on_hand" : NULL;
}

/* A document is due, and paid, no earlier than it was issued. */
static const char *dates_check(const struct import_row *r, int issued, int due, int paid, int *col)
{
	if (r->num[due] < r->num[issued]) {
		*col = due;
		return "due before it was issued";
	}
	if (r->present[paid] && r->num[paid] < r->num[issued]) {
		*col = paid;
		return "paid before it was issued";
	}
	return NULL;
}

static const char *receivable_check(const struct import_row *r, int *col)
{
	return dates_check(r, R_ISSUED, R_DUE, R_PAID, col);
}

static const char *payable_check(const struct import_row *r, int *col)
{
	return dates_check(r, P_ISSUED, P_DUE, P_PAID, col);
}

/* Each merge updates a row only when something differs, so re-importing
 * the same document changes nothing (not even updated_at), and reports
 * inserted rows as true and updated ones as false. */
#define N(a) (sizeof a / sizeof a[0])
const struct import_type import_types[] = {
	{ "channels", channel_cols, N(channel_cols), channel_key, N(channel_key), NULL,
	  "name text, type text, receivable_terms_days integer",
	  "INSERT INTO channels AS t (name, type, receivable_terms_days, import_id)"
	  " SELECT name, type, receivable_terms_days, $1 FROM import_stage"
	  " ON CONFLICT (name) DO UPDATE SET type = excluded.type,"
	  " receivable_terms_days = excluded.receivable_terms_days, import_id = excluded.import_id, updated_at = now()"
	  " WHERE (t.type, t.receivable_terms_days) IS DISTINCT FROM (excluded.type, excluded.receivable_terms_days)"
	  " RETURNING (xmax = 0) AS inserted" },
	{ "products", product_cols, N(product_cols), product_key, N(product_key), NULL,
	  "sku text, name text, category text, unit_cost numeric, selling_price numeric, lead_time_days integer",
	  "INSERT INTO products AS t (sku, name, category, unit_cost, selling_price, lead_time_days, import_id)"
	  " SELECT sku, name, category, unit_cost, selling_price, lead_time_days, $1 FROM import_stage"
	  " ON CONFLICT (sku) DO UPDATE SET name = excluded.name, category = excluded.category,"
	  " unit_cost = excluded.unit_cost, selling_price = excluded.selling_price,"
	  " lead_time_days = excluded.lead_time_days, import_id = excluded.import_id, updated_at = now()"
	  " WHERE (t.name, t.category, t.unit_cost, t.selling_price, t.lead_time_days)"
	  " IS DISTINCT FROM (excluded.name, excluded.category, excluded.unit_cost, excluded.selling_price,"
	  " excluded.lead_time_days)"
	  " RETURNING (xmax = 0) AS inserted" },
	{ "sales", sale_cols, N(sale_cols), sale_key, N(sale_key), NULL,
	  "sale_date date, product_id bigint, channel_id bigint, quantity numeric, unit_price numeric,"
	  " net_revenue numeric, cogs numeric, order_ref text",
	  "INSERT INTO sales AS t (product_id, channel_id, sale_date, order_ref, quantity, unit_price,"
	  " net_revenue, cogs, import_id)"
	  " SELECT product_id, channel_id, sale_date, order_ref, quantity, unit_price, net_revenue, cogs, $1"
	  " FROM import_stage"
	  " ON CONFLICT (product_id, channel_id, sale_date, order_ref) DO UPDATE SET quantity = excluded.quantity,"
	  " unit_price = excluded.unit_price, net_revenue = excluded.net_revenue, cogs = excluded.cogs,"
	  " import_id = excluded.import_id"
	  " WHERE (t.quantity, t.unit_price, t.net_revenue, t.cogs)"
	  " IS DISTINCT FROM (excluded.quantity, excluded.unit_price, excluded.net_revenue, excluded.cogs)"
	  " RETURNING (xmax = 0) AS inserted" },
	{ "inventory", inventory_cols, N(inventory_cols), inventory_key, N(inventory_key), inventory_check,
	  "snapshot_date date, product_id bigint, location text, on_hand numeric, reserved numeric,"
	  " inbound numeric, unit_cost numeric",
	  "INSERT INTO inventory_snapshots AS t (product_id, location, snapshot_date, on_hand, reserved, inbound,"
	  " unit_cost, import_id)"
	  " SELECT product_id, location, snapshot_date, on_hand, reserved, inbound, unit_cost, $1 FROM import_stage"
	  " ON CONFLICT (product_id, location, snapshot_date) DO UPDATE SET on_hand = excluded.on_hand,"
	  " reserved = excluded.reserved, inbound = excluded.inbound, unit_cost = excluded.unit_cost,"
	  " import_id = excluded.import_id"
	  " WHERE (t.on_hand, t.reserved, t.inbound, t.unit_cost)"
	  " IS DISTINCT FROM (excluded.on_hand, excluded.reserved, excluded.inbound, excluded.unit_cost)"
	  " RETURNING (xmax = 0) AS inserted" },
	{ "receivables", receivable_cols, N(receivable_cols), receivable_key, N(receivable_key), receivable_check,
	  "invoice_ref text, customer text, channel_id bigint, amount numeric, currency text, issued_on date,"
	  " due_on date, paid_on date",
	  "INSERT INTO receivables AS t (invoice_ref, customer, channel_id, amount, currency, issued_on, due_on,"
	  " paid_on, import_id)"
	  " SELECT invoice_ref, customer, channel_id, amount, currency, issued_on, due_on, paid_on, $1"
	  " FROM import_stage"
	  " ON CONFLICT (invoice_ref) DO UPDATE SET customer = excluded.customer, channel_id = excluded.channel_id,"
	  " amount = excluded.amount, currency = excluded.currency, issued_on = excluded.issued_on,"
	  " due_on = excluded.due_on, paid_on = excluded.paid_on, import_id = excluded.import_id"
	  " WHERE (t.customer, t.channel_id, t.amount, t.currency, t.issued_on, t.due_on, t.paid_on)"
	  " IS DISTINCT FROM (excluded.customer, excluded.channel_id, excluded.amount, excluded.currency,"
	  " excluded.issued_on, excluded.due_on, excluded.paid_on)"
	  " RETURNING (xmax = 0) AS inserted" },
	{ "payables", payable_cols, N(payable_cols), payable_key, N(payable_key), payable_check,
	  "bill_ref text, supplier text, amount numeric, currency text, issued_on date, due_on date, paid_on date",
	  "INSERT INTO payables AS t (bill_ref, supplier, amount, currency, issued_on, due_on, paid_on, import_id)"
	  " SELECT bill_ref, supplier, amount, currency, issued_on, due_on, paid_on, $1 FROM import_stage"
	  " ON CONFLICT (bill_ref) DO UPDATE SET supplier = excluded.supplier, amount = excluded.amount,"
	  " currency = excluded.currency, issued_on = excluded.issued_on, due_on = excluded.due_on,"
	  " paid_on = excluded.paid_on, import_id = excluded.import_id"
	  " WHERE (t.supplier, t.amount, t.currency, t.issued_on, t.due_on, t.paid_on)"
	  " IS DISTINCT FROM (excluded.supplier, excluded.amount, excluded.currency, excluded.issued_on,"
	  " excluded.due_on, excluded.paid_on)"
	  " RETURNING (xmax = 0) AS inserted" },
	{ "balance_sheet", balance_cols, N(balance_cols), balance_key, N(balance_key), NULL,
	  "as_of date, cash numeric, other_current_assets numeric, other_current_liabilities numeric",
	  "INSERT INTO balance_sheet AS t (as_of, cash, other_current_assets, other_current_liabilities, import_id)"
	  " SELECT as_of, cash, other_current_assets, other_current_liabilities, $1 FROM import_stage"
	  " ON CONFLICT (as_of) DO UPDATE SET cash = excluded.cash,"
	  " other_current_assets = excluded.other_current_assets,"
	  " other_current_liabilities = excluded.other_current_liabilities, import_id = excluded.import_id,"
	  " updated_at = now()"
	  " WHERE (t.cash, t.other_current_assets, t.other_current_liabilities)"
	  " IS DISTINCT FROM (excluded.cash, excluded.other_current_assets, excluded.other_current_liabilities)"
	  " RETURNING (xmax = 0) AS inserted" },
};
const size_t import_ntypes = N(import_types);

const struct import_type *import_type_find(const char *name)
{
	for (size_t i = 0; i < import_ntypes; i++)
		if (strcmp(import_types[i].name, name) == 0)
			return &import_types[i];
	return NULL;
}

int import_column_find(const struct import_type *t, const char *name, size_t len)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strlen(t->cols[i].name) == len && memcmp(t->cols[i].name, name, len) == 0)
			return (int)i;
	return -1;
}
