package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// PutMedia stores sealed bytes under id with PX ttl (mediaScript).
func (s *Store) PutMedia(ctx context.Context, id string, sealed []byte, ttl time.Duration) error {
	if err := s.check(ctx); err != nil {
		return fmt.Errorf("put media: %w", err)
	}
	if id == "" || ttl < time.Millisecond {
		return errors.New("put media: no id or positive ttl")
	}
	if _, err := s.run(ctx, mediaScript, []string{s.keys.media(id)}, []any{sealed, ttl.Milliseconds()}); err != nil {
		return fmt.Errorf("put media: %w", err)
	}
	return nil
}

// GetMedia returns the bytes under id, or persistence.ErrNotFound once
// Redis has expired them.
func (s *Store) GetMedia(ctx context.Context, id string) ([]byte, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("get media: %w", err)
	}
	v, err := s.client.Get(ctx, s.keys.media(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("get media: %w", persistence.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get media: %w", err)
	}
	return v, nil
}
