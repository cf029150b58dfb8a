package redisstore

// statusScript keeps the delivery status of highest rank on an outbox
// entry. KEYS: entry hash. ARGV: status, its rank (persistence.StatusRank),
// error code, time (ns). Answers 0 when the entry does not exist (expired
// since the provider id was read). Equal or lower ranks change nothing,
// so repeats and late callbacks are harmless; the entry's TTL stays.
var statusScript = newScript("status", `#!lua
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local rank = redis.call('HGET', KEYS[1], 'r')
if rank and tonumber(rank) >= tonumber(ARGV[2]) then
  return 1
end
redis.call('HSET', KEYS[1], 'd', ARGV[1], 'r', ARGV[2], 'k', ARGV[3], 't', ARGV[4])
return 1
`)

// rememberScript stores an idempotency record unless one is there. KEYS:
// the record's key. ARGV: the encoded record, TTL (ms). Answers the
// stored record when there was one, else "" (an encoded record is never
// empty).
var rememberScript = newScript("remember", `#!lua
local old = redis.call('GET', KEYS[1])
if old then
  return old
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ''
`)

// mediaScript stores sealed media. KEYS: the media key. ARGV: the bytes,
// TTL (ms). A script rather than a plain SET so that it goes through the
// group writer like every other write.
var mediaScript = newScript("media", `#!lua
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'ok'
`)
