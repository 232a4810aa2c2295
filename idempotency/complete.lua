-- Replaces a claim with its request's answer: KEYS[1] the record, ARGV[1] the claim's head ("P"
-- and its token), ARGV[2] the answer (its status, 3 digits, then its body), ARGV[3] how long it
-- is kept, in milliseconds. The record keeps the claim's fingerprint. A claim that is no longer
-- there (its lease ended, and another request may hold the key) is left alone: returns 0.
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, #ARGV[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], 'D' .. string.sub(held, #ARGV[1] + 1) .. ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
