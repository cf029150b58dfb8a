package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// ClaimDue leases due reminders with one script run (claimScript), which
// also trims the gone set a little.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, limit int, holder string, lease time.Duration) ([]persistence.Reminder, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	if err := persistence.ValidateClaim(limit, holder, lease); err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	nowMs := now.UnixMilli()
	leaseMs := max(lease.Milliseconds(), 1)
	keys := []string{s.keys.due(), s.keys.gone()}
	args := []any{s.keys.prefix, nowMs, limit, holder, nowMs + leaseMs, time.Now().UnixMilli()}
	reply, err := s.run(ctx, claimScript, keys, args)
	if err != nil {
		return nil, fmt.Errorf("claim reminders: %w", err)
	}
	items, ok := reply.([]any)
	if !ok || len(items)%2 != 0 {
		return nil, errors.New("claim reminders: unexpected answer from redis")
	}
	out := make([]persistence.Reminder, 0, len(items)/2)
	for i := 0; i < len(items); i += 2 {
		ref, _ := items[i].(string)
		vals, _ := items[i+1].([]any)
		hospital, id, ok := splitPair(ref)
		if !ok {
			return nil, fmt.Errorf("claim reminders: %w", errCorrupt)
		}
		r, found, err := decodeReminder(hospital, id, vals)
		if err != nil || !found {
			return nil, fmt.Errorf("claim reminders: %w", errCorrupt)
		}
		out = append(out, r)
	}
	return out, nil
}

// FireReminder completes a claimed reminder and enqueues its entries with
// one script run (fireScript).
func (s *Store) FireReminder(ctx context.Context, f persistence.Firing) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("fire reminder: %w", err)
	}
	if err := f.Validate(); err != nil {
		return fmt.Errorf("fire reminder: %w", err)
	}
	next, nextScore := "", int64(0)
	if !f.Next.IsZero() {
		next, nextScore = fixedTime(f.Next), dueScore(f.Next)
	}
	keys := []string{s.keys.reminder(f.Hospital, f.ID), s.keys.due(), s.keys.gone()}
	args := []any{s.keys.prefix, f.Hospital, f.ID, reminderRef(f.Hospital, f.ID), f.Holder, next, nextScore,
		formatTime(f.At), s.opts.Retention.Milliseconds(), len(f.Outbox), time.Now().UnixMilli()}
	keys, args = s.appendEntries(keys, args, f.Outbox)
	reply, err := s.run(ctx, fireScript, keys, args)
	if err != nil {
		return fmt.Errorf("fire reminder: %w", err)
	}
	return reminderAnswer("fire reminder", "lease lost", reply)
}

// NextDue reads the lowest score of the due set.
func (s *Store) NextDue(ctx context.Context) (time.Time, error) {
	if err := s.check(ctx); err != nil {
		return time.Time{}, fmt.Errorf("next due reminder: %w", err)
	}
	first, err := s.client.ZRangeWithScores(ctx, s.keys.due(), 0, 0).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return time.Time{}, fmt.Errorf("next due reminder: %w", err)
	}
	if len(first) == 0 {
		return time.Time{}, nil
	}
	// Scores are whole milliseconds, far below 2^53: exact in a float64.
	return time.UnixMilli(int64(first[0].Score)).UTC(), nil
}
