-- wrk script of the load benchmark (bench/runner).
--
-- With BENCH_KEYS naming a file of API keys (one a line), every request carries the next key in
-- X-API-Key; each thread starts at its own offset and walks the whole list, so all keys are in play.
-- Without it the request is static (wrk's -H headers), which costs wrk nothing per request.
-- done() prints one line, BENCH_JSON {...}, that the runner parses.

local keysfile = os.getenv("BENCH_KEYS")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

if keysfile and keysfile ~= "" then
  local keys = {}
  local n = 0
  local i = 0

  function init(args)
    for line in io.lines(keysfile) do
      if line ~= "" then
        n = n + 1
        keys[n] = line
      end
    end
    -- spread the threads evenly over the list, so a short warm-up touches most keys
    local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
    i = math.floor(((id or 1) - 1) * n / threads) % n
  end

  function request()
    i = i + 1
    if i > n then i = 1 end
    return wrk.format(nil, nil, { ["X-API-Key"] = keys[i] })
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
