package redisstore

// reminderLua is shared by the reminder scripts. A reminder's hash has
// the fields j subject, k kind, d due (20-digit ns), s state, n fired, p
// payload, c created (ns), u updated (ns), h lease holder, e lease end
// (ms). Its listing member is "<d>:<id>" in the hospital's zset and in
// the subject's; the scripts build those keys from the prefix (ARGV[1])
// and the stored subject, with keys.go's layout. A fired or cancelled
// reminder expires with PEXPIRE; its listing members go to the gone set
// (member lp(hospital) lp(subject) lp(id) due, score = expiry ms), which
// every claim trims a little (sweep_gone). Gone-set times are the
// caller's wall clock in ms (like the wake set's): a trim that comes a
// little early finds the hash still there and looks again later. An
// unleased reminder has h and e empty (one HSET rather than an HDEL).
const reminderLua = `
local FIELDS = {'j', 'k', 'd', 's', 'n', 'p', 'c', 'u'}

local function lp(s)
  return #s .. ':' .. s
end

-- take reads the lp-encoded string at i and the index after it.
local function take(s, i)
  local colon = string.find(s, ':', i, true)
  local n = tonumber(string.sub(s, i, colon - 1))
  return string.sub(s, colon + 1, colon + n), colon + n + 1
end

local function hospital_list(prefix, hospital)
  return prefix .. 'j:' .. hospital
end

local function subject_list(prefix, hospital, subject)
  return prefix .. 'u:' .. lp(hospital) .. ':' .. subject
end

local function list(prefix, hospital, subject, due, id)
  redis.call('ZADD', hospital_list(prefix, hospital), 0, due .. ':' .. id)
  redis.call('ZADD', subject_list(prefix, hospital, subject), 0, due .. ':' .. id)
end

local function unlist(prefix, hospital, subject, due, id)
  redis.call('ZREM', hospital_list(prefix, hospital), due .. ':' .. id)
  redis.call('ZREM', subject_list(prefix, hospital, subject), due .. ':' .. id)
end

-- retire starts a fired or cancelled reminder's retention; now is the
-- wall clock in ms.
local function retire(key, gone, hospital, subject, id, due, retention, now)
  redis.call('PEXPIRE', key, retention)
  redis.call('ZADD', gone, tonumber(now) + tonumber(retention), lp(hospital) .. lp(subject) .. lp(id) .. due)
end

-- sweep_gone drops up to max listing members of reminders that have
-- expired. A reminder stored again under the same id keeps the members
-- that are its own; one not expired yet (clocks differ by a millisecond)
-- is looked at again when its TTL ends.
local function sweep_gone(prefix, gone, max, now)
  now = tonumber(now)
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', gone, '-inf', now, 'LIMIT', 0, max)) do
    local hospital, i = take(m, 1)
    local subject, j = take(m, i)
    local id, l = take(m, j)
    local due = string.sub(m, l)
    local key = prefix .. 'r:' .. lp(hospital) .. ':' .. id
    local state, cur_subject, cur_due = unpack(redis.call('HMGET', key, 's', 'j', 'd'))
    if state and state ~= 'scheduled' and cur_due == due and cur_subject == subject then
      redis.call('ZADD', gone, now + math.max(redis.call('PTTL', key), 1000), m)
    else
      if not (state and cur_due == due) then
        redis.call('ZREM', hospital_list(prefix, hospital), due .. ':' .. id)
      end
      if not (state and cur_due == due and cur_subject == subject) then
        redis.call('ZREM', subject_list(prefix, hospital, subject), due .. ':' .. id)
      end
      redis.call('ZREM', gone, m)
    end
  end
end
`

// putReminderScript creates or replaces a scheduled reminder. KEYS:
// reminder hash, due set. ARGV: 1 prefix, 2 hospital, 3 id, 4 ref, 5
// subject, 6 kind, 7 due (20-digit ns), 8 due score (ms, rounded up), 9
// payload, 10 created (ns), 11 updated (ns). Answers "conflict" for a
// fired or cancelled reminder not yet expired. Replacing keeps state,
// fired and created, drops the lease and moves the listing members.
var putReminderScript = newScript("put-reminder", `#!lua
`+reminderLua+`
local prefix, hospital, id = ARGV[1], ARGV[2], ARGV[3]
local state, subject, due = unpack(redis.call('HMGET', KEYS[1], 's', 'j', 'd'))
if state and state ~= 'scheduled' then
  return 'conflict'
end
if state then
  unlist(prefix, hospital, subject, due, id)
  redis.call('HSET', KEYS[1], 'j', ARGV[5], 'k', ARGV[6], 'd', ARGV[7], 'p', ARGV[9], 'u', ARGV[11], 'h', '', 'e', '')
else
  redis.call('HSET', KEYS[1], 'j', ARGV[5], 'k', ARGV[6], 'd', ARGV[7], 's', 'scheduled', 'n', '0',
    'p', ARGV[9], 'c', ARGV[10], 'u', ARGV[11], 'h', '', 'e', '')
end
redis.call('ZADD', KEYS[2], ARGV[8], ARGV[4])
list(prefix, hospital, ARGV[5], ARGV[7], id)
return 'ok'
`)

// claimScript leases due reminders. KEYS: due set, gone set. ARGV: 1
// prefix, 2 now (ms), 3 limit, 4 holder, 5 lease end (ms), 6 wall clock
// (ms). It takes the
// members of the due set scored at or before now, sets holder and lease
// end in each hash and moves its score to the lease end, so an expired
// lease makes it due again. Members whose hash is not scheduled are
// stale and dropped. Answers ref, then the FIELDS values, per claimed
// reminder; then trims the gone set.
var claimScript = newScript("claim", `#!lua
`+reminderLua+`
local refs = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, ARGV[3])
local out = {}
for _, ref in ipairs(refs) do
  local key = ARGV[1] .. 'r:' .. ref
  local fields = redis.call('HMGET', key, unpack(FIELDS))
  if fields[4] == 'scheduled' then
    redis.call('HSET', key, 'h', ARGV[4], 'e', ARGV[5])
    redis.call('ZADD', KEYS[1], ARGV[5], ref)
    out[#out + 1] = ref
    out[#out + 1] = fields
  else
    redis.call('ZREM', KEYS[1], ref)
  end
end
sweep_gone(ARGV[1], KEYS[2], 64, ARGV[6])
return out
`)

// fireScript completes a claimed reminder. KEYS: reminder hash, due set,
// gone set, then (entry, pending) per outbox entry. ARGV: 1 prefix, 2
// hospital, 3 id, 4 ref, 5 holder, 6 next due (20-digit ns, "" for
// none), 7 next score (ms), 8 at (ns), 9 retention (ms), 10 entry count,
// 11 wall clock (ms), from 12 the entries as putEntriesLua takes them. Answers "missing",
// "conflict" (not scheduled, or another holder: nothing written) or
// "ok".
var fireScript = newScript("fire", `#!lua
`+putEntriesLua+reminderLua+`
local prefix, hospital, id = ARGV[1], ARGV[2], ARGV[3]
local state, holder, subject, due, fired = unpack(redis.call('HMGET', KEYS[1], 's', 'h', 'j', 'd', 'n'))
if not state then
  return 'missing'
end
if state ~= 'scheduled' or holder ~= ARGV[5] then
  return 'conflict'
end
local n = tonumber(ARGV[10])
fired = tonumber(fired) or 0
if n > 0 then
  fired = fired + 1
end
put_entries(4, 12, n)
if ARGV[6] == '' then
  redis.call('HSET', KEYS[1], 'n', fired, 'u', ARGV[8], 's', 'fired', 'h', '', 'e', '')
  redis.call('ZREM', KEYS[2], ARGV[4])
  retire(KEYS[1], KEYS[3], hospital, subject, id, due, ARGV[9], ARGV[11])
else
  redis.call('HSET', KEYS[1], 'n', fired, 'u', ARGV[8], 'd', ARGV[6], 'h', '', 'e', '')
  redis.call('ZADD', KEYS[2], ARGV[7], ARGV[4])
  unlist(prefix, hospital, subject, due, id)
  list(prefix, hospital, subject, ARGV[6], id)
end
return 'ok'
`)

// cancelReminderScript cancels a scheduled reminder. KEYS: reminder hash,
// due set, gone set. ARGV: 1 hospital, 2 id, 3 ref, 4 at (ns), 5
// retention (ms), 6 wall clock (ms). Answers "missing", "conflict" (fired) or "ok" (also for
// one cancelled already, which it leaves as it is).
var cancelReminderScript = newScript("cancel-reminder", `#!lua
`+reminderLua+`
local state, subject, due = unpack(redis.call('HMGET', KEYS[1], 's', 'j', 'd'))
if not state then
  return 'missing'
end
if state == 'fired' then
  return 'conflict'
end
if state ~= 'scheduled' then
  return 'ok'
end
redis.call('HSET', KEYS[1], 's', 'cancelled', 'u', ARGV[4], 'h', '', 'e', '')
redis.call('ZREM', KEYS[2], ARGV[3])
retire(KEYS[1], KEYS[3], ARGV[1], subject, ARGV[2], due, ARGV[5], ARGV[6])
return 'ok'
`)
