package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Remember stores rec unless its key holds a record (rememberScript: GET,
// then SET with PX when absent, atomically).
func (s *Store) Remember(ctx context.Context, rec persistence.IdempotencyRecord, ttl time.Duration) (persistence.IdempotencyRecord, bool, error) {
	if err := s.check(ctx); err != nil {
		return persistence.IdempotencyRecord{}, false, fmt.Errorf("remember request: %w", err)
	}
	if rec.Hospital == "" || rec.Key == "" || ttl < time.Millisecond {
		return persistence.IdempotencyRecord{}, false, errors.New("remember request: no hospital, key or positive ttl")
	}
	keys := []string{s.keys.idempotency(rec.Hospital, rec.Key)}
	reply, err := s.run(ctx, rememberScript, keys, []any{encodeIdem(rec), ttl.Milliseconds()})
	if err != nil {
		return persistence.IdempotencyRecord{}, false, fmt.Errorf("remember request: %w", err)
	}
	old, ok := reply.(string)
	if !ok {
		return persistence.IdempotencyRecord{}, false, errors.New("remember request: unexpected answer from redis")
	}
	if old == "" {
		return rec, false, nil
	}
	stored, err := decodeIdem(rec.Hospital, rec.Key, old)
	if err != nil {
		return persistence.IdempotencyRecord{}, false, fmt.Errorf("remember request: %w", err)
	}
	return stored, true, nil
}
