package embedded

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Claim leases one pending outbox entry in a group-writer transaction.
func (s *Store) Claim(ctx context.Context, sender, id, holder string, now time.Time, lease time.Duration) (persistence.OutboxClaim, error) {
	if err := ctx.Err(); err != nil {
		return persistence.OutboxClaim{}, fmt.Errorf("claim outbox entry: %w", err)
	}
	if err := persistence.ValidateOutboxClaim(holder, lease); err != nil {
		return persistence.OutboxClaim{}, fmt.Errorf("claim outbox entry: %w", err)
	}
	key := pairKey(sender, id)
	until := now.Add(lease)
	var out persistence.OutboxClaim
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		out = persistence.OutboxClaim{Done: true}
		entries := tx.Bucket(bucketOutbox)
		rec, pending, err := s.pendingEntry(tx, key)
		if err != nil || !pending {
			return err
		}
		if e := s.visible(rec); e.Holder != "" && e.Holder != holder && e.LeasedUntil.After(now) {
			out = persistence.OutboxClaim{Until: e.LeasedUntil}
			return nil
		}
		rec.Holder, rec.LeasedUntil, rec.leaseRun = holder, until, s.run
		out = persistence.OutboxClaim{Held: true, Until: until}
		return entries.Put(key, encodeEntry(rec))
	})
	if err != nil {
		return persistence.OutboxClaim{}, fmt.Errorf("claim outbox entry: %w", err)
	}
	return out, nil
}

// Release ends holder's leases on ids in one group-writer transaction.
func (s *Store) Release(ctx context.Context, sender, holder string, ids ...string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("release outbox entries: %w", err)
	}
	if holder == "" {
		return errors.New("release outbox entries: no lease holder")
	}
	if len(ids) == 0 {
		return nil
	}
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		entries := tx.Bucket(bucketOutbox)
		for _, id := range ids {
			key := pairKey(sender, id)
			rec, pending, err := s.pendingEntry(tx, key)
			if err != nil {
				return err
			}
			if !pending || s.visible(rec).Holder != holder {
				continue
			}
			rec.Holder, rec.LeasedUntil, rec.leaseRun = "", time.Time{}, 0
			if err := entries.Put(key, encodeEntry(rec)); err != nil {
				return fmt.Errorf("outbox entry: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("release outbox entries: %w", err)
	}
	return nil
}

// pendingEntry reads the entry stored under key; pending is false when
// there is none or it is no longer pending.
func (s *Store) pendingEntry(tx *bolt.Tx, key []byte) (entryRecord, bool, error) {
	v := tx.Bucket(bucketOutbox).Get(key)
	if v == nil {
		return entryRecord{}, false, nil
	}
	rec, err := decodeEntry(v)
	if err != nil {
		return entryRecord{}, false, fmt.Errorf("outbox entry: %w", err)
	}
	return rec, rec.State == persistence.OutboxPending, nil
}

// visible is the entry as reads report it: a lease written under an
// earlier open of the file (Store.run) belongs to a process that has
// stopped, so it is reported as none and claims ignore it.
func (s *Store) visible(rec entryRecord) persistence.OutboxEntry {
	e := rec.OutboxEntry
	if rec.leaseRun != s.run {
		e.Holder, e.LeasedUntil = "", time.Time{}
	}
	return e
}
