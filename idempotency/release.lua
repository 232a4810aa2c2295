-- Gives a claim up: KEYS[1] the record, ARGV[1] the claim's head ("P" and its token). Returns 1
-- if it was there.
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, #ARGV[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
