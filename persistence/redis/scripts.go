package redisstore

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// script is a Lua script run by EVALSHA, with EVAL as the fallback when
// Redis has lost its script cache (restart, failover, SCRIPT FLUSH).
//
// Every script starts with "#!lua": Redis 7 then refuses the whole script
// up front when it is out of memory, instead of failing at some write in
// the middle and leaving the earlier writes done. Each script makes every
// check that can refuse its work before its first write, so a refused
// script has written nothing.
type script struct {
	name string
	src  string
	sha  string
}

func newScript(name, src string) *script {
	sum := sha1.Sum([]byte(src))
	return &script{name: name, src: src, sha: hex.EncodeToString(sum[:])}
}

// putEntriesLua stores new outbox entries as pending, skipping ids the
// sender already has (so a retried enqueue neither duplicates nor revives
// an entry). Entry i uses KEYS[k], KEYS[k+1] (entry hash, pending set) and
// ARGV[a..a+5] (id, lane, payload, created, lease holder, lease end as
// 20-digit ns); an entry without a holder gets no lease fields. It returns
// the next k and a.
const putEntriesLua = `
local function put_entries(k, a, n)
  for _ = 1, n do
    if redis.call('EXISTS', KEYS[k]) == 0 then
      if ARGV[a + 4] ~= '' then
        redis.call('HSET', KEYS[k], 'l', ARGV[a + 1], 'p', ARGV[a + 2], 'c', ARGV[a + 3], 's', 'pending', 'a', '0',
          'h', ARGV[a + 4], 'q', ARGV[a + 5])
      else
        redis.call('HSET', KEYS[k], 'l', ARGV[a + 1], 'p', ARGV[a + 2], 'c', ARGV[a + 3], 's', 'pending', 'a', '0')
      end
      redis.call('ZADD', KEYS[k + 1], 0, ARGV[a])
    end
    k, a = k + 2, a + 6
  end
  return k, a
end
`

// commitScript is one conversation turn; see commitArgs for its KEYS and
// ARGV. Steps: read the snapshot's version and token from the first 80
// bytes of its record (the header is at most 60; an expired snapshot is
// gone, so it reads as version 0); on a mismatch answer "conflict:<stored>"
// having written nothing, unless the stored snapshot is this very commit's
// (same next version and token: a pipeline that go-redis re-sent after a
// lost reply), which answers "ok". Then SET the snapshot with PX retention
// (when the turn has data), put outbox entries, SET each MessageSid with
// PX dedupe, and per consent change HSET its kind's hash when the change
// is not older than the stored one (ties: this later commit wins), XADD it
// to the hospital's ledger stream and RPUSH it to the subject's history.
// The inbound time replaces the stored one when later (fixed-width times
// compare as strings), with PX retention. With data, the wake mark is set
// (ZADD to the wake set, SET the address with PX WakeTTL) or cleared.
var commitScript = newScript("commit", `#!lua
`+putEntriesLua+`
local head = redis.call('GETRANGE', KEYS[1], 0, 79)
local stored, token = '0', ''
if head ~= '' then
  stored, token = string.match(head, '^1:(%d+):%-?%d*:(%w*):')
  if not stored then
    return redis.error_reply('ERR unreadable snapshot record')
  end
end
if stored ~= ARGV[1] then
  if ARGV[2] ~= '' and stored == ARGV[2] and token == ARGV[3] then
    return 'ok'
  end
  return 'conflict:' .. stored
end
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
  local wakes, addr = KEYS[#KEYS - 1], KEYS[#KEYS]
  if ARGV[#ARGV - 3] == '1' then
    redis.call('ZADD', wakes, ARGV[#ARGV], ARGV[#ARGV - 4])
    redis.call('SET', addr, ARGV[#ARGV - 2], 'PX', ARGV[#ARGV - 1])
  else
    redis.call('ZREM', wakes, ARGV[#ARGV - 4])
    redis.call('DEL', addr)
  end
end
local k, a = put_entries(2, 11, tonumber(ARGV[7]))
for _ = 1, tonumber(ARGV[8]) do
  redis.call('SET', KEYS[k], '1', 'PX', ARGV[6])
  k = k + 1
end
for _ = 1, tonumber(ARGV[9]) do
  local subject, out, at, source, kind = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local old = redis.call('HGET', KEYS[k], subject)
  if not old or string.sub(old, 2, 21) <= at then
    redis.call('HSET', KEYS[k], subject, out .. at .. source)
  end
  redis.call('XADD', KEYS[k + 1], '*', 'subject', subject, 'kind', kind, 'opted_out', out, 'at', at, 'source', source, 'commit', ARGV[3])
  redis.call('RPUSH', KEYS[k + 2], out .. at .. #kind .. ':' .. kind .. source)
  k, a = k + 3, a + 5
end
if ARGV[10] == '1' then
  local last = redis.call('GET', KEYS[k])
  if not last or last < ARGV[a] then
    redis.call('SET', KEYS[k], ARGV[a], 'PX', ARGV[5])
  end
end
return 'ok'
`)

// enqueueScript puts outbox entries outside a turn: KEYS as in
// putEntriesLua from 1, ARGV[1] the count, entries from ARGV[2].
var enqueueScript = newScript("enqueue", `#!lua
`+putEntriesLua+`
put_entries(1, 2, tonumber(ARGV[1]))
return 'ok'
`)

// markScript records a send attempt. KEYS: entry hash, pending set, and
// for "sent" the provider id's index key. ARGV: id, mode ("sent", "retry"
// or "failed"), provider id or reason, time (ns), retention (ms), the
// index value ("<n>:<sender>:<id>"). Answers 0 when the entry does not
// exist. A sent or final failed entry leaves the pending set and expires
// after retention; a sent one's provider id is indexed as long.
var markScript = newScript("mark", `#!lua
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if ARGV[2] == 'sent' then
  redis.call('HSET', KEYS[1], 's', 'sent', 'v', ARGV[3], 'u', ARGV[4])
  if ARGV[3] ~= '' then
    redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[5])
  end
else
  redis.call('HINCRBY', KEYS[1], 'a', 1)
  redis.call('HSET', KEYS[1], 'e', ARGV[3], 'u', ARGV[4])
  if ARGV[2] == 'retry' then
    return 1
  end
  redis.call('HSET', KEYS[1], 's', 'failed')
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`)

var allScripts = []*script{
	commitScript, enqueueScript, markScript, statusScript, rememberScript, mediaScript,
	putReminderScript, claimScript, fireScript, cancelReminderScript,
	claimEntryScript, releaseEntriesScript,
}

// loadScripts puts every script into Redis's cache at start-up, which also
// proves early that the server runs them (Redis 7.0 or later).
func loadScripts(ctx context.Context, c redis.UniversalClient) error {
	for _, s := range allScripts {
		sha, err := c.ScriptLoad(ctx, s.src).Result()
		if err != nil {
			return fmt.Errorf("load %s script (Redis 7.0 or later is needed): %w", s.name, err)
		}
		if sha != s.sha {
			return fmt.Errorf("load %s script: redis reports digest %s, expected %s", s.name, sha, s.sha)
		}
	}
	return nil
}
