package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Consent is kept three ways: the latest change for everything per
// (hospital, subject) in consent (the layout from before kinds), the
// latest change per (hospital, subject, kind) in consent_kinds, and every
// change in consent_log under pair(hospital, pair(subject, at(8) |
// seq(8))), where seq is the bucket's sequence, so the history reads in
// At order and equal At in commit order.

// consentSlot is the bucket and key of the latest change of one kind.
func consentSlot(tx *bolt.Tx, hospital, subject, kind string) (*bolt.Bucket, []byte) {
	if kind == "" {
		return tx.Bucket(bucketConsent), pairKey(hospital, subject)
	}
	return tx.Bucket(bucketConsentKinds), pairKeyBytes(hospital, pairKey(subject, kind))
}

// OptedOut reports the latest consent change for everything of subject at
// hospital; without one, the subject is not opted out.
func (s *Store) OptedOut(ctx context.Context, hospital, subject string) (bool, error) {
	out, err := s.optedOut(ctx, hospital, subject, "")
	if err != nil {
		return false, fmt.Errorf("opted out: %w", err)
	}
	return out, nil
}

// OptedOutOf weighs the latest change for everything and for kind by
// persistence.OptedOutOfKind.
func (s *Store) OptedOutOf(ctx context.Context, hospital, subject, kind string) (bool, error) {
	out, err := s.optedOut(ctx, hospital, subject, kind)
	if err != nil {
		return false, fmt.Errorf("opted out of kind: %w", err)
	}
	return out, nil
}

func (s *Store) optedOut(ctx context.Context, hospital, subject, kind string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	var out bool
	err := s.db.View(func(tx *bolt.Tx) error {
		everything, err := latestConsent(tx, hospital, subject, "")
		if err != nil {
			return err
		}
		var ofKind *persistence.ConsentChange
		if kind != "" {
			if ofKind, err = latestConsent(tx, hospital, subject, kind); err != nil {
				return err
			}
		}
		out = persistence.OptedOutOfKind(everything, ofKind)
		return nil
	})
	return out, err
}

// latestConsent reads the latest change of one kind, nil when none.
func latestConsent(tx *bolt.Tx, hospital, subject, kind string) (*persistence.ConsentChange, error) {
	b, key := consentSlot(tx, hospital, subject, kind)
	v := b.Get(key)
	if v == nil {
		return nil, nil
	}
	rec, err := decodeConsent(v)
	if err != nil {
		return nil, fmt.Errorf("consent: %w", err)
	}
	return &persistence.ConsentChange{Hospital: hospital, Subject: subject, Kind: kind,
		OptedOut: rec.optedOut, At: rec.at, Source: rec.source}, nil
}

// ConsentHistory reads a subject's changes from the log, oldest first.
func (s *Store) ConsentHistory(ctx context.Context, hospital, subject string) ([]persistence.ConsentChange, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("consent history: %w", err)
	}
	prefix := pairKeyBytes(hospital, pairPrefix(subject))
	var out []persistence.ConsentChange
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketConsentLog).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) != len(prefix)+16 {
				return errCorrupt
			}
			ch, err := decodeChange(hospital, subject, v)
			if err != nil {
				return fmt.Errorf("consent change: %w", err)
			}
			out = append(out, ch)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("consent history: %w", err)
	}
	return out, nil
}

// putConsent applies changes in order: each goes to the log, and becomes
// its kind's latest unless it is older than the stored one, so the latest
// At wins whatever order changes arrive in (equal At: the later commit).
func putConsent(tx *bolt.Tx, changes []persistence.ConsentChange) error {
	log := tx.Bucket(bucketConsentLog)
	for _, ch := range changes {
		bucket, key := consentSlot(tx, ch.Hospital, ch.Subject, ch.Kind)
		newer := true
		if v := bucket.Get(key); v != nil {
			prev, err := decodeConsent(v)
			newer = err != nil || !ch.At.Before(prev.at)
		}
		if newer {
			rec := consentRecord{optedOut: ch.OptedOut, at: ch.At, source: ch.Source}
			if err := bucket.Put(key, encodeConsent(rec)); err != nil {
				return fmt.Errorf("consent: %w", err)
			}
		}
		seq, err := log.NextSequence()
		if err != nil {
			return fmt.Errorf("consent log: %w", err)
		}
		pos := binary.BigEndian.AppendUint64(stamp(ch.At), seq)
		if err := log.Put(pairKeyBytes(ch.Hospital, pairKeyBytes(ch.Subject, pos)), encodeChange(ch)); err != nil {
			return fmt.Errorf("consent log: %w", err)
		}
	}
	return nil
}
