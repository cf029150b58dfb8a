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
	return commitOutcome(c, reply, err)
}

// commitOutcome is the outcome of commit c from commitScript's reply.
func commitOutcome(c persistence.Commit, reply any, err error) error {
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
//	      MessageSid, then (kind's consent hash, ledger stream, history
//	      list) per consent change, then the inbound key when there is an
//	      inbound mark, then the wake set and the wake address
//	ARGV: 1 expected version, 2 next version or "" without data, 3 token,
//	      4 snapshot record, 5 retention ms, 6 dedupe ms, 7-9 the counts of
//	      entries, sids and consent changes, 10 "1" with an inbound mark;
//	      from 11 (id, lane, payload, created, lease holder, lease end)
//	      per entry, then (subject,
//	      opted out, at, source, kind) per change, then the inbound time
//	      (20-digit ns) when there is one; last (conversation, "1" to set
//	      the wake mark, its data, wake ms, mark expiry unix ms)
func (s *Store) commitArgs(c persistence.Commit, token string) ([]string, []any) {
	keys := make([]string, 0, 4+2*len(c.Outbox)+len(c.MessageSids)+3*len(c.Consent))
	args := make([]any, 0, 16+6*len(c.Outbox)+5*len(c.Consent))
	keys = append(keys, s.keys.snapshot(c.Key))
	next, record := "", []byte(nil)
	if c.Snapshot.Data != nil {
		next = strconv.FormatUint(c.Snapshot.Version, 10)
		record = encodeSnapshot(c.Snapshot.Version, s.opts.Now(), token, c.Snapshot.Data)
	}
	inbound := ""
	if c.Inbound != nil {
		inbound = "1"
	}
	args = append(args, strconv.FormatUint(c.ExpectVersion, 10), next, token, record,
		s.opts.Retention.Milliseconds(), s.opts.DedupeTTL.Milliseconds(),
		len(c.Outbox), len(c.MessageSids), len(c.Consent), inbound)
	keys, args = s.appendEntries(keys, args, c.Outbox)
	for _, sid := range c.MessageSids {
		keys = append(keys, s.keys.sid(sid))
	}
	for _, ch := range c.Consent {
		keys = append(keys, s.keys.consent(ch.Hospital, ch.Kind), s.keys.ledger(ch.Hospital),
			s.keys.history(ch.Hospital, ch.Subject))
		args = append(args, ch.Subject, optedOutFlag(ch.OptedOut), fixedTime(ch.At), ch.Source, ch.Kind)
	}
	if in := c.Inbound; in != nil {
		keys = append(keys, s.keys.inbound(in.Sender, in.Subject))
		args = append(args, fixedTime(in.At))
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
