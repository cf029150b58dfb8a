package redisstore

import (
	"context"
	"fmt"
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
