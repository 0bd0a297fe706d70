-- A basket checkout, atomically and all or nothing: gate ready, idempotency, every line's stock, then every line
-- reserved and ONE stream entry for the whole order (the outbox). Each line is reserved exactly as a flash-sale
-- buy reserves its sale: each is a stock with the same keys (stock:{id}:*) (docs/checkout.md).
-- KEYS: 1 ready, 2 the buyer's checkout answers, 3 stream, 4 buyer pending set,
--       then per line: stock meta, stock buyers, line order hash
-- ARGV: 1 buyerId, 2 idempotencyKey, 3 checkoutId, 4 reservedAt (ISO 8601), 5 order TTL (s), 6 fingerprint of the lines,
--       7 W3C traceparent of the request ('' when it is not traced),
--       then per line: lineId, stockId, itemId, quantity
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'restoring'}
end
local previous = redis.call('HGET', KEYS[2], ARGV[2])
if previous then
  return {'repeat', previous}
end
local count = (#KEYS - 4) / 3
local prices = {}
local refused = {'refused'}
for i = 1, count do
  local k, a = 4 + (i - 1) * 3, 7 + (i - 1) * 4
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
local lines = {}
for i = 1, count do
  local k, a = 4 + (i - 1) * 3, 7 + (i - 1) * 4
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
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3] .. '|' .. ARGV[6])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]))
local entry = {'kind', 'checkout', 'orderId', ARGV[3], 'buyerId', ARGV[1], 'reservedAt', ARGV[4],
  'idempotencyKey', ARGV[2], 'lines', table.concat(lines, ',')}
if ARGV[7] ~= '' then
  table.insert(entry, 'traceparent'); table.insert(entry, ARGV[7])
end
redis.call('XADD', KEYS[3], '*', unpack(entry))
return {'accepted', ARGV[3]}
