-- Settles stream entries whose orders the ledger has committed: each entry is acknowledged in the worker's consumer
-- group and deleted, and its orders' units leave "pending" (they are sold in the ledger now). Once per entry: XACK
-- answers 1 only for an entry still pending in the group, so settling a batch again (a worker that died after this
-- script, before it knew) changes nothing.
-- KEYS: 1 stream, then per order (a flash-sale buy, or each line of a checkout, in entry order): order hash, stock
--       meta, buyer pending set
-- ARGV: 1 group, 2 number of entries E, then per entry: entry id, its number of orders; then per order, in KEYS
--       order: orderId, quantity
-- Returns the number of entries settled now.
local group = ARGV[1]
local entries = tonumber(ARGV[2])
local firstOrderArg = 3 + entries * 2
local order = 0
local settled = 0
for e = 0, entries - 1 do
  local id = ARGV[3 + e * 2]
  local orders = tonumber(ARGV[4 + e * 2])
  local first = redis.call('XACK', KEYS[1], group, id) == 1
  for _ = 1, orders do
    if first then
      local k, a = 2 + order * 3, firstOrderArg + order * 2
      if redis.call('HGET', KEYS[k], 'status') == 'pending' then
        redis.call('HSET', KEYS[k], 'status', 'confirmed')
        redis.call('HINCRBY', KEYS[k + 1], 'pending', -tonumber(ARGV[a + 1]))
        redis.call('SREM', KEYS[k + 2], ARGV[a])
      end
    end
    order = order + 1
  end
  redis.call('XDEL', KEYS[1], id)
  if first then
    settled = settled + 1
  end
end
return settled
