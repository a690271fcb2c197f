-- A ticket settled, as `CallerLimits::settle` (window.rs): its hold follows the job it
-- made, or (no job) its stamp goes and its money comes back. ARGV[1] is JSON:
-- {ticket_hold, job_hold, stamps, in_flight, ticket, job ('' when none), spent_prefix}
local a = cjson.decode(ARGV[1])
local fields = read_hold(a.ticket_hold)
if not fields then return 0 end
redis.call('DEL', a.ticket_hold)
if a.job ~= '' then
  redis.call('ZREM', a.in_flight, a.ticket)
  redis.call('ZADD', a.in_flight, tonumber(fields['until']), a.job)
  redis.call('HSET', a.job_hold, 'day', fields['day'], 'micros', fields['micros'], 'caller', fields['caller'],
    'counters', fields['counters'] or '[]')
  redis.call('PEXPIRE', a.job_hold, 2 * 86400000)
else
  redis.call('ZREM', a.stamps, a.ticket)
  redis.call('ZREM', a.in_flight, a.ticket)
  refund_hold(fields, a.spent_prefix)
end
return 1
