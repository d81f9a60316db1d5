-- The API benchmark's load, run by wrk in its own process (bench/ApiBenchmark).
--
-- Environment:
--   MODE     create | get | list | patch
--   NS       the namespace (default bench)
--   OBJECTS  get and patch address ConfigMaps PREFIX0 .. PREFIX(OBJECTS-1)
--   PREFIX   the ConfigMaps' names: create makes PREFIX<n>, unique across threads
--   RATE     requests per second in all, paced (0: each connection sends its next request as soon
--            as the last is answered)
--   THREADS  wrk's thread count (-t), to share RATE and names between threads
--
-- At the end it prints one line of key=value pairs. A request sent more than 5 ms behind its
-- schedule counts as late: with few late requests the latencies are those of an open loop.

local mode = os.getenv("MODE") or "patch"
local ns = os.getenv("NS") or "bench"
local objects = tonumber(os.getenv("OBJECTS") or "1000")
local prefix = os.getenv("PREFIX") or "cm-"
local rate = tonumber(os.getenv("RATE") or "0")
local nthreads = tonumber(os.getenv("THREADS") or "1")
local collection = "/api/v1/namespaces/" .. ns .. "/configmaps"

local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } dirigent_timespec; int clock_gettime(int, dirigent_timespec *); ]]
local now_buf = ffi.new("dirigent_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, now_buf)
  return tonumber(now_buf.tv_sec) * 1000 + tonumber(now_buf.tv_nsec) / 1e6
end

local threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Per thread (each wrk thread has its own Lua state); globals so that done() can read them.
counter = 0
late = 0
statuses = {}
local next_at = 0
local interval = rate > 0 and 1000 * nthreads / rate or 0

function delay()
  if interval == 0 then
    return 0
  end
  local now = now_ms()
  if next_at == 0 then
    next_at = now
  end
  next_at = next_at + interval
  local wait = next_at - now
  if wait < -5 then
    late = late + 1
  end
  return wait > 0 and wait or 0
end

function request()
  local n = counter * nthreads + id
  counter = counter + 1
  if mode == "create" then
    return wrk.format("POST", collection, {["Content-Type"] = "application/json"},
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"' .. prefix .. n .. '"},"data":{"value":"0"}}')
  elseif mode == "get" then
    return wrk.format("GET", collection .. "/" .. prefix .. (n % objects))
  elseif mode == "list" then
    return wrk.format("GET", collection .. "?limit=50")
  else
    return wrk.format("PATCH", collection .. "/" .. prefix .. (n % objects),
      {["Content-Type"] = "application/merge-patch+json"}, '{"data":{"value":"' .. n .. '"}}')
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total_late = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    total_late = total_late + thread:get("late")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local codes = {}
  for status, count in pairs(by_status) do
    table.insert(codes, status .. ":" .. count)
  end
  table.sort(codes)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests=%d seconds=%.3f errors=%d late=%d p50=%.3f p99=%.3f max=%.3f statuses=%s\n",
    summary.requests, summary.duration / 1e6, errors, total_late,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, table.concat(codes, ",")))
end
