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

// RecordStatus keeps the delivery status of highest rank on the entry
// Twilio knows as providerID (see persistence.StatusRank).
func (s *Store) RecordStatus(ctx context.Context, providerID string, st persistence.DeliveryStatus) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("record status: %w", err)
	}
	if st.Status == "" {
		return errors.New("record status: empty status")
	}
	now := s.now()
	var missing bool
	err := s.batch(ctx, func(tx *bolt.Tx) error {
		missing = false
		key, rec, found, err := entryByProvider(tx, providerID, now)
		if err != nil {
			return err
		}
		if !found {
			missing = true
			return nil
		}
		if rec.Status != "" && persistence.StatusRank(st.Status) <= persistence.StatusRank(rec.Status) {
			return nil // a repeat, or a callback that arrived late
		}
		rec.Status, rec.ErrorCode, rec.StatusAt = st.Status, st.ErrorCode, st.At
		if err := tx.Bucket(bucketOutbox).Put(key, encodeEntry(rec)); err != nil {
			return fmt.Errorf("outbox entry: %w", err)
		}
		return nil
	})
	switch {
	case err != nil:
		return fmt.Errorf("record status: %w", err)
	case missing:
		return fmt.Errorf("record status: %w", persistence.ErrNotFound)
	}
	return nil
}

// EntryByProviderID returns the live entry MarkSent gave providerID.
func (s *Store) EntryByProviderID(ctx context.Context, providerID string) (persistence.OutboxEntry, error) {
	if err := ctx.Err(); err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("entry by provider id: %w", err)
	}
	now := s.now()
	var out persistence.OutboxEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		_, rec, found, err := entryByProvider(tx, providerID, now)
		if err != nil {
			return err
		}
		if !found {
			return persistence.ErrNotFound
		}
		out = s.visible(rec)
		return nil
	})
	if err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("entry by provider id: %w", err)
	}
	return out, nil
}

// entryByProvider follows the provider id index to a live entry and its
// key.
func entryByProvider(tx *bolt.Tx, providerID string, now time.Time) ([]byte, entryRecord, bool, error) {
	if providerID == "" {
		return nil, entryRecord{}, false, nil
	}
	v := tx.Bucket(bucketProviderIDs).Get([]byte(providerID))
	if v == nil || stampExpires(v) <= expiryStamp(now) {
		return nil, entryRecord{}, false, nil
	}
	key := bytes.Clone(v[8:])
	ev := tx.Bucket(bucketOutbox).Get(key)
	if ev == nil {
		return nil, entryRecord{}, false, nil
	}
	rec, err := decodeEntry(ev)
	if err != nil {
		return nil, entryRecord{}, false, fmt.Errorf("outbox entry: %w", err)
	}
	if !live(rec.expiresAt, now) {
		return nil, entryRecord{}, false, nil
	}
	return key, rec, true, nil
}

// putProviderID indexes providerID to an entry's key until the entry
// expires; a sent entry without a provider id is not indexed.
func putProviderID(tx *bolt.Tx, providerID string, entryKey []byte, expiresAt time.Time) error {
	if providerID == "" {
		return nil
	}
	ids, index := tx.Bucket(bucketProviderIDs), tx.Bucket(bucketProviderExpiry)
	k := []byte(providerID)
	if old := ids.Get(k); len(old) >= 8 {
		if err := index.Delete(append(bytes.Clone(old[:8]), k...)); err != nil {
			return fmt.Errorf("provider id index: %w", err)
		}
	}
	if err := ids.Put(k, stampValue(expiresAt, entryKey)); err != nil {
		return fmt.Errorf("provider id: %w", err)
	}
	if err := index.Put(expiryKey(expiresAt, k), empty); err != nil {
		return fmt.Errorf("provider id index: %w", err)
	}
	return nil
}

// LastInbound returns when subject last wrote to sender, or the zero time.
func (s *Store) LastInbound(ctx context.Context, sender, subject string) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, fmt.Errorf("last inbound: %w", err)
	}
	now := s.now()
	var at time.Time
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketInbound).Get(pairKey(sender, subject))
		if v == nil {
			return nil
		}
		rec, err := decodeInbound(v)
		if err != nil {
			return fmt.Errorf("inbound mark: %w", err)
		}
		if live(rec.expiresAt, now) {
			at = rec.at
		}
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("last inbound: %w", err)
	}
	return at, nil
}

// putInbound records a commit's inbound time when it is later than the
// live one stored, and keeps it until expiresAt.
func putInbound(tx *bolt.Tx, in *persistence.Inbound, now, expiresAt time.Time) error {
	if in == nil {
		return nil
	}
	b, index := tx.Bucket(bucketInbound), tx.Bucket(bucketInboundExpiry)
	key := pairKey(in.Sender, in.Subject)
	if v := b.Get(key); v != nil {
		if old, err := decodeInbound(v); err == nil {
			if live(old.expiresAt, now) && !in.At.After(old.at) {
				return nil
			}
			if err := index.Delete(expiryKey(old.expiresAt, key)); err != nil {
				return fmt.Errorf("inbound index: %w", err)
			}
		}
	}
	if err := b.Put(key, encodeInbound(inboundRecord{at: in.At, expiresAt: expiresAt})); err != nil {
		return fmt.Errorf("inbound mark: %w", err)
	}
	if err := index.Put(expiryKey(expiresAt, key), empty); err != nil {
		return fmt.Errorf("inbound index: %w", err)
	}
	return nil
}
