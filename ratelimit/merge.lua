-- Adds the requests an in-process fallback allowed while Redis was unreachable to the caller's
-- daily count, so that they count toward the day (failover_merge.go).
--
-- KEYS[1]  the caller's day hash (allow.lua's KEYS[2])
-- ARGV[1]  requests to add
-- ARGV[2]  their day (days since the epoch, UTC)
-- ARGV[3]  µs on Redis's clock of the last decision Redis made before the fallback began
-- Returns  1 when added, 0 when not: Redis has no count for that day (it lost it; the next request
--          seeds it from the database, which has these requests), or the count was seeded from the
--          database after the fallback began (so it holds them already).

local d = redis.call('HMGET', KEYS[1], 'd', 'n', 'st')
if tonumber(d[1]) ~= tonumber(ARGV[2]) then
  return 0
end
local st = tonumber(d[3])
if st ~= nil and st >= tonumber(ARGV[3]) then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'n', tonumber(ARGV[1]))
return 1
