-- Parks a stream entry no worker can persist (malformed, or refused by the ledger every time): its fields and the
-- reason go to the parked stream, and it is acknowledged and deleted, in one step, so it is neither lost nor parked
-- twice. The units it reserved stay "pending" in the gate (held, never sold twice) until an operator decides.
-- KEYS: 1 stream, 2 parked stream
-- ARGV: 1 group, 2 entry id, 3 reason
-- Returns 1 when parked now, 0 when the entry was no longer pending in the group.
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return 0
end
local parked = {'entry', ARGV[2], 'reason', ARGV[3]}
local found = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
if found[1] then
  for _, value in ipairs(found[1][2]) do
    table.insert(parked, value)
  end
end
redis.call('XADD', KEYS[2], '*', unpack(parked))
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
