package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// RecordStatus follows the provider id's index key to the entry and keeps
// the status of highest rank there (statusScript).
func (s *Store) RecordStatus(ctx context.Context, providerID string, st persistence.DeliveryStatus) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("record status: %w", err)
	}
	if st.Status == "" {
		return errors.New("record status: empty status")
	}
	sender, id, err := s.providerEntry(ctx, providerID)
	if err != nil {
		return fmt.Errorf("record status: %w", err)
	}
	keys := []string{s.keys.entry(sender, id)}
	args := []any{st.Status, persistence.StatusRank(st.Status), st.ErrorCode, formatTime(st.At)}
	reply, err := s.run(ctx, statusScript, keys, args)
	if err != nil {
		return fmt.Errorf("record status: %w", err)
	}
	if n, _ := reply.(int64); n == 0 {
		return fmt.Errorf("record status: %w", persistence.ErrNotFound)
	}
	return nil
}

// EntryByProviderID returns the entry MarkSent gave providerID.
func (s *Store) EntryByProviderID(ctx context.Context, providerID string) (persistence.OutboxEntry, error) {
	if err := s.check(ctx); err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("entry by provider id: %w", err)
	}
	sender, id, err := s.providerEntry(ctx, providerID)
	if err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("entry by provider id: %w", err)
	}
	e, err := s.Entry(ctx, sender, id)
	if err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("entry by provider id: %w", err)
	}
	return e, nil
}

// providerEntry reads the provider id's index key: the sender and id of
// its entry, or persistence.ErrNotFound.
func (s *Store) providerEntry(ctx context.Context, providerID string) (sender, id string, err error) {
	if providerID == "" {
		return "", "", persistence.ErrNotFound
	}
	v, err := s.client.Get(ctx, s.keys.provider(providerID)).Result()
	if errors.Is(err, redis.Nil) {
		return "", "", persistence.ErrNotFound
	}
	if err != nil {
		return "", "", err
	}
	sender, id, ok := splitPair(v)
	if !ok {
		return "", "", errCorrupt
	}
	return sender, id, nil
}

// LastInbound reads the inbound key: the latest time subject wrote to
// sender, or the zero time once expired.
func (s *Store) LastInbound(ctx context.Context, sender, subject string) (time.Time, error) {
	if err := s.check(ctx); err != nil {
		return time.Time{}, fmt.Errorf("last inbound: %w", err)
	}
	v, err := s.client.Get(ctx, s.keys.inbound(sender, subject)).Result()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("last inbound: %w", err)
	}
	at, err := parseFixedTime(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("last inbound: %w", err)
	}
	return at, nil
}
