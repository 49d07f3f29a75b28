-- wrk script: pull-query key lookups on random keys of the bench table.
math.randomseed(os.time())
local nkeys = tonumber(os.getenv("BENCH_KEYS") or "1000000")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/vnd.ksql.v1+json"
request = function()
  local k = math.random(0, nkeys - 1)
  return wrk.format(nil, "/query",
    nil, '{"ksql":"SELECT * FROM BENCH_T WHERE K=' .. k .. ';"}')
end
