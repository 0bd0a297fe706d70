-- Sets an item's stock as the admin announced it ("from now on, this many can be sold"), once per stock version,
-- and returns the difference it made so that the worker moves the ledger by exactly the same amount (units
-- reserved a moment ago and still on their way to the ledger stay reserved: only the free stock is replaced).
-- A repeat of the version applied last returns that version's difference again (the worker may have crashed
-- between the gate and the ledger).
-- KEYS: 1 stock meta
-- ARGV: 1 stock version, 2 units available from now on
local m = redis.call('HMGET', KEYS[1], 'stock', 'stockVersion', 'lastDelta')
if not m[1] then
  return {'missing'}
end
local applied = tonumber(m[2] or '0')
local version = tonumber(ARGV[1])
if applied > version then
  return {'older'}
end
if applied == version then
  return {'applied', m[3] or '0'}
end
local delta = tonumber(ARGV[2]) - tonumber(m[1])
redis.call('HINCRBY', KEYS[1], 'stock', delta)
redis.call('HINCRBY', KEYS[1], 'initial', delta)
redis.call('HSET', KEYS[1], 'stockVersion', ARGV[1], 'lastDelta', delta)
if delta > 0 then
  -- Units came back: replicas answering "sold out" from memory must ask again (GateKeys.StockReopened).
  redis.call('PUBLISH', 'ordering:stock-reopened', string.match(KEYS[1], '{(.-)}'))
end
return {'applied', tostring(delta)}
