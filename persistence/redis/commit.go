package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Load returns key's live snapshot, or persistence.ErrNotFound.
func (s *Store) Load(ctx context.Context, key string) (persistence.Snapshot, error) {
	if err := s.check(ctx); err != nil {
		return persistence.Snapshot{}, fmt.Errorf("load snapshot: %w", err)
	}
	rec, err := s.client.Get(ctx, s.keys.snapshot(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return persistence.Snapshot{}, fmt.Errorf("load snapshot: %w", persistence.ErrNotFound)
	}
	if err != nil {
		return persistence.Snapshot{}, fmt.Errorf("load snapshot: %w", err)
	}
	snap, err := decodeSnapshot(key, rec)
	if err != nil {
		return persistence.Snapshot{}, fmt.Errorf("load snapshot: %w", err)
	}
	return snap, nil
}

// Commit writes one conversation turn atomically after checking the
// snapshot version (see persistence.Snapshots and storetest for the rules).
// Concurrent commits share a pipeline (see writer.go).
func (s *Store) Commit(ctx context.Context, c persistence.Commit) error {
	start := time.Now()
	err := s.commit(ctx, c)
	s.opts.Observer.commit(time.Since(start), err)
	return err
}

func (s *Store) commit(ctx context.Context, c persistence.Commit) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	keys, args := s.commitArgs(c, newToken())
	reply, err := s.run(ctx, commitScript, keys, args)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	answer, _ := reply.(string)
	if stored, ok := strings.CutPrefix(answer, "conflict:"); ok {
		return fmt.Errorf("commit: expected version %d, stored %s: %w", c.ExpectVersion, stored, persistence.ErrConflict)
	}
	if answer != "ok" {
		return fmt.Errorf("commit: unexpected answer from redis")
	}
	return nil
}

// newToken names one commit, so that the commit script can tell its own
// earlier run (a pipeline re-sent after a lost reply) from another
// writer's. 64 random bits make two commits of one version with one token
// practically impossible.
func newToken() string {
	return strconv.FormatUint(rand.Uint64(), 36)
}

// commitArgs lays out KEYS and ARGV for commitScript:
//
//	KEYS: snapshot, then (entry, pending) per outbox entry, then one per
//	      MessageSid, then (consent hash, ledger stream) per consent change,
//	      then the wake set and the wake address
//	ARGV: 1 expected version, 2 next version or "" without data, 3 token,
//	      4 snapshot record, 5 retention ms, 6 dedupe ms, 7-9 the counts of
//	      entries, sids and consent changes; from 10 (id, lane, payload,
//	      created) per entry, then (subject, opted out, at, source) per
//	      change; last (conversation, "1" to set the wake mark, its data,
//	      wake ms, mark expiry unix ms)
func (s *Store) commitArgs(c persistence.Commit, token string) ([]string, []any) {
	keys := make([]string, 0, 1+2*len(c.Outbox)+len(c.MessageSids)+2*len(c.Consent))
	args := make([]any, 0, 9+4*len(c.Outbox)+4*len(c.Consent))
	keys = append(keys, s.keys.snapshot(c.Key))
	next, record := "", []byte(nil)
	if c.Snapshot.Data != nil {
		next = strconv.FormatUint(c.Snapshot.Version, 10)
		record = encodeSnapshot(c.Snapshot.Version, s.opts.Now(), token, c.Snapshot.Data)
	}
	args = append(args, strconv.FormatUint(c.ExpectVersion, 10), next, token, record,
		s.opts.Retention.Milliseconds(), s.opts.DedupeTTL.Milliseconds(),
		len(c.Outbox), len(c.MessageSids), len(c.Consent))
	keys, args = s.appendEntries(keys, args, c.Outbox)
	for _, sid := range c.MessageSids {
		keys = append(keys, s.keys.sid(sid))
	}
	for _, ch := range c.Consent {
		keys = append(keys, s.keys.consent(ch.Hospital), s.keys.ledger(ch.Hospital))
		args = append(args, ch.Subject, optedOutFlag(ch.OptedOut), consentAt(ch.At), ch.Source)
	}
	wake := ""
	if c.Wake != nil {
		wake = "1"
	}
	keys = append(keys, s.keys.wakes(), s.keys.wakeData(c.Key))
	args = append(args, c.Key, wake, c.Wake, s.opts.WakeTTL.Milliseconds(),
		time.Now().Add(s.opts.WakeTTL).UnixMilli())
	return keys, args
}
