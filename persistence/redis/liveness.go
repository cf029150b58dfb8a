package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var _ persistence.Liveness = (*Store)(nil)

// Beat sets the holder's beat key, <p>b:<holder>, with PX ttl: while it
// lives, claimEntryScript refuses other holders the holder's live leases.
// It goes straight to Redis, not through the group writer, so a queue of
// commits never delays it.
func (s *Store) Beat(ctx context.Context, holder string, ttl time.Duration) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("beat: %w", err)
	}
	if err := persistence.ValidateBeat(holder, ttl); err != nil {
		return fmt.Errorf("beat: %w", err)
	}
	if err := s.client.Set(ctx, s.keys.beat(holder), "1", ttl).Err(); err != nil {
		return fmt.Errorf("beat: %w", err)
	}
	return nil
}

// Retire deletes the holder's beat key.
func (s *Store) Retire(ctx context.Context, holder string) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("retire lease holder: %w", err)
	}
	if holder == "" {
		return errors.New("retire lease holder: no holder")
	}
	if err := s.client.Del(ctx, s.keys.beat(holder)).Err(); err != nil {
		return fmt.Errorf("retire lease holder: %w", err)
	}
	return nil
}
