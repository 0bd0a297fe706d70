-- The buy decision, atomically: gate ready, idempotency, sale status and window, per-buyer limit, stock, and
-- the reservation's stream entry (the stream is the outbox: no reservation exists without its log entry).
-- Then the gate's own limits (docs/ordering.md, "Limits"): the buyer's open unpaid orders and units across every sale and
-- checkout, and the gate's soft memory limit (new reservations stop there; confirmations, releases and baskets go on).
-- KEYS: 1 ready, 2 stock meta (the sale's), 3 buyers, 4 answers, 5 stream, 6 order, 7 buyer pending set, 8 buyer open orders,
--       9 memory checked (set for a second after a check found room)
-- ARGV: 1 buyerId, 2 idempotencyKey, 3 quantity, 4 now (unix ms), 5 orderId, 6 stockId (the sale's id), 7 reservedAt (ISO 8601), 8 order TTL (s),
--       9 W3C traceparent of the buy request ('' when it is not traced): carried in the entry to the worker,
--       10 payment deadline of the order (unix ms), 11 most open orders per buyer, 12 most open units per buyer,
--       13 soft memory limit as a fraction of maxmemory, 14 how long after the sale's end its answers and holdings are kept (ms)
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'restoring'}
end
local field = ARGV[1] .. '|' .. ARGV[2]
local previous = redis.call('HGET', KEYS[4], field)
if previous then
  return {'repeat', previous}
end
local m = redis.call('HMGET', KEYS[2], 'status', 'stock', 'limit', 'starts', 'ends', 'price')
if not m[1] then
  return {'unknown'}
end
if m[1] == 'Cancelled' then
  return {'cancelled'}
end
local now = tonumber(ARGV[4])
if now < tonumber(m[4]) then
  return {'not-started', m[4]}
end
if now >= tonumber(m[5]) then
  return {'ended'}
end
local quantity = tonumber(ARGV[3])
local stock = tonumber(m[2])
-- Sold out is the answer for everyone once nothing is left, over the limit or not: it lets a replica answer the
-- storm in-process (SoldOutShortcut), which a holder's "over limit" would not.
-- With the number of accepted keys: a replica reads them once to answer retries while sold out.
if stock == 0 then
  return {'sold-out', '0', tostring(redis.call('HLEN', KEYS[4]))}
end
local limit = tonumber(m[3])
local held = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
if held + quantity > limit then
  return {'over-limit', tostring(limit - held), tostring(limit)}
end
if stock < quantity then
  -- Fewer left than asked for: not sold out, so no count of keys (the shortcut is only for an empty sale).
  return {'sold-out', tostring(stock)}
end
-- The buyer's open orders: order (or checkout) id -> "units|payment deadline"; past their deadline they no longer count
-- (paid or cancelled ones leave at once: GateClient.CloseOpenOrderAsync).
local open = redis.call('HGETALL', KEYS[8])
local openOrders, openUnits, lapsed = 0, 0, {}
for i = 1, #open, 2 do
  local units, deadline = string.match(open[i + 1], '^(%d+)|(%d+)$')
  if tonumber(deadline) <= now then
    table.insert(lapsed, open[i])
  else
    openOrders, openUnits = openOrders + 1, openUnits + tonumber(units)
  end
end
if openOrders + 1 > tonumber(ARGV[11]) or openUnits + quantity > tonumber(ARGV[12]) then
  return {'open-orders', tostring(openOrders), tostring(openUnits), ARGV[11], ARGV[12]}
end
-- The soft memory limit, read from INFO at most once a second while there is room (every time once there is not).
if redis.call('EXISTS', KEYS[9]) == 0 then
  local info = redis.call('INFO', 'memory')
  local max = tonumber(string.match(info, 'maxmemory:(%d+)'))
  if max > 0 and tonumber(string.match(info, 'used_memory:(%d+)')) >= max * tonumber(ARGV[13]) then
    return {'memory-full'}
  end
  redis.call('SET', KEYS[9], '1', 'PX', 1000)
end
redis.call('HINCRBY', KEYS[2], 'stock', -quantity)
redis.call('HINCRBY', KEYS[2], 'pending', quantity)
redis.call('HINCRBY', KEYS[3], ARGV[1], quantity)
redis.call('HSET', KEYS[4], field, ARGV[5] .. '|' .. ARGV[3])
-- Kept until the sale's end plus the retention (set by the first reservation; NX leaves it alone after that): a
-- repeated key gets its first answer that long, and neither hash outlives the sale for good.
local keptUntil = string.format('%d', tonumber(m[5]) + tonumber(ARGV[14]))
redis.call('PEXPIREAT', KEYS[4], keptUntil, 'NX')
redis.call('PEXPIREAT', KEYS[3], keptUntil, 'NX')
if #lapsed > 0 then
  redis.call('HDEL', KEYS[8], unpack(lapsed))
end
redis.call('HSET', KEYS[8], ARGV[5], ARGV[3] .. '|' .. ARGV[10])
redis.call('PEXPIREAT', KEYS[8], ARGV[10])
redis.call('HSET', KEYS[6], 'status', 'pending', 'stockId', ARGV[6], 'buyerId', ARGV[1], 'quantity', ARGV[3],
  'unitPrice', m[6], 'reservedAt', ARGV[7], 'idempotencyKey', ARGV[2])
redis.call('EXPIRE', KEYS[6], tonumber(ARGV[8]))
redis.call('SADD', KEYS[7], ARGV[5])
local entry = {'orderId', ARGV[5], 'stockId', ARGV[6], 'buyerId', ARGV[1], 'quantity', ARGV[3],
  'unitPrice', m[6], 'reservedAt', ARGV[7], 'idempotencyKey', ARGV[2]}
if ARGV[9] and ARGV[9] ~= '' then
  table.insert(entry, 'traceparent'); table.insert(entry, ARGV[9])
end
redis.call('XADD', KEYS[5], '*', unpack(entry))
return {'accepted', ARGV[5], tostring(stock - quantity)}
