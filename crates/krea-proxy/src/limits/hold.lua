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
