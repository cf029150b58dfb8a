package embedded

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// PutReminder creates or replaces a scheduled reminder (see
// persistence.Reminders).
func (s *Store) PutReminder(ctx context.Context, r persistence.Reminder) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put reminder: %w", err)
	}
	if err := r.Validate(); err != nil {
		return fmt.Errorf("put reminder: %w", err)
	}
	now := s.now()
	key := pairKey(r.Hospital, r.ID)
	var conflict bool
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		conflict = false
		old, found, err := getReminder(tx, key)
		if err != nil {
			return err
		}
		rec := reminderRecord{Reminder: r}
		rec.State = persistence.ReminderScheduled
		rec.Fired = 0
		rec.UpdatedAt = now
		if rec.CreatedAt.IsZero() {
			rec.CreatedAt = now
		}
		if !found {
			return saveReminder(tx, key, nil, rec)
		}
		if live(old.expiresAt, now) {
			if old.State != persistence.ReminderScheduled {
				conflict = true
				return nil
			}
			rec.Fired, rec.CreatedAt = old.Fired, old.CreatedAt
		}
		return saveReminder(tx, key, &old, rec)
	})
	if err != nil {
		return fmt.Errorf("put reminder: %w", err)
	}
	if conflict {
		return fmt.Errorf("put reminder: already fired or cancelled: %w", persistence.ErrConflict)
	}
	return nil
}

// GetReminder returns one live reminder, or persistence.ErrNotFound.
func (s *Store) GetReminder(ctx context.Context, hospital, id string) (persistence.Reminder, error) {
	if err := ctx.Err(); err != nil {
		return persistence.Reminder{}, fmt.Errorf("get reminder: %w", err)
	}
	now := s.now()
	var out persistence.Reminder
	err := s.db.View(func(tx *bolt.Tx) error {
		rec, found, err := getReminder(tx, pairKey(hospital, id))
		if err != nil {
			return err
		}
		if !found || !live(rec.expiresAt, now) {
			return persistence.ErrNotFound
		}
		out = rec.Reminder
		return nil
	})
	if err != nil {
		return persistence.Reminder{}, fmt.Errorf("get reminder: %w", err)
	}
	return out, nil
}

// ListReminders pages through a hospital's (or one subject's) reminders in
// due order, walking the listing index from the cursor's position.
func (s *Store) ListReminders(ctx context.Context, q persistence.ReminderQuery) ([]persistence.Reminder, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", fmt.Errorf("list reminders: %w", err)
	}
	if err := q.Validate(); err != nil {
		return nil, "", fmt.Errorf("list reminders: %w", err)
	}
	bucket, prefix := bucketReminderList, pairPrefix(q.Hospital)
	if q.Subject != "" {
		bucket, prefix = bucketReminderSubject, subjectPrefix(q.Hospital, q.Subject)
	}
	start := prefix
	if q.Cursor != "" {
		pos, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, "", fmt.Errorf("list reminders: %w", err)
		}
		start = append(bytes.Clone(prefix), pos...)
	}
	now := s.now()
	var out []persistence.Reminder
	err := s.db.View(func(tx *bolt.Tx) error {
		records := tx.Bucket(bucketReminders)
		c := tx.Bucket(bucket).Cursor()
		k, _ := c.Seek(start)
		if q.Cursor != "" && bytes.Equal(k, start) {
			k, _ = c.Next() // the cursor is the last reminder already listed
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) <= q.Limit; k, _ = c.Next() {
			pos := k[len(prefix):]
			if len(pos) < 8 {
				return errCorrupt
			}
			v := records.Get(pairKey(q.Hospital, string(pos[8:])))
			if v == nil {
				continue
			}
			rec, err := decodeReminder(v)
			if err != nil {
				return fmt.Errorf("reminder: %w", err)
			}
			if !live(rec.expiresAt, now) || (q.State != "" && rec.State != q.State) {
				continue
			}
			out = append(out, rec.Reminder)
		}
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("list reminders: %w", err)
	}
	if len(out) <= q.Limit {
		return out, "", nil
	}
	out = out[:q.Limit]
	return out, encodeCursor(listPos(out[q.Limit-1])), nil
}

// CancelReminder marks a scheduled reminder cancelled and starts its
// retention (see persistence.Reminders).
func (s *Store) CancelReminder(ctx context.Context, hospital, id string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cancel reminder: %w", err)
	}
	now := s.now()
	key := pairKey(hospital, id)
	var missing, conflict bool
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		missing, conflict = false, false
		rec, found, err := getReminder(tx, key)
		if err != nil {
			return err
		}
		switch {
		case !found || !live(rec.expiresAt, now):
			missing = true
			return nil
		case rec.State == persistence.ReminderFired:
			conflict = true
			return nil
		case rec.State != persistence.ReminderScheduled:
			return nil // cancelled already: a retried cancel changes nothing
		}
		next := rec
		next.State = persistence.ReminderCancelled
		next.holder, next.leasedUntil = "", time.Time{}
		next.UpdatedAt = at
		next.expiresAt = now.Add(s.opts.Retention)
		return saveReminder(tx, key, &rec, next)
	})
	switch {
	case err != nil:
		return fmt.Errorf("cancel reminder: %w", err)
	case missing:
		return fmt.Errorf("cancel reminder: %w", persistence.ErrNotFound)
	case conflict:
		return fmt.Errorf("cancel reminder: already fired: %w", persistence.ErrConflict)
	}
	return nil
}
