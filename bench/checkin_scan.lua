-- wrk script for the check-in benchmarks: each request scans a different badge (every tenth
-- repeats one scanned a moment before, answered "already checked in"), with a fresh nonce.
-- Environment: TOKENS_FILE (one token a line), SCAN_PATH, SCANNED_AT, and either DOOR_PASS
-- (sent as X-Door-Pass, as the staff scanner does) or COOKIE and CSRF (the session).
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do tokens[#tokens + 1] = line end
local path = os.getenv("SCAN_PATH")
local headers = {["Content-Type"] = "application/json"}
local door_pass = os.getenv("DOOR_PASS") or ""
if door_pass ~= "" then
  headers["X-Door-Pass"] = door_pass
else
  headers["Cookie"] = os.getenv("COOKIE") or ""
  headers["X-CSRF-Token"] = os.getenv("CSRF") or ""
end
local scanned_at = os.getenv("SCANNED_AT")
local run_id = os.getenv("RUN_ID")
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

local counter = 0
local nthreads = 2

function request()
  counter = counter + 1
  local n = counter
  if counter % 10 == 0 and counter > 20 then n = counter - 5 end
  -- threads take disjoint tokens: thread k uses indexes k, k + nthreads, ...
  local index = ((n * nthreads + id) % #tokens) + 1
  local body = string.format(
    '{"token":"%s","scanned_at":"%s","nonce":"%s-%d-%d","gate":"A","device":"wrk"}',
    tokens[index], scanned_at, run_id, id, counter)
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'WRK_JSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,' ..
    '"p99_ms":%.2f,"max_ms":%.2f,"errors":%d,"non_2xx":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.errors.status))
end
