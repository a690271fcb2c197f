-- Records who made a job, once: the first record wins. ARGV[1] is JSON:
-- {owners, owned, job_id, caller, score, member, keep_ms}; the score is a text, as Lua's
-- numbers would round microseconds.
local a = cjson.decode(ARGV[1])
if redis.call('HSETNX', a.owners, a.job_id, a.caller) == 1 then
  redis.call('ZADD', a.owned, a.score, a.member)
  redis.call('PEXPIRE', a.owned, a.keep_ms)
end
return 1
