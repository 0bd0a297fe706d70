-- The buy decision, atomically: gate ready, idempotency, sale status and window, per-buyer limit, stock, and
-- the reservation's stream entry (the stream is the outbox: no reservation exists without its log entry).
-- KEYS: 1 ready, 2 stock meta (the sale's), 3 buyers, 4 answers, 5 stream, 6 order, 7 buyer pending set
-- ARGV: 1 buyerId, 2 idempotencyKey, 3 quantity, 4 now (unix ms), 5 orderId, 6 stockId (the sale's id), 7 reservedAt (ISO 8601), 8 order TTL (s),
--       9 W3C traceparent of the buy request ('' when it is not traced): carried in the entry to the worker
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
redis.call('HINCRBY', KEYS[2], 'stock', -quantity)
redis.call('HINCRBY', KEYS[2], 'pending', quantity)
redis.call('HINCRBY', KEYS[3], ARGV[1], quantity)
redis.call('HSET', KEYS[4], field, ARGV[5] .. '|' .. ARGV[3])
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
