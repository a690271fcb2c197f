-- One admission, as `CallerLimits::admit` (window.rs) decides it: every rule checked and,
-- if all allow it, taken, in one step. ARGV[1] is JSON: {stamps, in_flight, hold, now,
-- ticket, until, cap (0: none), price, day, caller, rules, budgets: [[key, counter,
-- limit, keep_ms], ...]}
local a = cjson.decode(ARGV[1])
local states, longest = rate_states(a.stamps, a.rules, a.now)
for i = 1, #a.rules do
  if states[2 * i - 1] == 0 then
    local out = {'rate'}
    for _, v in ipairs(states) do table.insert(out, v) end
    return out
  end
end
redis.call('ZREMRANGEBYSCORE', a.in_flight, '-inf', a.now)
if a.cap > 0 and redis.call('ZCARD', a.in_flight) >= a.cap then return {'inflight'} end
for i, budget in ipairs(a.budgets) do
  local spent = tonumber(redis.call('GET', budget[1]) or '0')
  if spent + a.price > budget[3] then return {'budget', i} end
end
redis.call('ZADD', a.stamps, a.now, a.ticket)
redis.call('PEXPIRE', a.stamps, longest + 1000)
redis.call('ZADD', a.in_flight, a['until'], a.ticket)
local counters = {}
for _, budget in ipairs(a.budgets) do
  redis.call('INCRBY', budget[1], a.price)
  redis.call('PEXPIRE', budget[1], budget[4])
  table.insert(counters, budget[2])
end
redis.call('HSET', a.hold, 'day', a.day, 'micros', a.price, 'caller', a.caller, 'until', a['until'],
  'counters', cjson.encode(counters))
redis.call('PEXPIRE', a.hold, 2 * 86400000)
return {'ok'}
