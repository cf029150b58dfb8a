package embedded

import (
	"bytes"
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// GetMeta returns the value stored under name, or persistence.ErrNotFound.
func (s *Store) GetMeta(ctx context.Context, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("get meta: %w", err)
	}
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketMeta).Get([]byte(name))
		if v == nil {
			return persistence.ErrNotFound
		}
		out = bytes.Clone(v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get meta: %w", err)
	}
	return out, nil
}

// PutMeta stores value under name (see persistence.Meta).
func (s *Store) PutMeta(ctx context.Context, name string, value []byte, replace bool) ([]byte, error) {
	var stored []byte
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta)
		if v := b.Get([]byte(name)); v != nil && !replace {
			stored = bytes.Clone(v)
			return nil
		}
		stored = bytes.Clone(value)
		return b.Put([]byte(name), value)
	})
	if err != nil {
		return nil, fmt.Errorf("put meta: %w", err)
	}
	return stored, nil
}
