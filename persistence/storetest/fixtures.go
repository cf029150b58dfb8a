package storetest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Fixture times sit on whole seconds so backends that keep milliseconds
// compare equal.
var baseTime = time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)

// timeSlack is how far a stored time may drift from what was written:
// backends may keep milliseconds only.
const timeSlack = time.Millisecond

var idSeq atomic.Uint64

// nextID returns outbox ids in increasing order, shaped like
// persistence.NewID's.
func nextID() string {
	return persistence.NewID(baseTime.Add(time.Duration(idSeq.Add(1)) * time.Second))
}

// newEntry builds an outbox entry with binary-unsafe bytes in its payload,
// so a backend that mangles payloads shows it.
func newEntry(sender, lane string) persistence.OutboxEntry {
	id := nextID()
	return persistence.OutboxEntry{
		ID:        id,
		Sender:    sender,
		Lane:      lane,
		Payload:   []byte("payload\x00\xff" + id),
		CreatedAt: baseTime,
	}
}

// snapshotCommit is a commit that moves key from version from to from+1.
func snapshotCommit(key string, from uint64, data string) persistence.Commit {
	return persistence.Commit{
		Key:           key,
		ExpectVersion: from,
		Snapshot:      persistence.Snapshot{Version: from + 1, Data: []byte(data)},
	}
}

// requireVersion checks key's live snapshot version and data.
func requireVersion(t *testing.T, st persistence.Store, key string, version uint64, data string) {
	t.Helper()
	snap, err := st.Load(context.Background(), key)
	require.NoError(t, err, "load %s", key)
	assert.Equal(t, key, snap.Key)
	assert.Equal(t, version, snap.Version, "version of %s", key)
	assert.Equal(t, data, string(snap.Data), "data of %s", key)
}

// requireAbsent checks that key has no live snapshot.
func requireAbsent(t *testing.T, st persistence.Store, key string) {
	t.Helper()
	_, err := st.Load(context.Background(), key)
	require.ErrorIs(t, err, persistence.ErrNotFound, "load %s", key)
}

// pendingIDs lists the ids Pending returns for sender (up to 10000).
func pendingIDs(t *testing.T, st persistence.Store, sender string) []string {
	t.Helper()
	entries, err := st.Pending(context.Background(), sender, 10000)
	require.NoError(t, err, "pending %s", sender)
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		assert.Equal(t, sender, e.Sender, "pending entry from another sender")
		ids = append(ids, e.ID)
	}
	return ids
}

// ids lists entries' ids in order.
func ids(entries ...persistence.OutboxEntry) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.ID)
	}
	return out
}

// requireNoTrace checks that a refused commit left nothing behind.
func requireNoTrace(t *testing.T, st persistence.Store, c persistence.Commit) {
	t.Helper()
	ctx := context.Background()
	for _, e := range c.Outbox {
		_, err := st.Entry(ctx, e.Sender, e.ID)
		assert.ErrorIs(t, err, persistence.ErrNotFound, "outbox entry of a refused commit")
		assert.NotContains(t, pendingIDs(t, st, e.Sender), e.ID)
	}
	for _, sid := range c.MessageSids {
		seen, err := st.Seen(ctx, sid)
		require.NoError(t, err)
		assert.False(t, seen, "sid of a refused commit")
	}
	for _, ch := range c.Consent {
		out, err := st.OptedOutOf(ctx, ch.Hospital, ch.Subject, ch.Kind)
		require.NoError(t, err)
		assert.False(t, out, "consent of a refused commit")
		history, err := st.ConsentHistory(ctx, ch.Hospital, ch.Subject)
		require.NoError(t, err)
		assert.Empty(t, history, "consent history of a refused commit")
	}
	if in := c.Inbound; in != nil {
		last, err := st.LastInbound(ctx, in.Sender, in.Subject)
		require.NoError(t, err)
		assert.True(t, last.IsZero(), "inbound mark of a refused commit")
	}
}

// waitFor polls cond until it holds or the deadline passes; for backends
// that expire data on wall-clock time.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		<-tick.C
	}
}
