package embedded

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Remember stores rec unless a live record has its (Hospital, Key), in one
// transaction of the group writer, so concurrent first calls agree.
func (s *Store) Remember(ctx context.Context, rec persistence.IdempotencyRecord, ttl time.Duration) (persistence.IdempotencyRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return persistence.IdempotencyRecord{}, false, fmt.Errorf("remember request: %w", err)
	}
	if rec.Hospital == "" || rec.Key == "" || ttl < time.Millisecond {
		return persistence.IdempotencyRecord{}, false, errors.New("remember request: no hospital, key or positive ttl")
	}
	now := s.now()
	key := pairKey(rec.Hospital, rec.Key)
	var stored persistence.IdempotencyRecord
	var existed bool
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		b, index := tx.Bucket(bucketIdempotency), tx.Bucket(bucketIdemExpiry)
		stored, existed = rec, false
		if v := b.Get(key); v != nil {
			old, err := decodeIdem(v)
			if err != nil {
				return fmt.Errorf("idempotency record: %w", err)
			}
			if live(old.expiresAt, now) {
				stored, existed = old.IdempotencyRecord, true
				return nil
			}
			if err := index.Delete(expiryKey(old.expiresAt, key)); err != nil {
				return fmt.Errorf("idempotency index: %w", err)
			}
		}
		expiresAt := now.Add(ttl)
		if err := b.Put(key, encodeIdem(idemRecord{IdempotencyRecord: rec, expiresAt: expiresAt})); err != nil {
			return fmt.Errorf("idempotency record: %w", err)
		}
		if err := index.Put(expiryKey(expiresAt, key), empty); err != nil {
			return fmt.Errorf("idempotency index: %w", err)
		}
		return nil
	})
	if err != nil {
		return persistence.IdempotencyRecord{}, false, fmt.Errorf("remember request: %w", err)
	}
	return stored, existed, nil
}
