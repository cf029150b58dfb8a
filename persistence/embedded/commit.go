package embedded

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Load returns key's live snapshot, or persistence.ErrNotFound.
func (s *Store) Load(ctx context.Context, key string) (persistence.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return persistence.Snapshot{}, fmt.Errorf("load snapshot: %w", err)
	}
	now := s.now()
	var snap persistence.Snapshot
	err := s.db.View(func(tx *bolt.Tx) error {
		rec, ok, err := liveSnapshot(tx, []byte(key), now)
		if err != nil {
			return err
		}
		if !ok {
			return persistence.ErrNotFound
		}
		snap = persistence.Snapshot{Key: key, Version: rec.version, Data: rec.data, UpdatedAt: rec.updatedAt}
		return nil
	})
	if err != nil {
		return persistence.Snapshot{}, fmt.Errorf("load snapshot: %w", err)
	}
	return snap, nil
}

// Commit writes one conversation turn atomically after checking the
// snapshot version (see persistence.Snapshots and storetest for the rules).
// Concurrent commits share a transaction and its fsync (see batch).
func (s *Store) Commit(ctx context.Context, c persistence.Commit) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	now := s.now()
	var stored uint64
	var conflict bool
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		// The group writer may run this more than once; start from scratch.
		// A conflict is reported through the variable, not as an error,
		// because an error would roll back every commit sharing the batch.
		conflict = false
		key := []byte(c.Key)
		rec, ok, err := liveSnapshot(tx, key, now)
		if err != nil {
			return err
		}
		stored = 0
		if ok {
			stored = rec.version
		}
		if stored != c.ExpectVersion {
			conflict = true
			return nil
		}
		if c.Snapshot.Data != nil {
			next := snapshotRecord{
				version:   c.Snapshot.Version,
				updatedAt: now,
				expiresAt: now.Add(s.opts.Retention),
				data:      c.Snapshot.Data,
			}
			if err := putSnapshot(tx, key, next); err != nil {
				return err
			}
			if err := putWake(tx, key, c.Wake, now.Add(s.opts.WakeTTL)); err != nil {
				return err
			}
		}
		if err := s.putEntries(tx, c.Outbox); err != nil {
			return err
		}
		if err := putSids(tx, c.MessageSids, now.Add(s.opts.DedupeTTL)); err != nil {
			return err
		}
		if err := putInbound(tx, c.Inbound, now, now.Add(s.opts.Retention)); err != nil {
			return err
		}
		return putConsent(tx, c.Consent)
	})
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if conflict {
		return fmt.Errorf("commit: expected version %d, stored %d: %w", c.ExpectVersion, stored, persistence.ErrConflict)
	}
	return nil
}

// liveSnapshot reads key's snapshot; ok is false when there is none or it
// has expired.
func liveSnapshot(tx *bolt.Tx, key []byte, now time.Time) (snapshotRecord, bool, error) {
	v := tx.Bucket(bucketSnapshots).Get(key)
	if v == nil {
		return snapshotRecord{}, false, nil
	}
	rec, err := decodeSnapshot(v)
	if err != nil {
		return snapshotRecord{}, false, fmt.Errorf("snapshot: %w", err)
	}
	return rec, live(rec.expiresAt, now), nil
}

// putSnapshot stores rec under key and moves its sweep index entry.
func putSnapshot(tx *bolt.Tx, key []byte, rec snapshotRecord) error {
	snaps, index := tx.Bucket(bucketSnapshots), tx.Bucket(bucketSnapshotExpiry)
	if old := snaps.Get(key); old != nil {
		if prev, err := decodeSnapshot(old); err == nil {
			if err := index.Delete(expiryKey(prev.expiresAt, key)); err != nil {
				return fmt.Errorf("snapshot index: %w", err)
			}
		}
	}
	if err := snaps.Put(key, encodeSnapshot(rec)); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	if err := index.Put(expiryKey(rec.expiresAt, key), empty); err != nil {
		return fmt.Errorf("snapshot index: %w", err)
	}
	return nil
}
