DROP TABLE payables;
DROP TABLE receivables;
DROP TABLE inventory_snapshots;
DROP TABLE sales;
DROP TABLE products;
DROP TABLE channels;
