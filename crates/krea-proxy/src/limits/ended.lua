-- A job seen to end, as `CallerLimits::end` (window.rs): its slot frees and, when it
-- failed or was cancelled, its money comes back, once. ARGV[1] is JSON:
-- {job_hold, job, refund, spent_prefix, in_flight_prefix}
local a = cjson.decode(ARGV[1])
local fields = read_hold(a.job_hold)
if not fields then return 0 end
redis.call('DEL', a.job_hold)
redis.call('ZREM', a.in_flight_prefix .. fields['caller'], a.job)
if a.refund then
  refund_hold(fields, a.spent_prefix)
end
return 1
