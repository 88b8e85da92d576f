-- Acknowledged puts to the discovery service's JSON API: each request a new value, spread over
-- 64 names (bench-0 .. bench-63), so that no two puts are the same write.
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  sent = 0
end

function request()
  sent = sent + 1
  local body = '{"value":"peer-' .. id .. '-' .. sent .. '","ttl":600}'
  return wrk.format("POST", "/v1/values/bench-" .. (sent % 64), {["Content-Type"] = "application/json"}, body)
end
