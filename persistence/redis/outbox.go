package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Enqueue adds entries outside a conversation turn; ids the sender already
// has are left as they are.
func (s *Store) Enqueue(ctx context.Context, entries ...persistence.OutboxEntry) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if err := persistence.ValidateEntries(entries); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	keys, args := s.appendEntries(nil, []any{len(entries)}, entries)
	if _, err := s.run(ctx, enqueueScript, keys, args); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	return nil
}

// appendEntries adds each entry's keys (entry hash, pending set) and
// arguments (id, lane, payload, created, lease holder, lease end) in
// putEntriesLua's layout.
func (s *Store) appendEntries(keys []string, args []any, entries []persistence.OutboxEntry) ([]string, []any) {
	for _, e := range entries {
		keys = append(keys, s.keys.entry(e.Sender, e.ID), s.keys.pending(e.Sender))
		args = append(args, e.ID, e.Lane, e.Payload, formatTime(e.CreatedAt), e.Holder, fixedTime(e.LeasedUntil))
	}
	return keys, args
}

// Pending returns up to limit of sender's pending entries in id order.
func (s *Store) Pending(ctx context.Context, sender string, limit int) ([]persistence.OutboxEntry, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("pending: %w", err)
	}
	if limit < 1 {
		return nil, fmt.Errorf("pending: limit %d is not positive", limit)
	}
	ids, err := s.client.ZRange(ctx, s.keys.pending(sender), 0, int64(limit-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("pending: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, s.keys.entry(sender, id))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pending: %w", err)
	}
	out := make([]persistence.OutboxEntry, 0, len(ids))
	for i, id := range ids {
		h := cmds[i].Val()
		if len(h) == 0 {
			// Marks remove an entry from the set before it can expire, so
			// a missing entry means keys were evicted or deleted.
			return nil, errors.New("pending: pending set names a missing entry")
		}
		e, err := decodeEntry(sender, id, h)
		if err != nil {
			return nil, fmt.Errorf("pending: %w", err)
		}
		if e.State != persistence.OutboxPending {
			continue // marked between the two reads
		}
		out = append(out, e)
	}
	return out, nil
}

// Entry returns one entry; sent and failed entries past retention are gone.
func (s *Store) Entry(ctx context.Context, sender, id string) (persistence.OutboxEntry, error) {
	if err := s.check(ctx); err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("outbox entry: %w", err)
	}
	h, err := s.client.HGetAll(ctx, s.keys.entry(sender, id)).Result()
	if err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("outbox entry: %w", err)
	}
	if len(h) == 0 {
		return persistence.OutboxEntry{}, fmt.Errorf("outbox entry: %w", persistence.ErrNotFound)
	}
	e, err := decodeEntry(sender, id, h)
	if err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("outbox entry: %w", err)
	}
	return e, nil
}

// MarkSent records the provider's id and takes the entry out of the
// pending set; it expires after Retention, and the provider id leads to it
// as long.
func (s *Store) MarkSent(ctx context.Context, sender, id, providerID string, at time.Time) error {
	if err := s.mark(ctx, sender, id, "sent", providerID, at); err != nil {
		return fmt.Errorf("mark sent: %w", err)
	}
	return nil
}

// MarkFailed counts a failed attempt; a final one takes the entry out of
// the pending set and it expires after Retention. When the connection
// drops after Redis ran the mark, go-redis may send it again and the
// attempt is counted twice; Attempts is a guide, not a ledger.
func (s *Store) MarkFailed(ctx context.Context, sender, id, reason string, final bool, at time.Time) error {
	mode := "retry"
	if final {
		mode = "failed"
	}
	if err := s.mark(ctx, sender, id, mode, reason, at); err != nil {
		return fmt.Errorf("mark failed: %w", err)
	}
	return nil
}

// mark runs markScript; see there for the modes.
func (s *Store) mark(ctx context.Context, sender, id, mode, detail string, at time.Time) error {
	keys := []string{s.keys.entry(sender, id), s.keys.pending(sender)}
	args := []any{id, mode, detail, formatTime(at), s.opts.Retention.Milliseconds(), pair(sender, id)}
	if mode == "sent" {
		keys = append(keys, s.keys.provider(detail))
	}
	run := s.run
	if mode == "sent" {
		run = s.runLazy // the hot path: rides with the next pipeline
	}
	reply, err := run(ctx, markScript, keys, args)
	if err != nil {
		return err
	}
	if n, _ := reply.(int64); n == 0 {
		return persistence.ErrNotFound
	}
	return nil
}
