package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// PutReminder creates or replaces a scheduled reminder with one script run
// (putReminderScript).
func (s *Store) PutReminder(ctx context.Context, r persistence.Reminder) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("put reminder: %w", err)
	}
	if err := r.Validate(); err != nil {
		return fmt.Errorf("put reminder: %w", err)
	}
	now := s.opts.Now()
	created := r.CreatedAt
	if created.IsZero() {
		created = now
	}
	keys := []string{s.keys.reminder(r.Hospital, r.ID), s.keys.due()}
	args := []any{s.keys.prefix, r.Hospital, r.ID, reminderRef(r.Hospital, r.ID), r.Subject, r.Kind,
		fixedTime(r.Due), dueScore(r.Due), r.Payload, formatTime(created), formatTime(now)}
	reply, err := s.run(ctx, putReminderScript, keys, args)
	if err != nil {
		return fmt.Errorf("put reminder: %w", err)
	}
	switch reply {
	case "ok":
		return nil
	case "conflict":
		return fmt.Errorf("put reminder: already fired or cancelled: %w", persistence.ErrConflict)
	}
	return errors.New("put reminder: unexpected answer from redis")
}

// GetReminder reads one reminder's hash; an expired one is gone.
func (s *Store) GetReminder(ctx context.Context, hospital, id string) (persistence.Reminder, error) {
	if err := s.check(ctx); err != nil {
		return persistence.Reminder{}, fmt.Errorf("get reminder: %w", err)
	}
	vals, err := s.client.HMGet(ctx, s.keys.reminder(hospital, id), reminderFields...).Result()
	if err != nil {
		return persistence.Reminder{}, fmt.Errorf("get reminder: %w", err)
	}
	r, found, err := decodeReminder(hospital, id, vals)
	if err != nil {
		return persistence.Reminder{}, fmt.Errorf("get reminder: %w", err)
	}
	if !found {
		return persistence.Reminder{}, fmt.Errorf("get reminder: %w", persistence.ErrNotFound)
	}
	return r, nil
}

// listChunk bounds the members one ZRANGE of a listing reads.
const listChunk = 256

// ListReminders walks the hospital's (or the subject's) listing zset by
// lex range from the cursor's member, reading the hashes in pipelines.
// Members whose hash is gone or has moved to another due time (stale
// until the gone set is trimmed) are skipped.
func (s *Store) ListReminders(ctx context.Context, q persistence.ReminderQuery) ([]persistence.Reminder, string, error) {
	if err := s.check(ctx); err != nil {
		return nil, "", fmt.Errorf("list reminders: %w", err)
	}
	if err := q.Validate(); err != nil {
		return nil, "", fmt.Errorf("list reminders: %w", err)
	}
	key := s.keys.hospitalList(q.Hospital)
	if q.Subject != "" {
		key = s.keys.subjectList(q.Hospital, q.Subject)
	}
	from := "-"
	if q.Cursor != "" {
		member, err := decodeCursor(q.Cursor)
		if err != nil {
			return nil, "", fmt.Errorf("list reminders: %w", err)
		}
		from = "(" + member
	}
	chunk := int64(min(q.Limit+1, listChunk))
	var out []persistence.Reminder
	var members []string
	for len(out) <= q.Limit {
		batch, err := s.client.ZRangeByLex(ctx, key, &redis.ZRangeBy{Min: from, Max: "+", Count: chunk}).Result()
		if err != nil {
			return nil, "", fmt.Errorf("list reminders: %w", err)
		}
		if len(batch) == 0 {
			break
		}
		found, err := s.listed(ctx, q, batch)
		if err != nil {
			return nil, "", fmt.Errorf("list reminders: %w", err)
		}
		for i, r := range found {
			if r == nil {
				continue
			}
			out, members = append(out, *r), append(members, batch[i])
			if len(out) > q.Limit {
				break
			}
		}
		if int64(len(batch)) < chunk {
			break
		}
		from = "(" + batch[len(batch)-1]
	}
	if len(out) <= q.Limit {
		return out, "", nil
	}
	return out[:q.Limit], encodeCursor(members[q.Limit-1]), nil
}

// listed reads the reminders that listing members name, nil for a member
// that is stale or filtered out by q.
func (s *Store) listed(ctx context.Context, q persistence.ReminderQuery, members []string) ([]*persistence.Reminder, error) {
	cmds := make([]*redis.SliceCmd, len(members))
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, m := range members {
			if len(m) > fixedTimeWidth {
				cmds[i] = p.HMGet(ctx, s.keys.reminder(q.Hospital, m[fixedTimeWidth+1:]), reminderFields...)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*persistence.Reminder, len(members))
	for i, m := range members {
		if cmds[i] == nil {
			continue
		}
		vals := cmds[i].Val()
		r, found, err := decodeReminder(q.Hospital, m[fixedTimeWidth+1:], vals)
		if err != nil {
			return nil, err
		}
		switch {
		case !found, vals[2] != m[:fixedTimeWidth]: // stale member
		case q.Subject != "" && r.Subject != q.Subject:
		case q.State != "" && r.State != q.State:
		default:
			out[i] = &r
		}
	}
	return out, nil
}

// CancelReminder cancels a scheduled reminder (cancelReminderScript).
func (s *Store) CancelReminder(ctx context.Context, hospital, id string, at time.Time) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("cancel reminder: %w", err)
	}
	keys := []string{s.keys.reminder(hospital, id), s.keys.due(), s.keys.gone()}
	args := []any{hospital, id, reminderRef(hospital, id), formatTime(at), s.opts.Retention.Milliseconds(), time.Now().UnixMilli()}
	reply, err := s.run(ctx, cancelReminderScript, keys, args)
	if err != nil {
		return fmt.Errorf("cancel reminder: %w", err)
	}
	return reminderAnswer("cancel reminder", "already fired", reply)
}

// reminderAnswer maps a reminder script's reply ("ok", "missing",
// "conflict") to the error of the operation what; conflict says why a
// conflict is one.
func reminderAnswer(what, conflict string, reply any) error {
	switch reply {
	case "ok":
		return nil
	case "missing":
		return fmt.Errorf("%s: %w", what, persistence.ErrNotFound)
	case "conflict":
		return fmt.Errorf("%s: %s: %w", what, conflict, persistence.ErrConflict)
	}
	return fmt.Errorf("%s: unexpected answer from redis", what)
}
