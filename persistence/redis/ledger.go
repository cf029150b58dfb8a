package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Seen reports whether a commit carried messageSid within DedupeTTL.
func (s *Store) Seen(ctx context.Context, messageSid string) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, fmt.Errorf("seen: %w", err)
	}
	n, err := s.client.Exists(ctx, s.keys.sid(messageSid)).Result()
	if err != nil {
		return false, fmt.Errorf("seen: %w", err)
	}
	return n == 1, nil
}

// OptedOut reports the latest consent change of subject at hospital;
// without one, the subject is not opted out. The hospital's ledger stream
// keeps every change; this reads only the latest.
func (s *Store) OptedOut(ctx context.Context, hospital, subject string) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, fmt.Errorf("opted out: %w", err)
	}
	v, err := s.client.HGet(ctx, s.keys.consent(hospital), subject).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("opted out: %w", err)
	}
	if v == "" {
		return false, fmt.Errorf("opted out: %w", errCorrupt)
	}
	return v[0] == '1', nil
}
