package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Claim leases one pending outbox entry with one script run
// (claimEntryScript). Concurrent claims share the group writer's
// pipelines like every other write.
func (s *Store) Claim(ctx context.Context, sender, id, holder string, now time.Time, lease time.Duration) (persistence.OutboxClaim, error) {
	if err := s.check(ctx); err != nil {
		return persistence.OutboxClaim{}, fmt.Errorf("claim outbox entry: %w", err)
	}
	if err := persistence.ValidateOutboxClaim(holder, lease); err != nil {
		return persistence.OutboxClaim{}, fmt.Errorf("claim outbox entry: %w", err)
	}
	until := now.Add(lease)
	reply, err := s.run(ctx, claimEntryScript, []string{s.keys.entry(sender, id)},
		[]any{holder, fixedTime(now), fixedTime(until), s.keys.beatPrefix(), persistence.LiveHolderPrefix})
	if err != nil {
		return persistence.OutboxClaim{}, fmt.Errorf("claim outbox entry: %w", err)
	}
	answer, _ := reply.(string)
	switch {
	case answer == "ok":
		return persistence.OutboxClaim{Held: true, Until: until}, nil
	case answer == "done":
		return persistence.OutboxClaim{Done: true}, nil
	case len(answer) == fixedTimeWidth:
		other, err := parseFixedTime(answer)
		if err != nil {
			return persistence.OutboxClaim{}, fmt.Errorf("claim outbox entry: %w", err)
		}
		return persistence.OutboxClaim{Until: other}, nil
	case strings.HasPrefix(answer, beatingAnswer):
		// "beating:<lease end>:<ms>": the other holder's lease ends then,
		// or, should its beat lapse, about ms from now.
		end, ms, _ := strings.Cut(strings.TrimPrefix(answer, beatingAnswer), ":")
		other, err := parseFixedTime(end)
		left, aerr := strconv.ParseInt(ms, 10, 64)
		if err != nil || aerr != nil {
			return persistence.OutboxClaim{}, errors.New("claim outbox entry: unreadable answer from redis")
		}
		if lapse := now.Add(time.Duration(left) * time.Millisecond); lapse.Before(other) {
			other = lapse
		}
		return persistence.OutboxClaim{Until: other}, nil
	}
	return persistence.OutboxClaim{}, errors.New("claim outbox entry: unexpected answer from redis")
}

// Release ends holder's leases on ids with one script run
// (releaseEntriesScript).
func (s *Store) Release(ctx context.Context, sender, holder string, ids ...string) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("release outbox entries: %w", err)
	}
	if holder == "" {
		return errors.New("release outbox entries: no lease holder")
	}
	if len(ids) == 0 {
		return nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = s.keys.entry(sender, id)
	}
	if _, err := s.run(ctx, releaseEntriesScript, keys, []any{holder}); err != nil {
		return fmt.Errorf("release outbox entries: %w", err)
	}
	return nil
}

// beatingAnswer starts claimEntryScript's answer for a live lease whose
// holder beats.
const beatingAnswer = "beating:"

// claimEntryScript leases an outbox entry. KEYS: the entry hash. ARGV:
// holder, now and the new lease end (both 20-digit ns, which compare as
// strings), the beat keys' prefix and persistence.LiveHolderPrefix.
// Answers "done" when the entry is missing or not pending. When another
// holder has a live lease: for a holder that beats, whose beat key (the
// prefix and its name: a key the script builds, so the store must be one
// Redis, not a cluster) lives, "beating:<lease end>:<ms the key has
// left>" (a key without expiry never lapses: the lease's end); a lapsed
// beat (no key) ends the lease, and the claim goes on; for a
// holder that does not beat, the lease's end. Else "ok" having set holder
// and lease end.
var claimEntryScript = newScript("claim-entry", `#!lua
local state, holder, leased = unpack(redis.call('HMGET', KEYS[1], 's', 'h', 'q'))
if state ~= 'pending' then
  return 'done'
end
if holder and holder ~= '' and holder ~= ARGV[1] and leased and leased > ARGV[2] then
  if string.sub(holder, 1, #ARGV[5]) ~= ARGV[5] then
    return leased
  end
  local left = redis.call('PTTL', ARGV[4] .. holder)
  if left == -1 then
    return leased
  end
  if left >= 0 then
    return 'beating:' .. leased .. ':' .. left
  end
end
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'q', ARGV[3])
return 'ok'
`)

// releaseEntriesScript ends a holder's leases. KEYS: entry hashes. ARGV:
// the holder. Entries not pending or held by another are left alone.
var releaseEntriesScript = newScript("release-entries", `#!lua
for i = 1, #KEYS do
  local state, holder = unpack(redis.call('HMGET', KEYS[i], 's', 'h'))
  if state == 'pending' and holder == ARGV[1] then
    redis.call('HDEL', KEYS[i], 'h', 'q')
  end
end
return 'ok'
`)
