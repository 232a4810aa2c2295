-- One rate-limit decision for one caller, on Redis's clock: the minute token bucket and the daily
-- quota are checked together and charged together, or not at all. This is evaluate() in
-- window.go, step for step; see there for the units (µs, and a token = 60,000,000 units).
--
-- KEYS[1]  bucket hash: tk = tokens (units) as of ts, ts = µs of the last charge
-- KEYS[2]  day hash:    d = day number (days since the epoch, UTC), n = requests charged on day d
-- ARGV[1]  PerMinute, ARGV[2] PerDay (<= 0: unlimited, the key is not touched)
-- ARGV[3]  "1" to charge an allowed request, "0" to only look
-- ARGV[4]  the daily count's seed when Redis has no count for today (lost with a restart, or the
--          day's first request): absent or -2 starts from 0; -1 asks, returning allowed = -1 and
--          writing nothing, so that the caller can read today's usage from the database; n >= 0
--          starts from n, and records when (st) it was seeded
-- Returns  {allowed (1/0, or -1: seed asked for), tokens, µs until the bucket is full, used today,
--          retry µs, now µs}
--
-- A refused request, or a look, writes nothing but a seed. Each write sets a TTL: the bucket lives
-- until it is full again (then it equals a missing key), the day hash until the day is over, each
-- plus a margin. Numbers are passed to redis.call as numbers, never through tostring(), which would
-- round them to 14 digits. Seeding is Redis's alone: window.go's evaluate() has no database.

if redis.replicate_commands then
  redis.replicate_commands() -- Redis 3.2/4 need it to write after TIME; later ones ignore it
end

local TOKEN = 60000000
local DAY = 86400000000

local perMin = tonumber(ARGV[1])
local perDay = tonumber(ARGV[2])
local charge = ARGV[3] == '1'
local seed = tonumber(ARGV[4] or '-2') or -2

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local allowed, tokens, fullIn, used, retry = 1, 0, 0, 0, 0
local ts = 0

if perMin > 0 then
  local capacity = perMin * TOKEN
  local b = redis.call('HMGET', KEYS[1], 'tk', 'ts')
  tokens, ts = tonumber(b[1]), tonumber(b[2])
  if tokens == nil or ts == nil then
    tokens, ts = capacity, 0
  else
    local elapsed = math.min(math.max(now - ts, 0), TOKEN) -- a clock stepping back refills nothing
    tokens = math.min(capacity, tokens + elapsed * perMin)
  end
  if tokens < TOKEN then
    allowed = 0
    retry = math.ceil((TOKEN - tokens) / perMin)
  end
end

local today = math.floor(tonumber(t[1]) / 86400)
local seeded = false
if perDay > 0 then
  local d = redis.call('HMGET', KEYS[2], 'd', 'n')
  if tonumber(d[1]) == today then
    used = tonumber(d[2]) or 0
  elseif seed == -1 then
    return {-1, 0, 0, 0, 0, now}
  elseif seed >= 0 then
    used, seeded = seed, true
  end
  if used >= perDay then
    allowed = 0
    retry = math.max(retry, (today + 1) * DAY - now)
  end
end

if allowed == 1 and charge then
  if perMin > 0 then
    tokens = tokens - TOKEN
    redis.call('HSET', KEYS[1], 'tk', tokens, 'ts', math.max(ts, now))
    redis.call('PEXPIRE', KEYS[1], math.ceil((perMin * TOKEN - tokens) / perMin / 1000) + 1000)
  end
  if perDay > 0 then
    used = used + 1
    redis.call('HSET', KEYS[2], 'd', today, 'n', used)
    if seeded then
      redis.call('HSET', KEYS[2], 'st', now)
    end
    redis.call('PEXPIRE', KEYS[2], math.ceil(((today + 1) * DAY - now) / 1000) + 60000)
    seeded = false
  end
end
if seeded then -- refused, or only a look: the seed is kept all the same, once a day
  redis.call('HSET', KEYS[2], 'd', today, 'n', used, 'st', now)
  redis.call('PEXPIRE', KEYS[2], math.ceil(((today + 1) * DAY - now) / 1000) + 60000)
end

if perMin > 0 then
  fullIn = math.ceil((perMin * TOKEN - tokens) / perMin)
end
return {allowed, tokens, fullIn, used, retry, now}
