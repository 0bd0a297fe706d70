-- One inventory model (docs/checkout.md): flash_sales becomes the ledger of every stock Ordering gates. A row is
-- a flash sale's units (kind 'FlashSale') or a catalog item's regular stock (kind 'Item', sale_id =
-- ItemStocks.StockId(item_id), always open, no practical per-buyer limit). stock_version is the catalog's
-- version at which an item's stock was last set (0 for sales, whose quantity moves with `version`).
ALTER TABLE flash_sales
    ADD COLUMN kind text NOT NULL DEFAULT 'FlashSale' CHECK (kind IN ('FlashSale', 'Item')),
    ADD COLUMN stock_version bigint NOT NULL DEFAULT 0;

CREATE UNIQUE INDEX flash_sales_item_stock ON flash_sales (item_id) WHERE kind = 'Item';

-- A checkout order is one row per line (order_id = the line's id, sale_id = the item's stock), all carrying the
-- checkout's id: the worker persists, confirms, expires and releases lines exactly as flash-sale orders, and the
-- buyer sees them as one order. NULL for a flash-sale order, which is its own single line.
ALTER TABLE orders ADD COLUMN checkout_id uuid;

CREATE INDEX orders_by_checkout ON orders (checkout_id) WHERE checkout_id IS NOT NULL;
