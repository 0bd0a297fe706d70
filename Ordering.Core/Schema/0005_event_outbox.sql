-- RabbitMQ as the event bus (docs/ordering.md, "Events Ordering publishes"). Integration events Ordering publishes
-- are written here in the transaction that makes the change, then published by the worker and deleted once the
-- broker confirmed them: a committed change is announced at least once, whichever process dies.
CREATE TABLE outbox_messages (
    id              uuid PRIMARY KEY,            -- the event id, also the message id on the wire
    type            text        NOT NULL,        -- the event type (the message's `type` property)
    routing_key     text        NOT NULL,
    payload         text        NOT NULL,        -- the serialized event, exactly as it goes on the wire
    trace_parent    text,                        -- W3C traceparent of the change (null when not traced)
    occurred_at     timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text
);

CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_at);

-- Items whose stock moved and whose figure Catalog has not been sent yet: one row per item however many orders
-- moved it (coalescing), upserted by the transactions that move an item's stock after the gate did. The worker
-- reads the rows, reads the figures from the gate, publishes one ItemStocksChanged and deletes the rows whose
-- version it read (a row touched again meanwhile stays for the next round).
CREATE TABLE item_stock_changes (
    stock_id   uuid PRIMARY KEY,
    version    bigint      NOT NULL DEFAULT 1,
    changed_at timestamptz NOT NULL DEFAULT now()
);
