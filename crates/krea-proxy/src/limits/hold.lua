-- What one admission holds (a hash: day, micros, caller, until), read into a table, or nil
-- when there is no such hold. The scripts that need it (settle.lua, ended.lua) are this
-- file followed by their own.
local function read_hold(key)
  local hold = redis.call('HGETALL', key)
  if #hold == 0 then return nil end
  local fields = {}
  for i = 1, #hold, 2 do fields[hold[i]] = hold[i + 1] end
  return fields
end

-- Gives a hold's money back to every budget counter it charged. A hold written before
-- budgets had scopes names none: it charged the proxy-wide day, `day`.
local function refund_hold(fields, spent_prefix)
  local counters = {}
  if fields['counters'] then counters = cjson.decode(fields['counters']) end
  if #counters == 0 and tonumber(fields['micros'] or '0') > 0 then counters = {fields['day']} end
  for _, counter in ipairs(counters) do
    redis.call('DECRBY', spent_prefix .. counter, tonumber(fields['micros']))
  end
end
