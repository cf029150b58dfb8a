package embedded

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Seen reports whether a commit carried messageSid within DedupeTTL.
func (s *Store) Seen(ctx context.Context, messageSid string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("seen: %w", err)
	}
	now := expiryStamp(s.now())
	var seen bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketSids).Get([]byte(messageSid)); v != nil {
			seen = now < sidExpiresAt(v)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("seen: %w", err)
	}
	return seen, nil
}

// putSids marks sids seen until expiresAt, moving their sweep index
// entries when a sid is marked again.
func putSids(tx *bolt.Tx, sids []string, expiresAt time.Time) error {
	bucket, index := tx.Bucket(bucketSids), tx.Bucket(bucketSidExpiry)
	for _, sid := range sids {
		key := []byte(sid)
		if old := bucket.Get(key); len(old) == 8 {
			if err := index.Delete(append(append([]byte(nil), old...), key...)); err != nil {
				return fmt.Errorf("sid index: %w", err)
			}
		}
		if err := bucket.Put(key, sidValue(expiresAt)); err != nil {
			return fmt.Errorf("sid: %w", err)
		}
		if err := index.Put(expiryKey(expiresAt, key), empty); err != nil {
			return fmt.Errorf("sid index: %w", err)
		}
	}
	return nil
}
