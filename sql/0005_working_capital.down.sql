DROP INDEX sales_sale_date_brin;
DROP TABLE working_capital_snapshots;
DELETE FROM imports WHERE type = 'balance_sheet';
ALTER TABLE imports DROP CONSTRAINT imports_type_check;
ALTER TABLE imports ADD CONSTRAINT imports_type_check
	CHECK (type IN ('channels', 'products', 'sales', 'inventory', 'receivables', 'payables'));
DROP TABLE balance_sheet;
