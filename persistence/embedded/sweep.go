package embedded

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// sweepChunk bounds one sweep transaction, so a large backlog never holds
// the writer lock for long.
var sweepChunk = 1000

// Sweep deletes expired records from the file (snapshots, sids, sent or
// failed outbox entries and their provider ids, fired or cancelled
// reminders with their listing entries, inbound marks, idempotency
// records, media) and reports how many records it removed. Reads already
// treat them as absent; sweeping only reclaims space.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("sweep: %w", err)
		}
		now := s.now()
		processed, removed := 0, 0
		err := s.db.Update(func(tx *bolt.Tx) error {
			processed, removed = 0, 0
			for _, sw := range sweepers {
				p, r, err := sweepIndex(tx, sw, now, sweepChunk-processed)
				if err != nil {
					return err
				}
				processed += p
				removed += r
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("sweep: %w", err)
		}
		total += removed
		if processed < sweepChunk {
			return total, nil
		}
	}
}

// sweeper names an expiry index and the bucket whose records it indexes.
type sweeper struct {
	index, records []byte
	// expired re-checks the record, guarding against a stale index entry.
	expired func(record []byte, now time.Time) bool
	// drop, when set, removes what else refers to a record being deleted.
	drop func(tx *bolt.Tx, record []byte) error
}

// stampExpired is expired for values that start with their expiry
// (stampValue).
func stampExpired(v []byte, now time.Time) bool {
	return stampExpires(v) <= expiryStamp(now)
}

var sweepers = []sweeper{
	{bucketSnapshotExpiry, bucketSnapshots, func(v []byte, now time.Time) bool {
		rec, err := decodeSnapshot(v)
		return err != nil || !live(rec.expiresAt, now)
	}, nil},
	{bucketSidExpiry, bucketSids, func(v []byte, now time.Time) bool {
		return sidExpiresAt(v) <= expiryStamp(now)
	}, nil},
	{bucketOutboxExpiry, bucketOutbox, func(v []byte, now time.Time) bool {
		rec, err := decodeEntry(v)
		return err != nil || !live(rec.expiresAt, now)
	}, nil},
	{bucketProviderExpiry, bucketProviderIDs, stampExpired, nil},
	{bucketReminderExpiry, bucketReminders, func(v []byte, now time.Time) bool {
		rec, err := decodeReminder(v)
		return err != nil || !live(rec.expiresAt, now)
	}, dropReminderIndex},
	{bucketInboundExpiry, bucketInbound, func(v []byte, now time.Time) bool {
		rec, err := decodeInbound(v)
		return err != nil || !live(rec.expiresAt, now)
	}, nil},
	{bucketIdemExpiry, bucketIdempotency, func(v []byte, now time.Time) bool {
		rec, err := decodeIdem(v)
		return err != nil || !live(rec.expiresAt, now)
	}, nil},
	{bucketMediaExpiry, bucketMedia, stampExpired, nil},
}

// sweepIndex removes up to limit index entries due at now, with their
// records, and reports how many index entries and records it removed.
// Keys are collected before deleting because a bbolt cursor may skip keys
// after a delete.
func sweepIndex(tx *bolt.Tx, sw sweeper, now time.Time, limit int) (processed, removed int, err error) {
	if limit <= 0 {
		return 0, 0, nil
	}
	index, records := tx.Bucket(sw.index), tx.Bucket(sw.records)
	cutoff := expiryStamp(now)
	var due [][]byte
	c := index.Cursor()
	for k, _ := c.First(); k != nil && len(due) < limit; k, _ = c.Next() {
		if len(k) < 8 || binary.BigEndian.Uint64(k) > cutoff {
			break
		}
		due = append(due, append([]byte(nil), k...))
	}
	for _, k := range due {
		key := k[8:]
		if v := records.Get(key); v != nil && sw.expired(v, now) {
			if sw.drop != nil {
				if err := sw.drop(tx, v); err != nil {
					return 0, 0, fmt.Errorf("sweep %s: %w", sw.records, err)
				}
			}
			if err := records.Delete(key); err != nil {
				return 0, 0, fmt.Errorf("sweep %s: %w", sw.records, err)
			}
			removed++
		}
		if err := index.Delete(k); err != nil {
			return 0, 0, fmt.Errorf("sweep %s: %w", sw.index, err)
		}
	}
	return len(due), removed, nil
}

// sweepLoop sweeps every interval until ctx ends.
func (s *Store) sweepLoop(ctx context.Context, interval time.Duration) {
	defer close(s.swept)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
				s.opts.Logger.Error("sweep expired records", "component", "store", "err", err)
			}
		}
	}
}
