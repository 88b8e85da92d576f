-- Reads of the discovery service's JSON API (at most 10 values each), spread over the 64 names
-- bench-get-0 .. bench-get-63, which the benchmark fills before the run.
function init(args)
  sent = 0
end

function request()
  sent = sent + 1
  return wrk.format("GET", "/v1/values/bench-get-" .. (sent % 64) .. "?max=10")
end
