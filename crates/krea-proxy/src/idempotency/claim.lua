-- A claim of one idempotency key, in one atomic step; the same rules as
-- `KeyRecord::claim` (idempotency/mod.rs). ARGV[1] is JSON:
-- {key, fingerprint, now_ms, stale_before_ms, remember_ms}; the times are texts of
-- milliseconds, which Lua's numbers would print in exponent notation.
local a = cjson.decode(ARGV[1])
local function in_flight()
  redis.call('HSET', a.key, 'fp', a.fingerprint, 'state', 'inflight', 'at', a.now_ms)
  redis.call('HDEL', a.key, 'body', 'sent', 'judged')
  redis.call('PEXPIRE', a.key, a.remember_ms)
end
local fp = redis.call('HGET', a.key, 'fp')
if not fp then
  in_flight()
  return {'fresh'}
end
if fp ~= a.fingerprint then return {'mismatch'} end
local state = redis.call('HGET', a.key, 'state')
if state == 'created' then return {'replay', redis.call('HGET', a.key, 'body')} end
if state == 'unknown' then
  local sent, judged = redis.call('HGET', a.key, 'sent'), redis.call('HGET', a.key, 'judged')
  in_flight()
  return {'unsettled', sent, judged}
end
local at = redis.call('HGET', a.key, 'at') or '0'
if tonumber(at) >= tonumber(a.stale_before_ms) then return {'inflight'} end
-- The request that claimed it cannot still be running: look in its window.
in_flight()
return {'unsettled', at .. '000000', a.now_ms .. '000000'}
