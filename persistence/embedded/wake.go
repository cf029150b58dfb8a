package embedded

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// putWake sets (data non-nil) or clears a conversation's wake mark. The
// value is the mark's expiry (8 bytes, big-endian nanoseconds) and data.
func putWake(tx *bolt.Tx, key, data []byte, expiresAt time.Time) error {
	b := tx.Bucket(bucketWakes)
	if data == nil {
		if err := b.Delete(key); err != nil {
			return fmt.Errorf("wake mark: %w", err)
		}
		return nil
	}
	v := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(data)), expiryStamp(expiresAt))
	if err := b.Put(key, append(v, data...)); err != nil {
		return fmt.Errorf("wake mark: %w", err)
	}
	return nil
}

// Wakes lists live wake marks. Only conversations waiting for an answer
// have one, so the bucket stays small; an expired mark is skipped here and
// removed by the conversation's next commit.
func (s *Store) Wakes(ctx context.Context, limit int) ([]persistence.Wake, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("wakes: %w", err)
	}
	if limit < 1 {
		return nil, fmt.Errorf("wakes: limit %d is not positive", limit)
	}
	now := expiryStamp(s.now())
	var out []persistence.Wake
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketWakes).Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			if len(v) < 8 {
				return errors.New("malformed wake mark")
			}
			if binary.BigEndian.Uint64(v[:8]) <= now {
				continue
			}
			out = append(out, persistence.Wake{Key: string(k), Data: append([]byte(nil), v[8:]...)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("wakes: %w", err)
	}
	return out, nil
}
