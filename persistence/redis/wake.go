package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Wakes lists live wake marks: members of the wake set whose expiry score
// has not passed and whose address has not expired. Expired members are
// removed first.
func (s *Store) Wakes(ctx context.Context, limit int) ([]persistence.Wake, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("wakes: %w", err)
	}
	if limit < 1 {
		return nil, fmt.Errorf("wakes: limit %d is not positive", limit)
	}
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	if err := s.client.ZRemRangeByScore(ctx, s.keys.wakes(), "-inf", now).Err(); err != nil {
		return nil, fmt.Errorf("wakes: drop expired: %w", err)
	}
	convs, err := s.client.ZRange(ctx, s.keys.wakes(), 0, int64(limit-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("wakes: list: %w", err)
	}
	if len(convs) == 0 {
		return nil, nil
	}
	addrKeys := make([]string, len(convs))
	for i, c := range convs {
		addrKeys[i] = s.keys.wakeData(c)
	}
	vals, err := s.client.MGet(ctx, addrKeys...).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("wakes: read addresses: %w", err)
	}
	out := make([]persistence.Wake, 0, len(convs))
	for i, v := range vals {
		if str, ok := v.(string); ok {
			out = append(out, persistence.Wake{Key: convs[i], Data: []byte(str)})
		}
	}
	return out, nil
}
