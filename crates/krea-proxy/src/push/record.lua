-- A believed delivery, as `Hook::deliver` and `Kept::push` (push/mod.rs) record it: the
-- token marked delivered unless it was, the event kept, the kept ones trimmed, and the
-- event published to every replica, in one step. ARGV[1] is JSON:
-- {hook, sequence, events, job_id, job, kept, lifetime_secs, channel, caller}
local a = cjson.decode(ARGV[1])
if redis.call('HGET', a.hook, 'job') ~= a.job_id then return -1 end
if redis.call('HSETNX', a.hook, 'delivered', '1') == 0 then return 0 end
local id = redis.call('INCR', a.sequence)
redis.call('RPUSH', a.events, id .. '\n' .. a.job)
redis.call('LTRIM', a.events, -a.kept, -1)
redis.call('EXPIRE', a.sequence, a.lifetime_secs)
redis.call('EXPIRE', a.events, a.lifetime_secs)
redis.call('PUBLISH', a.channel, a.caller .. '\n' .. id .. '\n' .. a.job)
return id
