-- The textbook synchronous buy path the benchmark compares Shop with: one transaction per order that locks the
-- sale's row, checks and decrements it, and inserts the order. In baselinedb, a database of its own on Shop's
-- Postgres server (the same server, so the comparison is fair), created by Baseline.Api at every start; Shop's
-- orderingdb never holds these tables.

CREATE TABLE IF NOT EXISTS baseline_sales (
    sale_id         uuid PRIMARY KEY,
    remaining       integer       NOT NULL CHECK (remaining >= 0),
    per_buyer_limit integer       NOT NULL CHECK (per_buyer_limit >= 1),
    sale_price      numeric(12,2) NOT NULL,
    starts_at       timestamptz   NOT NULL,
    ends_at         timestamptz   NOT NULL
);

CREATE TABLE IF NOT EXISTS baseline_orders (
    order_id        uuid PRIMARY KEY,
    sale_id         uuid          NOT NULL REFERENCES baseline_sales (sale_id),
    buyer_id        text          NOT NULL,
    quantity        integer       NOT NULL CHECK (quantity > 0),
    unit_price      numeric(12,2) NOT NULL,
    idempotency_key text          NOT NULL,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    UNIQUE (sale_id, buyer_id, idempotency_key)
);
