-- Where a caller stands under the rate rules, taking nothing. ARGV[1] is JSON:
-- {stamps, now, rules}
local a = cjson.decode(ARGV[1])
local states = rate_states(a.stamps, a.rules, a.now)
return states
