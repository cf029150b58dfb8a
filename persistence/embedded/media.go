package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// PutMedia stores sealed bytes under id until ttl has passed on the
// store's clock. The value is the expiry (8 bytes) then the bytes.
func (s *Store) PutMedia(ctx context.Context, id string, sealed []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put media: %w", err)
	}
	if id == "" || ttl < time.Millisecond {
		return errors.New("put media: no id or positive ttl")
	}
	expiresAt := s.now().Add(ttl)
	key := []byte(id)
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		b, index := tx.Bucket(bucketMedia), tx.Bucket(bucketMediaExpiry)
		if old := b.Get(key); len(old) >= 8 {
			if err := index.Delete(append(bytes.Clone(old[:8]), key...)); err != nil {
				return fmt.Errorf("media index: %w", err)
			}
		}
		if err := b.Put(key, stampValue(expiresAt, sealed)); err != nil {
			return fmt.Errorf("media: %w", err)
		}
		if err := index.Put(expiryKey(expiresAt, key), empty); err != nil {
			return fmt.Errorf("media index: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put media: %w", err)
	}
	return nil
}

// GetMedia returns a copy of the live bytes under id, or
// persistence.ErrNotFound.
func (s *Store) GetMedia(ctx context.Context, id string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("get media: %w", err)
	}
	if id == "" {
		return nil, fmt.Errorf("get media: %w", persistence.ErrNotFound)
	}
	now := expiryStamp(s.now())
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketMedia).Get([]byte(id))
		if v == nil || stampExpires(v) <= now {
			return persistence.ErrNotFound
		}
		out = bytes.Clone(v[8:])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get media: %w", err)
	}
	return out, nil
}
