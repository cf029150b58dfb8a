package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// GetMeta returns the value stored under name, or persistence.ErrNotFound.
func (s *Store) GetMeta(ctx context.Context, name string) ([]byte, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("get meta: %w", err)
	}
	v, err := s.client.Get(ctx, s.keys.meta(name)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("get meta: %w", persistence.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get meta: %w", err)
	}
	return v, nil
}

// PutMeta stores value under name (see persistence.Meta): SET, or SET NX
// followed by GET of whichever value won.
func (s *Store) PutMeta(ctx context.Context, name string, value []byte, replace bool) ([]byte, error) {
	if err := s.check(ctx); err != nil {
		return nil, fmt.Errorf("put meta: %w", err)
	}
	key := s.keys.meta(name)
	if replace {
		if err := s.client.Set(ctx, key, value, 0).Err(); err != nil {
			return nil, fmt.Errorf("put meta: %w", err)
		}
		return value, nil
	}
	if err := s.client.SetNX(ctx, key, value, 0).Err(); err != nil {
		return nil, fmt.Errorf("put meta: %w", err)
	}
	v, err := s.client.Get(ctx, key).Bytes()
	if err != nil {
		return nil, fmt.Errorf("put meta: read back: %w", err)
	}
	return v, nil
}
