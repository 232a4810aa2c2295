-- Claims an Idempotency-Key record: KEYS[1] the record, ARGV[1] the claim (in progress), ARGV[2]
-- its lease in milliseconds. Returns the record that holds the key, or false when this claim took
-- it. One round trip, atomic on every replica's behalf.
local held = redis.call('GET', KEYS[1])
if held then
  return held
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
