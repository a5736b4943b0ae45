-- wrk script: POST /v1/score with BATCH names a request, drawn from a fixed mix of benign,
-- DGA-looking and invalid names, and a summary in domains per second.
local batch = tonumber(os.getenv("BATCH") or "100")
local pool = {
  "google.com", "ns1.asdklgb.cf.", "xjwqkzpvhrtl.net", "www.wikipedia.org", "mail.example.co.uk",
  "7ydbdehaaz", "paypa1-login.com", "cdn.b\195\188cher.de", "a1b2c3d4e5f6.info", "bad..name",
}
local names = {}
for i = 1, batch do
  names[i] = '"' .. pool[(i - 1) % #pool + 1] .. '"'
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"domains": [' .. table.concat(names, ",") .. ']}'

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("requests/s %.0f  domains/s %.0f  p50 %.2f ms  p99 %.2f ms  errors %d\n",
    summary.requests / seconds, summary.requests * batch / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
