-- wrk script for bench/persons.bench.ts: spreads GET /api/v1/persons/{id} over a sample of ids
-- (or hits one fixed path, the baseline) and prints the figures as one JSON line.
local token = os.getenv("VIGIL_BENCH_TOKEN")
local ids_file = os.getenv("VIGIL_BENCH_IDS")
local fixed_path = os.getenv("VIGIL_BENCH_PATH")
-- The path before the id: /api/v1/persons/ unless a benchmark compares another route.
local prefix = os.getenv("VIGIL_BENCH_PREFIX") or "/api/v1/persons/"
local ids = {}
local headers = {}

function init(args)
  if token then headers["Authorization"] = "Bearer " .. token end
  if not fixed_path then
    for line in io.lines(ids_file) do ids[#ids + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring(ids):sub(-6), 16))
end

function request()
  if fixed_path then return wrk.format("GET", fixed_path, headers) end
  return wrk.format("GET", prefix .. ids[math.random(#ids)], headers)
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"non_2xx":%d,"socket_errors":%d,"timeouts":%d,' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
