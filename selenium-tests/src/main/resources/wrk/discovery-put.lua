-- Acknowledged puts to the discovery service's JSON API, each request a new value under a new or
-- growing name: names and values carry the run's start time, so a run never repeats an earlier
-- run's puts. A thread moves to 64 new names every 32,000 puts, so no name gets more than 500
-- values: the service holds at most 1,000 live values per name and answers a put beyond them
-- "over capacity" (result 1, HTTP 200) without storing it. Every answer that is not result 0 is
-- counted; done() reports them.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  rejected = 0
  run = os.time()
end

function request()
  sent = sent + 1
  local name = "bench-" .. run .. "-" .. id .. "-" .. math.floor(sent / 32000) .. "-" .. (sent % 64)
  local body = '{"value":"peer-' .. run .. '-' .. id .. '-' .. sent .. '","ttl":600}'
  return wrk.format("POST", "/v1/values/" .. name, {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status == 200 and not string.find(body, '"result":0', 1, true) then
    rejected = rejected + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("rejected")
  end
  if total > 0 then
    io.write(string.format("Rejected answers: %d\n", total))
  end
end
