-- wrk script for write benchmarks: every request is a POST of BENCH_BODY with a fresh
-- Idempotency-Key, so each one really writes (a repeated key would only replay).
local threads = 0

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  prefix = string.format("bench-%d-%d-%d-", thread_number, os.time(), math.random(1, 1000000000))
  sent = 0
  wrk.method = "POST"
  wrk.body = os.getenv("BENCH_BODY")
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  sent = sent + 1
  wrk.headers["Idempotency-Key"] = prefix .. sent
  return wrk.format()
end
