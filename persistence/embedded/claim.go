package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// ClaimDue leases the earliest claimable reminders in one transaction:
// the due index is ordered by claim time, so the claimable ones are its
// first keys, and a claim moves each to its lease end.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, limit int, holder string, lease time.Duration) ([]persistence.Reminder, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	if err := persistence.ValidateClaim(limit, holder, lease); err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	cutoff := expiryStamp(now)
	var out []persistence.Reminder
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		out = out[:0]
		index := tx.Bucket(bucketReminderDue)
		var due [][]byte
		c := index.Cursor()
		for k, _ := c.First(); k != nil && len(due) < limit; k, _ = c.Next() {
			if len(k) < 8 || binary.BigEndian.Uint64(k) > cutoff {
				break
			}
			due = append(due, bytes.Clone(k)) // a cursor may skip keys after writes
		}
		for _, k := range due {
			key := k[8:]
			rec, found, err := getReminder(tx, key)
			if err != nil {
				return err
			}
			if !found || rec.State != persistence.ReminderScheduled {
				if err := index.Delete(k); err != nil { // a stale entry: drop it
					return fmt.Errorf("reminder index: %w", err)
				}
				continue
			}
			next := rec
			next.holder, next.leasedUntil = holder, now.Add(lease)
			if err := saveReminder(tx, key, &rec, next); err != nil {
				return err
			}
			out = append(out, next.Reminder)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	return out, nil
}

// FireReminder completes a claimed reminder with its outbox entries in one
// transaction (see persistence.Reminders).
func (s *Store) FireReminder(ctx context.Context, f persistence.Firing) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("fire reminder: %w", err)
	}
	if err := f.Validate(); err != nil {
		return fmt.Errorf("fire reminder: %w", err)
	}
	now := s.now()
	key := pairKey(f.Hospital, f.ID)
	var missing, conflict bool
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		missing, conflict = false, false
		rec, found, err := getReminder(tx, key)
		if err != nil {
			return err
		}
		if !found || !live(rec.expiresAt, now) {
			missing = true
			return nil
		}
		if rec.State != persistence.ReminderScheduled || rec.holder != f.Holder {
			conflict = true
			return nil
		}
		if err := s.putEntries(tx, f.Outbox); err != nil {
			return err
		}
		next := rec
		next.holder, next.leasedUntil = "", time.Time{}
		next.UpdatedAt = f.At
		if len(f.Outbox) > 0 {
			next.Fired++
		}
		if f.Next.IsZero() {
			next.State = persistence.ReminderFired
			next.expiresAt = now.Add(s.opts.Retention)
		} else {
			next.Due = f.Next
		}
		return saveReminder(tx, key, &rec, next)
	})
	switch {
	case err != nil:
		return fmt.Errorf("fire reminder: %w", err)
	case missing:
		return fmt.Errorf("fire reminder: %w", persistence.ErrNotFound)
	case conflict:
		return fmt.Errorf("fire reminder: lease lost: %w", persistence.ErrConflict)
	}
	return nil
}

// NextDue reads the first key of the due index: the earliest claim time.
func (s *Store) NextDue(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, fmt.Errorf("next due reminder: %w", err)
	}
	var next time.Time
	err := s.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketReminderDue).Cursor().First()
		if k == nil {
			return nil
		}
		if len(k) < 8 {
			return errCorrupt
		}
		next = time.Unix(0, int64(binary.BigEndian.Uint64(k))).UTC()
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("next due reminder: %w", err)
	}
	return next, nil
}
