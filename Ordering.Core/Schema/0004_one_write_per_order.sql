-- One durable queue (docs/ordering.md): the worker reads the gate's stream, and settle.lua moves a committed order's
-- units out of the gate's "pending" in the same step that acknowledges its entry. The ledger no longer records what
-- the gate was told, so an order is written once. (Upgrading a running shop: drain the old pipeline first; orders
-- it had not confirmed to the gate are not confirmed by this version.)
DROP INDEX IF EXISTS orders_gate_unconfirmed;
ALTER TABLE orders DROP COLUMN IF EXISTS gate_confirmed;
