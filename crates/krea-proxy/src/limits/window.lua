-- The sliding rate window, as `CallerLimits::rate_states` (window.rs) counts it. The
-- scripts that need it (admit.lua, rates.lua) are this file followed by their own.
-- `stamps` is a caller's sorted set of admissions (score: time in ms); `rules` a list of
-- {window_ms, count}. Forgets what no window can see any more; returns, per rule, the
-- admissions left and the milliseconds until the oldest one inside leaves the window.
local function rate_states(stamps, rules, now)
  local longest = 0
  for _, rule in ipairs(rules) do
    if rule[1] > longest then longest = rule[1] end
  end
  redis.call('ZREMRANGEBYSCORE', stamps, '-inf', now - longest)
  local out = {}
  for _, rule in ipairs(rules) do
    local from = '(' .. (now - rule[1])
    local inside = redis.call('ZCOUNT', stamps, from, '+inf')
    local reset = 0
    if inside > 0 then
      local oldest = redis.call('ZRANGEBYSCORE', stamps, from, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
      reset = tonumber(oldest[2]) + rule[1] - now
    end
    table.insert(out, math.max(rule[2] - inside, 0))
    table.insert(out, reset)
  end
  return out, longest
end
