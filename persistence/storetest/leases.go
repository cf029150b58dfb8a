package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// claimEntry claims one entry of S1 at baseTime+offset for a minute.
func claimEntry(t *testing.T, st persistence.Store, id, holder string, offset time.Duration) persistence.OutboxClaim {
	t.Helper()
	c, err := st.Claim(context.Background(), "S1", id, holder, at(offset), time.Minute)
	require.NoError(t, err, "claim %s for %s", id, holder)
	return c
}

// requireHeld checks that c is the claimer's lease, ending at end.
func requireHeld(t *testing.T, c persistence.OutboxClaim, end time.Time, msg string) {
	t.Helper()
	require.True(t, c.Held, msg)
	assert.False(t, c.Done, msg)
	assert.WithinDuration(t, end, c.Until, timeSlack, msg)
}

// requireRefused checks that c is refused for another holder's lease,
// ending at end.
func requireRefused(t *testing.T, c persistence.OutboxClaim, end time.Time, msg string) {
	t.Helper()
	require.False(t, c.Held, msg)
	assert.False(t, c.Done, msg)
	assert.WithinDuration(t, end, c.Until, timeSlack, msg)
}

var outboxLeaseChecks = []check{
	{"ClaimFreeEntryThenConflictingClaimRefused", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		e := newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(context.Background(), e))
		requireHeld(t, claimEntry(t, st, e.ID, "A", 0), at(time.Minute), "an entry nobody holds")
		got, err := st.Entry(context.Background(), "S1", e.ID)
		require.NoError(t, err)
		assert.Equal(t, "A", got.Holder)
		assert.WithinDuration(t, at(time.Minute), got.LeasedUntil, timeSlack)
		requireRefused(t, claimEntry(t, st, e.ID, "B", 59*time.Second), at(time.Minute), "A's lease is live")
		got, err = st.Entry(context.Background(), "S1", e.ID)
		require.NoError(t, err)
		assert.Equal(t, "A", got.Holder, "a refused claim changes nothing")
		assert.Equal(t, []string{e.ID}, pendingIDs(t, st, "S1"), "still pending")
	}},
	{"ExpiredLeaseTakenOver", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		e := newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(context.Background(), e))
		requireHeld(t, claimEntry(t, st, e.ID, "A", 0), at(time.Minute), "first claim")
		requireHeld(t, claimEntry(t, st, e.ID, "B", time.Minute), at(2*time.Minute), "A's lease ran out at its end")
		requireRefused(t, claimEntry(t, st, e.ID, "A", 90*time.Second), at(2*time.Minute), "A lost it to B")
	}},
	{"RenewBySameHolder", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		e := newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(context.Background(), e))
		requireHeld(t, claimEntry(t, st, e.ID, "A", 0), at(time.Minute), "first claim")
		requireHeld(t, claimEntry(t, st, e.ID, "A", 50*time.Second), at(110*time.Second), "renewed")
		requireRefused(t, claimEntry(t, st, e.ID, "B", 70*time.Second), at(110*time.Second), "the renewed lease holds past the first end")
	}},
	{"ClaimOfFinishedEntryRefused", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		sent, failed, retried := newEntry("S1", "lane"), newEntry("S1", "lane"), newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(ctx, sent, failed, retried))
		requireHeld(t, claimEntry(t, st, sent.ID, "A", 0), at(time.Minute), "claim before sending")
		require.NoError(t, st.MarkSent(ctx, "S1", sent.ID, "SMsent", baseTime))
		require.NoError(t, st.MarkFailed(ctx, "S1", failed.ID, "21211", true, baseTime))
		for name, id := range map[string]string{"sent": sent.ID, "failed for good": failed.ID, "unknown": "missing"} {
			for _, holder := range []string{"A", "B"} {
				c := claimEntry(t, st, id, holder, 2*time.Minute)
				assert.True(t, c.Done, "%s entry, claimed by %s", name, holder)
				assert.False(t, c.Held, "%s entry, claimed by %s", name, holder)
			}
		}
		requireHeld(t, claimEntry(t, st, retried.ID, "A", 0), at(time.Minute), "claim before sending")
		require.NoError(t, st.MarkFailed(ctx, "S1", retried.ID, "20429", false, baseTime))
		requireRefused(t, claimEntry(t, st, retried.ID, "B", time.Second), at(time.Minute), "a failed attempt keeps the lease")
	}},
	{"EntriesStoredWithTheirLease", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		held := func(e persistence.OutboxEntry) persistence.OutboxEntry {
			e.Holder, e.LeasedUntil = "A", at(2*time.Minute)
			return e
		}
		enq, com, free := held(newEntry("S1", "lane")), held(newEntry("S1", "lane")), newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(ctx, enq))
		require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "conv", Outbox: []persistence.OutboxEntry{com, free}}))
		pending, err := st.Pending(ctx, "S1", 10)
		require.NoError(t, err)
		require.Equal(t, ids(enq, com, free), ids(pending...))
		for _, e := range pending[:2] {
			assert.Equal(t, "A", e.Holder, "the maker of an entry holds it first")
			assert.WithinDuration(t, at(2*time.Minute), e.LeasedUntil, timeSlack)
		}
		assert.Empty(t, pending[2].Holder, "an entry made without a lease")
		assert.True(t, pending[2].LeasedUntil.IsZero())
		for _, e := range []persistence.OutboxEntry{enq, com} {
			requireRefused(t, claimEntry(t, st, e.ID, "B", time.Minute), at(2*time.Minute), "held since it was stored")
			requireHeld(t, claimEntry(t, st, e.ID, "A", time.Minute), at(2*time.Minute), "its maker renews")
		}
		requireHeld(t, claimEntry(t, st, free.ID, "B", 0), at(time.Minute), "nobody held it")
		require.NoError(t, st.Enqueue(ctx, held(free)), "a retried enqueue")
		requireRefused(t, claimEntry(t, st, free.ID, "A", time.Second), at(time.Minute), "a retried enqueue leaves the stored lease")
	}},
	{"ReleaseHandsOver", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		mine, theirs, done := newEntry("S1", "lane"), newEntry("S1", "lane"), newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(ctx, mine, theirs, done))
		requireHeld(t, claimEntry(t, st, mine.ID, "A", 0), at(time.Minute), "A")
		requireHeld(t, claimEntry(t, st, theirs.ID, "C", 0), at(time.Minute), "C")
		requireHeld(t, claimEntry(t, st, done.ID, "A", 0), at(time.Minute), "A")
		require.NoError(t, st.MarkSent(ctx, "S1", done.ID, "SMdone", baseTime))
		require.NoError(t, st.Release(ctx, "S1", "A", mine.ID, theirs.ID, done.ID, "missing"))
		got, err := st.Entry(ctx, "S1", mine.ID)
		require.NoError(t, err)
		assert.Empty(t, got.Holder, "released")
		requireHeld(t, claimEntry(t, st, mine.ID, "B", time.Second), at(time.Minute+time.Second), "taken at once after a release")
		requireRefused(t, claimEntry(t, st, theirs.ID, "B", time.Second), at(time.Minute), "another holder's lease stays")
		assert.True(t, claimEntry(t, st, done.ID, "B", time.Second).Done, "a sent entry stays sent")
		require.NoError(t, st.Release(ctx, "S1", "A"), "nothing to release")
		assert.Error(t, st.Release(ctx, "S1", "", mine.ID), "no holder")
	}},
	{"ClaimValidation", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		e := newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(context.Background(), e))
		_, err := st.Claim(context.Background(), "S1", e.ID, "", baseTime, time.Minute)
		assert.Error(t, err, "no holder")
		_, err = st.Claim(context.Background(), "S1", e.ID, "A", baseTime, 0)
		assert.Error(t, err, "no lease")
		requireHeld(t, claimEntry(t, st, e.ID, "B", 0), at(time.Minute), "refused claims took nothing")
	}},
	{"ConcurrentClaimsOneWinner", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		const entries, holders = 20, 6
		es := make([]persistence.OutboxEntry, entries)
		for i := range es {
			es[i] = newEntry("S1", "lane")
		}
		require.NoError(t, st.Enqueue(context.Background(), es...))
		var mu sync.Mutex
		winners := map[string][]string{}
		var wg sync.WaitGroup
		for h := range holders {
			holder := fmt.Sprintf("H%d", h)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, e := range es {
					c, err := st.Claim(context.Background(), "S1", e.ID, holder, baseTime, time.Minute)
					if !assert.NoError(t, err) {
						return
					}
					if c.Held {
						mu.Lock()
						winners[e.ID] = append(winners[e.ID], holder)
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		for _, e := range es {
			assert.Len(t, winners[e.ID], 1, "holders of entry %s: %v", e.ID, winners[e.ID])
		}
	}},
}
