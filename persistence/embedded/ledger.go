package embedded

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
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

// OptedOut reports the latest consent change of subject at hospital;
// without one, the subject is not opted out.
func (s *Store) OptedOut(ctx context.Context, hospital, subject string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("opted out: %w", err)
	}
	var out bool
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketConsent).Get(pairKey(hospital, subject))
		if v == nil {
			return nil
		}
		rec, err := decodeConsent(v)
		if err != nil {
			return fmt.Errorf("consent: %w", err)
		}
		out = rec.optedOut
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("opted out: %w", err)
	}
	return out, nil
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

// putConsent applies changes in order; a change older than the stored one
// is ignored, so the latest At wins whatever order changes arrive in.
func putConsent(tx *bolt.Tx, changes []persistence.ConsentChange) error {
	bucket := tx.Bucket(bucketConsent)
	for _, ch := range changes {
		key := pairKey(ch.Hospital, ch.Subject)
		if v := bucket.Get(key); v != nil {
			prev, err := decodeConsent(v)
			if err == nil && ch.At.Before(prev.at) {
				continue
			}
		}
		rec := consentRecord{optedOut: ch.OptedOut, at: ch.At, source: ch.Source}
		if err := bucket.Put(key, encodeConsent(rec)); err != nil {
			return fmt.Errorf("consent: %w", err)
		}
	}
	return nil
}
