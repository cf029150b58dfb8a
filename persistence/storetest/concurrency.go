package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var concurrencyChecks = []check{
	{"ConcurrentCommitsToDistinctKeys", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		const writers, turns = 8, 15
		var mu sync.Mutex
		var enqueued []string
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Go(func() {
				key := fmt.Sprintf("conv-%d", w)
				for v := range uint64(turns) {
					c := snapshotCommit(key, v, fmt.Sprintf("%s@%d", key, v+1))
					c.Outbox = []persistence.OutboxEntry{newEntry("S1", key), newEntry("S1", key)}
					c.MessageSids = []string{fmt.Sprintf("SM-%s-%d", key, v)}
					if err := st.Commit(ctx, c); err != nil {
						errs <- fmt.Errorf("%s turn %d: %w", key, v, err)
						return
					}
					mu.Lock()
					enqueued = append(enqueued, ids(c.Outbox...)...)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		for w := range writers {
			key := fmt.Sprintf("conv-%d", w)
			requireVersion(t, st, key, turns, fmt.Sprintf("%s@%d", key, turns))
		}
		slices.Sort(enqueued)
		assert.Equal(t, enqueued, pendingIDs(t, st, "S1"), "every entry of every commit, in ID order")
	}},
	{"RacingWritersOneWinnerPerVersion", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		const racers, versions = 6, 30
		var mu sync.Mutex
		winners := map[uint64][]string{} // version → winners' outbox ids
		var wg sync.WaitGroup
		errs := make(chan error, racers)
		for r := range racers {
			wg.Go(func() {
				for attempt := 0; ; attempt++ {
					if attempt > 100*versions {
						errs <- fmt.Errorf("racer %d: no progress after %d attempts", r, attempt)
						return
					}
					var from uint64
					snap, err := st.Load(ctx, "conv")
					switch {
					case err == nil:
						from = snap.Version
					case !errors.Is(err, persistence.ErrNotFound):
						errs <- fmt.Errorf("racer %d load: %w", r, err)
						return
					}
					if from >= versions {
						return
					}
					c := snapshotCommit("conv", from, fmt.Sprintf("racer %d wrote %d", r, from+1))
					c.Outbox = []persistence.OutboxEntry{newEntry("S1", "lane")}
					err = st.Commit(ctx, c)
					if errors.Is(err, persistence.ErrConflict) {
						continue
					}
					if err != nil {
						errs <- fmt.Errorf("racer %d commit: %w", r, err)
						return
					}
					mu.Lock()
					winners[from+1] = append(winners[from+1], c.Outbox[0].ID)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		var won []string
		for v := uint64(1); v <= versions; v++ {
			assert.Len(t, winners[v], 1, "winners of version %d", v)
			won = append(won, winners[v]...)
		}
		assert.Len(t, winners, versions, "no version beyond the last")
		slices.Sort(won)
		assert.Equal(t, won, pendingIDs(t, st, "S1"), "exactly the winners' outbox entries")
		snap, err := st.Load(ctx, "conv")
		require.NoError(t, err)
		assert.Equal(t, uint64(versions), snap.Version)
	}},
}
