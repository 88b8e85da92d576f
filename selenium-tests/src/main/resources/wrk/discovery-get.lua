-- Reads of the discovery service's JSON API, spread over the 64 names the puts wrote
-- (at most 10 values each).
function init(args)
  sent = 0
end

function request()
  sent = sent + 1
  return wrk.format("GET", "/v1/values/bench-" .. (sent % 64) .. "?max=10")
end
