-- Gives an expired or cancelled order's units back to the gate, once per order.
-- KEYS: 1 stock meta, 2 buyers, 3 released set
-- ARGV: 1 orderId, 2 buyerId, 3 quantity
if redis.call('EXISTS', KEYS[1]) == 0 then
  -- The gate lost its data; the rebuild reads the ledger, which already has these units back.
  return -1
end
if redis.call('SADD', KEYS[3], ARGV[1]) == 0 then
  return 0
end
local quantity = tonumber(ARGV[3])
redis.call('HINCRBY', KEYS[1], 'stock', quantity)
redis.call('HINCRBY', KEYS[2], ARGV[2], -quantity)
-- Replicas answering "sold out" from memory must ask again (GateKeys.StockReopened; the id is the key's hash tag).
redis.call('PUBLISH', 'ordering:stock-reopened', string.match(KEYS[1], '{(.-)}'))
return 1
