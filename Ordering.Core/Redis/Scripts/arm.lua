-- Arms (or updates) a stock (a flash sale's or an item's) from its ledger definition; a definition older than the one armed is ignored.
-- The first arming sets the stock from the ledger; a later change of quantity (only allowed before the sale
-- starts) moves the stock by the difference.
-- KEYS: 1 ready, 2 stock meta
-- ARGV: 1 version, 2 status, 3 initial quantity, 4 per-buyer limit, 5 starts (unix ms), 6 ends (unix ms), 7 unit price, 8 ledger remaining
local current = redis.call('HMGET', KEYS[2], 'version', 'initial')
if current[1] and tonumber(current[1]) >= tonumber(ARGV[1]) then
  return 0
end
if not current[1] then
  redis.call('HSET', KEYS[2], 'stock', ARGV[8], 'pending', 0)
elseif tonumber(current[2]) ~= tonumber(ARGV[3]) then
  redis.call('HINCRBY', KEYS[2], 'stock', tonumber(ARGV[3]) - tonumber(current[2]))
end
-- Stock, window or status may have changed: replicas answering "sold out" from memory must ask again
-- (GateKeys.StockReopened; the id is the key's hash tag).
redis.call('PUBLISH', 'ordering:stock-reopened', string.match(KEYS[2], '{(.-)}'))
redis.call('HSET', KEYS[2], 'version', ARGV[1], 'status', ARGV[2], 'initial', ARGV[3], 'limit', ARGV[4],
  'starts', ARGV[5], 'ends', ARGV[6], 'price', ARGV[7])
return 1
