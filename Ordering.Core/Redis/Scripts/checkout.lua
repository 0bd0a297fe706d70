-- A basket checkout, atomically and all or nothing: gate ready, idempotency, every line's stock, then every line
-- reserved and ONE stream entry for the whole order (the outbox). Each line is reserved exactly as a flash-sale
-- buy reserves its sale: each is a stock with the same keys (stock:{id}:*) (docs/checkout.md).
-- The gate's own limits as reserve.lua applies them: the buyer's open unpaid orders and units, the soft memory limit.
-- KEYS: 1 ready, 2 the buyer's checkout answers, 3 stream, 4 buyer pending set, 5 buyer open orders, 6 memory checked,
--       then per line: stock meta, stock buyers, line order hash
-- ARGV: 1 buyerId, 2 idempotencyKey, 3 checkoutId, 4 reservedAt (ISO 8601), 5 order TTL (s), 6 fingerprint of the lines,
--       7 W3C traceparent of the request ('' when it is not traced), 8 now (unix ms), 9 payment deadline (unix ms),
--       10 most open orders per buyer, 11 most open units per buyer, 12 soft memory limit as a fraction of maxmemory,
--       then per line: lineId, stockId, itemId, quantity
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'restoring'}
end
local previous = redis.call('HGET', KEYS[2], ARGV[2])
if previous then
  return {'repeat', previous}
end
local count = (#KEYS - 6) / 3
local prices = {}
local refused = {'refused'}
for i = 1, count do
  local k, a = 6 + (i - 1) * 3, 12 + (i - 1) * 4
  local m = redis.call('HMGET', KEYS[k + 1], 'status', 'stock', 'price')
  local quantity = tonumber(ARGV[a + 4])
  if not m[1] then
    table.insert(refused, 'unknown'); table.insert(refused, ARGV[a + 3]); table.insert(refused, '0')
  elseif m[1] == 'Cancelled' then
    table.insert(refused, 'unavailable'); table.insert(refused, ARGV[a + 3]); table.insert(refused, '0')
  elseif tonumber(m[2]) < quantity then
    table.insert(refused, 'short'); table.insert(refused, ARGV[a + 3]); table.insert(refused, tostring(math.max(0, tonumber(m[2]))))
  end
  prices[i] = m[3]
end
if #refused > 1 then
  return refused
end
-- The buyer's open orders (reserve.lua says how they are kept); a checkout is one order of all its lines' units.
local units = 0
for i = 1, count do
  units = units + tonumber(ARGV[12 + (i - 1) * 4 + 4])
end
local now = tonumber(ARGV[8])
local open = redis.call('HGETALL', KEYS[5])
local openOrders, openUnits, lapsed = 0, 0, {}
for i = 1, #open, 2 do
  local held, deadline = string.match(open[i + 1], '^(%d+)|(%d+)$')
  if tonumber(deadline) <= now then
    table.insert(lapsed, open[i])
  else
    openOrders, openUnits = openOrders + 1, openUnits + tonumber(held)
  end
end
if openOrders + 1 > tonumber(ARGV[10]) or openUnits + units > tonumber(ARGV[11]) then
  return {'open-orders', tostring(openOrders), tostring(openUnits), ARGV[10], ARGV[11]}
end
if redis.call('EXISTS', KEYS[6]) == 0 then
  local info = redis.call('INFO', 'memory')
  local max = tonumber(string.match(info, 'maxmemory:(%d+)'))
  if max > 0 and tonumber(string.match(info, 'used_memory:(%d+)')) >= max * tonumber(ARGV[12]) then
    return {'memory-full'}
  end
  redis.call('SET', KEYS[6], '1', 'PX', 1000)
end
local lines = {}
for i = 1, count do
  local k, a = 6 + (i - 1) * 3, 12 + (i - 1) * 4
  local lineId, stockId, quantity = ARGV[a + 1], ARGV[a + 2], ARGV[a + 4]
  redis.call('HINCRBY', KEYS[k + 1], 'stock', -tonumber(quantity))
  redis.call('HINCRBY', KEYS[k + 1], 'pending', tonumber(quantity))
  redis.call('HINCRBY', KEYS[k + 2], ARGV[1], tonumber(quantity))
  redis.call('HSET', KEYS[k + 3], 'status', 'pending', 'stockId', stockId, 'buyerId', ARGV[1], 'quantity', quantity,
    'unitPrice', prices[i], 'reservedAt', ARGV[4], 'idempotencyKey', ARGV[2], 'checkoutId', ARGV[3], 'itemId', ARGV[a + 3])
  redis.call('EXPIRE', KEYS[k + 3], tonumber(ARGV[5]))
  redis.call('SADD', KEYS[4], lineId)
  lines[i] = lineId .. ':' .. stockId .. ':' .. quantity .. ':' .. prices[i]
end
-- The buyer's answers are kept as long as their orders' hashes (ARGV[5]), renewed by every checkout: so that a buyer who
-- keeps checking out does not keep every answer for good, past 50 the ones older than that go (a checkout id is a
-- version 7 UUID: its first 12 hex digits are its time in unix ms).
if redis.call('HLEN', KEYS[2]) >= 50 then
  local oldest = now - tonumber(ARGV[5]) * 1000
  local answers = redis.call('HGETALL', KEYS[2])
  for i = 1, #answers, 2 do
    if tonumber(string.sub(answers[i + 1], 1, 12), 16) < oldest then
      redis.call('HDEL', KEYS[2], answers[i])
    end
  end
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3] .. '|' .. ARGV[6])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]))
if #lapsed > 0 then
  redis.call('HDEL', KEYS[5], unpack(lapsed))
end
redis.call('HSET', KEYS[5], ARGV[3], units .. '|' .. ARGV[9])
redis.call('PEXPIREAT', KEYS[5], ARGV[9])
local entry = {'kind', 'checkout', 'orderId', ARGV[3], 'buyerId', ARGV[1], 'reservedAt', ARGV[4],
  'idempotencyKey', ARGV[2], 'lines', table.concat(lines, ',')}
if ARGV[7] ~= '' then
  table.insert(entry, 'traceparent'); table.insert(entry, ARGV[7])
end
redis.call('XADD', KEYS[3], '*', unpack(entry))
return {'accepted', ARGV[3]}
