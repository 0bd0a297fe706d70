-- Gives an expired or cancelled order's units back to the gate, once per order: the order's hash records the release
-- (kept as long as the hash, days; a release is retried within seconds when a worker died between this script and
-- marking its ledger row). An order whose hash is gone (the gate was rebuilt since it was reserved) gets one holding just
-- that mark, with the same lifetime.
-- KEYS: 1 stock meta, 2 buyers, 3 order hash
-- ARGV: 1 orderId, 2 buyerId, 3 quantity, 4 order hash TTL (s)
if redis.call('EXISTS', KEYS[1]) == 0 then
  -- The gate lost its data; the rebuild reads the ledger, which already has these units back.
  return -1
end
if redis.call('HSETNX', KEYS[3], 'released', '1') == 0 then
  return 0
end
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[4]), 'NX')
local quantity = tonumber(ARGV[3])
redis.call('HINCRBY', KEYS[1], 'stock', quantity)
-- A buyer who holds nothing of the stock any more leaves its hash (it would otherwise grow with every buyer ever).
if redis.call('HINCRBY', KEYS[2], ARGV[2], -quantity) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[2])
end
-- Replicas answering "sold out" from memory must ask again (GateKeys.StockReopened; the id is the key's hash tag).
redis.call('PUBLISH', 'ordering:stock-reopened', string.match(KEYS[1], '{(.-)}'))
return 1
