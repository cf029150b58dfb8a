package runtime

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/seal"
)

// hashKeyName names the meta value that holds the key of the keyed hashes.
const hashKeyName = "hash-key"

// loadHashKey returns the key of the keyed hashes (store keys, outbox
// lanes, consent subjects, log fields). It is random, made once per
// deployment and kept in the store sealed with the encryption key, so it
// survives key rotation: rotating FRONTDESK_ENCRYPTION_KEY must not change
// which snapshot or opt-out belongs to which patient. When it is still
// sealed with a retired key it is sealed again with the current one.
func loadHashKey(store persistence.Meta, keyring *seal.Keyring) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("load hash key: %w", err)
	}
	sealed, err := keyring.Seal(fresh)
	if err != nil {
		return nil, fmt.Errorf("load hash key: %w", err)
	}
	stored, err := store.PutMeta(ctx, hashKeyName, sealed, false)
	if err != nil {
		return nil, fmt.Errorf("load hash key: %w", err)
	}
	key, err := keyring.Open(stored)
	if err != nil {
		return nil, fmt.Errorf("load hash key: it is sealed with a key this process does not have "+
			"(keep the previous key in FRONTDESK_ENCRYPTION_KEYS_OLD while rotating): %w", err)
	}
	if !keyring.SealedWithPrimary(stored) {
		resealed, err := keyring.Seal(key)
		if err != nil {
			return nil, fmt.Errorf("load hash key: reseal: %w", err)
		}
		if _, err := store.PutMeta(ctx, hashKeyName, resealed, true); err != nil {
			return nil, fmt.Errorf("load hash key: reseal: %w", err)
		}
	}
	return key, nil
}
