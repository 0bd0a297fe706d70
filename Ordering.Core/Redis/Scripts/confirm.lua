-- Tells the gate that a reservation is durable (its order row is committed). Idempotent.
-- pending   → confirmed: its units leave "pending" (they are now sold in the ledger);
-- confirmed → nothing to do;
-- missing   → the gate never counted it (Redis lost its data and was rebuilt while the reservation was in
--             flight): count it now so that the gate agrees with the ledger.
-- KEYS: 1 order, 2 sale meta, 3 buyers, 4 buyer pending set
-- ARGV: 1 orderId, 2 buyerId, 3 quantity, 4 TTL of the order hash (s)
local status = redis.call('HGET', KEYS[1], 'status')
local quantity = tonumber(ARGV[3])
if status == 'pending' then
  redis.call('HSET', KEYS[1], 'status', 'confirmed')
  redis.call('HINCRBY', KEYS[2], 'pending', -quantity)
  redis.call('SREM', KEYS[4], ARGV[1])
  return 1
end
if status then
  return 0
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  return -1
end
redis.call('HINCRBY', KEYS[2], 'stock', -quantity)
redis.call('HINCRBY', KEYS[3], ARGV[2], quantity)
redis.call('HSET', KEYS[1], 'status', 'confirmed')
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 2
