-- wrk script: GETs drawn at random from a file of paths (one per line), the read endpoints of
-- oneid_http. Prints one "WRKJSON {...}" line with throughput and latency percentiles, which
-- load_test.py parses.   wrk -t2 -c4 -d5s -s read.lua http://127.0.0.1:PORT -- paths.txt
local paths = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  if #paths == 0 then error("read.lua: no paths in " .. args[1]) end
  counter = math.random(#paths)
end

function request()
  -- A stride through the list rather than math.random: each thread covers every path.
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"errors_status":%d,"errors_connect":%d,"errors_read":%d,"errors_write":%d,' ..
    '"errors_timeout":%d}\n',
    summary.requests, summary.duration, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
