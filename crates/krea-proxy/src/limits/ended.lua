-- A job seen to end, as `CallerLimits::end` (window.rs): its slot frees and, when it
-- failed or was cancelled, its money comes back, once. ARGV[1] is JSON:
-- {job_hold, job, refund, spent_prefix, in_flight_prefix}
local a = cjson.decode(ARGV[1])
local hold = redis.call('HGETALL', a.job_hold)
if #hold == 0 then return 0 end
local fields = {}
for i = 1, #hold, 2 do fields[hold[i]] = hold[i + 1] end
redis.call('DEL', a.job_hold)
redis.call('ZREM', a.in_flight_prefix .. fields['caller'], a.job)
if a.refund then
  redis.call('DECRBY', a.spent_prefix .. fields['day'], tonumber(fields['micros']))
end
return 1
