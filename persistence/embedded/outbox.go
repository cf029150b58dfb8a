package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Enqueue adds entries outside a conversation turn; ids the sender already
// has are left as they are.
func (s *Store) Enqueue(ctx context.Context, entries ...persistence.OutboxEntry) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if err := persistence.ValidateEntries(entries); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	if err := s.batch(ctx, func(tx *bolt.Tx) error { return s.putEntries(tx, entries) }); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	return nil
}

// Pending returns up to limit of sender's pending entries in id order.
func (s *Store) Pending(ctx context.Context, sender string, limit int) ([]persistence.OutboxEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pending: %w", err)
	}
	if limit < 1 {
		return nil, fmt.Errorf("pending: limit %d is not positive", limit)
	}
	var out []persistence.OutboxEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		entries := tx.Bucket(bucketOutbox)
		prefix := pairPrefix(sender)
		c := tx.Bucket(bucketPending).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, _ = c.Next() {
			v := entries.Get(k)
			if v == nil {
				return errors.New("pending index names a missing entry")
			}
			rec, err := decodeEntry(v)
			if err != nil {
				return fmt.Errorf("outbox entry: %w", err)
			}
			out = append(out, s.visible(rec))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pending: %w", err)
	}
	return out, nil
}

// Entry returns one entry; sent and failed entries past retention are gone.
func (s *Store) Entry(ctx context.Context, sender, id string) (persistence.OutboxEntry, error) {
	if err := ctx.Err(); err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("outbox entry: %w", err)
	}
	now := s.now()
	var out persistence.OutboxEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketOutbox).Get(pairKey(sender, id))
		if v == nil {
			return persistence.ErrNotFound
		}
		rec, err := decodeEntry(v)
		if err != nil {
			return err
		}
		if !live(rec.expiresAt, now) {
			return persistence.ErrNotFound
		}
		out = s.visible(rec)
		return nil
	})
	if err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("outbox entry: %w", err)
	}
	return out, nil
}

// MarkSent records the provider's id and takes the entry out of the
// pending set.
func (s *Store) MarkSent(ctx context.Context, sender, id, providerID string, at time.Time) error {
	err := s.updateEntry(ctx, sender, id, func(rec *entryRecord) bool {
		rec.State = persistence.OutboxSent
		rec.ProviderID = providerID
		rec.UpdatedAt = at
		return true
	}, func(tx *bolt.Tx, key []byte, rec entryRecord) error {
		return putProviderID(tx, providerID, key, rec.expiresAt)
	})
	if err != nil {
		return fmt.Errorf("mark sent: %w", err)
	}
	return nil
}

// MarkFailed counts a failed attempt; a final one takes the entry out of
// the pending set.
func (s *Store) MarkFailed(ctx context.Context, sender, id, reason string, final bool, at time.Time) error {
	err := s.updateEntry(ctx, sender, id, func(rec *entryRecord) bool {
		rec.Attempts++
		rec.LastError = reason
		rec.UpdatedAt = at
		if final {
			rec.State = persistence.OutboxFailed
		}
		return final
	}, nil)
	if err != nil {
		return fmt.Errorf("mark failed: %w", err)
	}
	return nil
}

// updateEntry applies change to a stored entry in a batched transaction.
// When change reports done, the entry leaves the pending set and starts
// its retention; then after, when set, runs in the same transaction with
// the updated record.
func (s *Store) updateEntry(ctx context.Context, sender, id string, change func(*entryRecord) (done bool),
	after func(tx *bolt.Tx, key []byte, rec entryRecord) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	key := pairKey(sender, id)
	now := s.now()
	var missing bool
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		missing = false
		entries := tx.Bucket(bucketOutbox)
		v := entries.Get(key)
		if v == nil {
			missing = true
			return nil
		}
		rec, err := decodeEntry(v)
		if err != nil {
			return fmt.Errorf("outbox entry: %w", err)
		}
		if !live(rec.expiresAt, now) {
			missing = true
			return nil
		}
		if change(&rec) {
			if err := markDone(tx, key, &rec, now.Add(s.opts.Retention)); err != nil {
				return err
			}
			if after != nil {
				if err := after(tx, key, rec); err != nil {
					return err
				}
			}
		}
		return entries.Put(key, encodeEntry(rec))
	})
	if err != nil {
		return err
	}
	if missing {
		return persistence.ErrNotFound
	}
	return nil
}

// markDone removes a finished entry from the pending set and (re)sets its
// expiry and sweep index entry.
func markDone(tx *bolt.Tx, key []byte, rec *entryRecord, expiresAt time.Time) error {
	if err := tx.Bucket(bucketPending).Delete(key); err != nil {
		return fmt.Errorf("pending index: %w", err)
	}
	index := tx.Bucket(bucketOutboxExpiry)
	if !rec.expiresAt.IsZero() {
		if err := index.Delete(expiryKey(rec.expiresAt, key)); err != nil {
			return fmt.Errorf("outbox index: %w", err)
		}
	}
	rec.expiresAt = expiresAt
	if err := index.Put(expiryKey(expiresAt, key), empty); err != nil {
		return fmt.Errorf("outbox index: %w", err)
	}
	return nil
}

// putEntries stores new entries as pending, with the lease they carry;
// ids already stored for their sender are skipped, which makes retried
// enqueues harmless.
func (s *Store) putEntries(tx *bolt.Tx, entries []persistence.OutboxEntry) error {
	outbox, pending := tx.Bucket(bucketOutbox), tx.Bucket(bucketPending)
	for _, e := range entries {
		key := pairKey(e.Sender, e.ID)
		if outbox.Get(key) != nil {
			continue
		}
		e.State = persistence.OutboxPending
		rec := entryRecord{OutboxEntry: e}
		if e.Holder != "" {
			rec.leaseRun = s.run
		}
		if err := outbox.Put(key, encodeEntry(rec)); err != nil {
			return fmt.Errorf("outbox entry: %w", err)
		}
		if err := pending.Put(key, empty); err != nil {
			return fmt.Errorf("pending index: %w", err)
		}
	}
	return nil
}
