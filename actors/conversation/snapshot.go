package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/seal"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// errUnreadable is readState's error for a snapshot sealed with a key
// this process no longer has (seal.ErrUnknownKey): it can never be read.
var errUnreadable = errors.New("snapshot sealed with an unknown key")

// storeKey is the store key of the conversation key: "conv:" and the keyed
// hash of the key, so no phone number is stored in clear.
func storeKey(h *pii.Hasher, key Key) string { return convPrefix + h.Hash(key.String()) }

// readState reads, opens and decodes the snapshot under storeKey. A
// conversation never stored (or expired) reads as persistence.ErrNotFound;
// one sealed with an unknown key as errUnreadable, with its version.
func readState(ctx context.Context, store persistence.Snapshots, sealer persistence.Sealer, key string) (flow.State, uint64, error) {
	snap, err := store.Load(ctx, key)
	if err != nil {
		return flow.State{}, 0, fmt.Errorf("load snapshot: %w", err)
	}
	raw, err := sealer.Open(snap.Data)
	if errors.Is(err, seal.ErrUnknownKey) {
		return flow.State{}, snap.Version, fmt.Errorf("open snapshot: %w: %w", errUnreadable, err)
	}
	if err != nil {
		return flow.State{}, 0, fmt.Errorf("open snapshot: %w", err)
	}
	var st flow.State
	if err := json.Unmarshal(raw, &st); err != nil {
		return flow.State{}, 0, fmt.Errorf("decode snapshot: %w", err)
	}
	return st, snap.Version, nil
}

// Languages tells the language each patient last used in their
// conversation, read from its snapshot. Reminders that expect no answer
// are written in it (actors/reminder), so firing them needs no
// conversation actor.
type Languages struct {
	Store  persistence.Snapshots
	Sealer persistence.Sealer
	Hasher *pii.Hasher
}

// Of returns the language of the patient phone's conversation on sender:
// "" when there is none (never stored, expired, sealed with a retired key)
// or it never chose one.
func (l Languages) Of(ctx context.Context, sender, phone string) (string, error) {
	st, _, err := readState(ctx, l.Store, l.Sealer, storeKey(l.Hasher, Key{Sender: sender, Phone: phone}))
	switch {
	case errors.Is(err, persistence.ErrNotFound), errors.Is(err, errUnreadable):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("read conversation language: %w", err)
	}
	return st.Lang, nil
}
