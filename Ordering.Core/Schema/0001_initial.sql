-- The stock ledger of each flash sale and the durable orders. Postgres is the ledger: Redis is only the gate.

CREATE TABLE flash_sales (
    sale_id          uuid PRIMARY KEY,
    item_id          integer       NOT NULL,
    item_name        text          NOT NULL,
    regular_price    numeric(12,2) NOT NULL,
    sale_price       numeric(12,2) NOT NULL,
    initial_quantity integer       NOT NULL CHECK (initial_quantity >= 0),
    per_buyer_limit  integer       NOT NULL CHECK (per_buyer_limit >= 1),
    starts_at        timestamptz   NOT NULL,
    ends_at          timestamptz   NOT NULL,
    status           text          NOT NULL CHECK (status IN ('Scheduled', 'Cancelled')),
    version          bigint        NOT NULL,
    -- Units not durably sold: decremented once per persisted batch, guarded so it never goes below zero.
    remaining        integer       NOT NULL CHECK (remaining >= 0),
    updated_at       timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    order_id        uuid PRIMARY KEY,
    sale_id         uuid          NOT NULL REFERENCES flash_sales (sale_id),
    buyer_id        text          NOT NULL,
    quantity        integer       NOT NULL CHECK (quantity > 0),
    unit_price      numeric(12,2) NOT NULL,
    idempotency_key text          NOT NULL,
    status          text          NOT NULL CHECK (status IN ('Confirmed', 'Paid', 'Expired', 'Cancelled')),
    reserved_at     timestamptz   NOT NULL,
    confirmed_at    timestamptz   NOT NULL DEFAULT now(),
    expires_at      timestamptz   NOT NULL,
    paid_at         timestamptz,
    closed_at       timestamptz,
    -- False until the Redis gate has been told the order is durable (its pending units moved to sold).
    gate_confirmed  boolean       NOT NULL DEFAULT false
);

CREATE INDEX orders_by_buyer ON orders (buyer_id, reserved_at DESC);
CREATE INDEX orders_by_sale ON orders (sale_id, status);
CREATE INDEX orders_to_expire ON orders (expires_at) WHERE status = 'Confirmed';
CREATE INDEX orders_gate_unconfirmed ON orders (order_id) WHERE NOT gate_confirmed;

-- Units given back (expired or cancelled orders): written in the same transaction that returns them to the
-- ledger, then applied to the Redis gate exactly once and marked applied.
CREATE TABLE stock_releases (
    order_id   uuid PRIMARY KEY REFERENCES orders (order_id),
    sale_id    uuid        NOT NULL,
    buyer_id   text        NOT NULL,
    quantity   integer     NOT NULL CHECK (quantity > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    applied_at timestamptz
);

CREATE INDEX stock_releases_unapplied ON stock_releases (created_at) WHERE applied_at IS NULL;
