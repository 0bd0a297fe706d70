-- Names that say what they hold (docs/architecture.md, "The ledger"). The ledger table has held every stock Ordering
-- gates since 0003 (a flash sale's units and each catalog item's regular stock), so it is `stocks`, keyed by
-- `stock_id`; an order and a release point at the stock they took units from (`stock_id`), and the price a unit of
-- a stock sells at is its `unit_price` (a flash sale's discounted price, an item's regular price). Renamed in place:
-- no data moves, and nothing answers under the old names. The gate's keys were renamed with this version too
-- (`stock:{id}:*`); it is rebuilt from this ledger on the first start (docs/ordering.md, "Upgrading to the stock names").
ALTER TABLE flash_sales RENAME TO stocks;
ALTER TABLE stocks RENAME COLUMN sale_id TO stock_id;
ALTER TABLE stocks RENAME COLUMN sale_price TO unit_price;
ALTER TABLE stocks RENAME CONSTRAINT flash_sales_pkey TO stocks_pkey;
ALTER TABLE stocks RENAME CONSTRAINT flash_sales_initial_quantity_check TO stocks_initial_quantity_check;
ALTER TABLE stocks RENAME CONSTRAINT flash_sales_kind_check TO stocks_kind_check;
ALTER TABLE stocks RENAME CONSTRAINT flash_sales_per_buyer_limit_check TO stocks_per_buyer_limit_check;
ALTER TABLE stocks RENAME CONSTRAINT flash_sales_remaining_check TO stocks_remaining_check;
ALTER TABLE stocks RENAME CONSTRAINT flash_sales_status_check TO stocks_status_check;
ALTER INDEX flash_sales_item_stock RENAME TO stocks_by_item;

ALTER TABLE orders RENAME COLUMN sale_id TO stock_id;
ALTER TABLE orders RENAME CONSTRAINT orders_sale_id_fkey TO orders_stock_id_fkey;
ALTER INDEX orders_by_sale RENAME TO orders_by_stock;

ALTER TABLE stock_releases RENAME COLUMN sale_id TO stock_id;
