package embedded

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
)

// bucketSizes counts the keys of every bucket, to see what is really in
// the file rather than what reads show.
func bucketSizes(t *testing.T, s *Store) map[string]int {
	t.Helper()
	sizes := map[string]int{}
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			sizes[string(name)] = tx.Bucket(name).Stats().KeyN
		}
		return nil
	}))
	return sizes
}

// fill commits n conversations, each with a sid and two outbox entries of
// which one is sent (with a provider id of its own).
func fill(t *testing.T, s *Store, prefix string, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		key := fmt.Sprintf("%s-%d", prefix, i)
		sent := persistence.OutboxEntry{ID: persistence.NewID(testStart), Sender: "S1", Payload: []byte("x")}
		kept := persistence.OutboxEntry{ID: persistence.NewID(testStart), Sender: "S1", Payload: []byte("y")}
		require.NoError(t, s.Commit(ctx, persistence.Commit{
			Key:         key,
			Snapshot:    persistence.Snapshot{Version: 1, Data: []byte("state")},
			Outbox:      []persistence.OutboxEntry{sent, kept},
			MessageSids: []string{"SM" + key},
		}))
		require.NoError(t, s.MarkSent(ctx, "S1", sent.ID, "SMx"+key, testStart))
	}
}

func TestSweepRemovesOnlyExpired(t *testing.T) {
	clock := storetest.NewClock(testStart)
	s := openAt(t, filepath.Join(t.TempDir(), "store.db"), Options{
		Retention: time.Hour, DedupeTTL: 10 * time.Minute, Now: clock.Now, SweepInterval: -1,
	})
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()

	defer func(n int) { sweepChunk = n }(sweepChunk)
	sweepChunk = 7
	fill(t, s, "old", 20) // several sweep chunks
	clock.Advance(30 * time.Minute)
	fill(t, s, "new", 3)

	n, err := s.Sweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, 20, n, "only the old sids are due")
	sizes := bucketSizes(t, s)
	assert.Equal(t, 3, sizes["sids"])
	assert.Equal(t, 3, sizes["sid_expiry"])
	assert.Equal(t, 23, sizes["snapshots"])

	clock.Advance(45 * time.Minute) // old snapshots and sent entries now past retention
	n, err = s.Sweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3*20+3, n, "old snapshots, old sent entries and their provider ids, new sids")
	sizes = bucketSizes(t, s)
	want := map[string]int{}
	for _, name := range allBuckets {
		want[string(name)] = 0
	}
	for name, n := range map[string]int{
		"snapshots": 3, "snapshot_expiry": 3,
		"outbox": 23 + 3, "outbox_pending": 23, "outbox_expiry": 3,
		"provider_ids": 3, "provider_expiry": 3,
	} {
		want[name] = n
	}
	assert.Equal(t, want, sizes, "pending entries are never swept")

	snap, err := s.Load(ctx, "new-1")
	require.NoError(t, err)
	assert.Equal(t, uint64(1), snap.Version)
	pending, err := s.Pending(ctx, "S1", 5000)
	require.NoError(t, err)
	assert.Len(t, pending, 23)
}

func TestSweepRespectsRenewal(t *testing.T) {
	clock := storetest.NewClock(testStart)
	s := openAt(t, filepath.Join(t.TempDir(), "store.db"), Options{Retention: time.Hour, Now: clock.Now, SweepInterval: -1})
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	require.NoError(t, s.Commit(ctx, persistence.Commit{Key: "k", Snapshot: persistence.Snapshot{Version: 1, Data: []byte("a")}}))
	clock.Advance(50 * time.Minute)
	require.NoError(t, s.Commit(ctx, persistence.Commit{Key: "k", ExpectVersion: 1, Snapshot: persistence.Snapshot{Version: 2, Data: []byte("b")}}))
	clock.Advance(50 * time.Minute)

	n, err := s.Sweep(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "a renewed snapshot is not swept by its old expiry")
	assert.Equal(t, 1, bucketSizes(t, s)["snapshot_expiry"], "renewal moves, not adds, the index entry")
	snap, err := s.Load(ctx, "k")
	require.NoError(t, err)
	assert.Equal(t, "b", string(snap.Data))
}

func TestBackgroundSweep(t *testing.T) {
	clock := storetest.NewClock(testStart)
	s := openAt(t, filepath.Join(t.TempDir(), "store.db"), Options{
		Retention: time.Hour, Now: clock.Now, SweepInterval: 5 * time.Millisecond,
	})
	fill(t, s, "c", 5)
	clock.Advance(2 * time.Hour)
	assert.Eventually(t, func() bool {
		return bucketSizes(t, s)["snapshots"] == 0
	}, 5*time.Second, 10*time.Millisecond, "the background loop sweeps")
	require.NoError(t, s.Close(), "close stops the loop")
	require.NoError(t, s.Close(), "a second close is harmless")
}

// TestSweepRemovesDoneRemindersAndShortLivedRecords: fired and cancelled
// reminders go with their listing entries; scheduled ones, even past due,
// stay; inbound marks, idempotency records and media go after their TTL.
func TestSweepRemovesDoneRemindersAndShortLivedRecords(t *testing.T) {
	clock := storetest.NewClock(testStart)
	s := openAt(t, filepath.Join(t.TempDir(), "store.db"), Options{Retention: time.Hour, Now: clock.Now, SweepInterval: -1})
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	for i, id := range []string{"fired", "cancelled", "waiting"} {
		due := testStart.Add(time.Duration(i) * time.Minute)
		require.NoError(t, s.PutReminder(ctx, persistence.Reminder{Hospital: "h", ID: id, Subject: "p", Due: due}))
	}
	claimed, err := s.ClaimDue(ctx, testStart, 5, "A", time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.NoError(t, s.FireReminder(ctx, persistence.Firing{Hospital: "h", ID: "fired", Holder: "A", At: testStart}))
	require.NoError(t, s.CancelReminder(ctx, "h", "cancelled", testStart))
	require.NoError(t, s.Commit(ctx, persistence.Commit{Key: "k", Inbound: &persistence.Inbound{Sender: "S1", Subject: "p", At: testStart}}))
	_, _, err = s.Remember(ctx, persistence.IdempotencyRecord{Hospital: "h", Key: "key"}, time.Minute)
	require.NoError(t, err)
	require.NoError(t, s.PutMedia(ctx, "m1", []byte("sealed"), time.Minute))

	clock.Advance(2 * time.Hour)
	n, err := s.Sweep(ctx)
	require.NoError(t, err)
	assert.Equal(t, 5, n, "two reminders, the inbound mark, the record, the media")
	sizes := bucketSizes(t, s)
	for bucket, want := range map[string]int{
		"reminders": 1, "reminder_due": 1, "reminder_list": 1, "reminder_subject": 1, "reminder_expiry": 0,
		"inbound": 0, "inbound_expiry": 0, "idempotency": 0, "idempotency_expiry": 0, "media": 0, "media_expiry": 0,
	} {
		assert.Equal(t, want, sizes[bucket], bucket)
	}
	listed, _, err := s.ListReminders(ctx, persistence.ReminderQuery{Hospital: "h", Limit: 10})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.Equal(t, "waiting", listed[0].ID)
}
