package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var claimRaceChecks = []check{
	{"ConcurrentClaimersNeverShare", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		const reminders, claimers = 120, 6
		var want []string
		for i := range reminders {
			id := fmt.Sprintf("r%03d", i)
			want = append(want, id)
			putReminders(t, st, newReminder("h1", id, "p1", at(-time.Duration(i)*time.Second)))
		}
		claimed := make([][]string, claimers)
		var wg sync.WaitGroup
		errs := make(chan error, claimers)
		for c := range claimers {
			wg.Go(func() {
				holder := fmt.Sprintf("claimer-%d", c)
				for range reminders {
					rs, err := st.ClaimDue(ctx, baseTime, 7, holder, time.Hour)
					if err != nil {
						errs <- fmt.Errorf("%s: %w", holder, err)
						return
					}
					if len(rs) == 0 {
						return
					}
					for _, r := range rs {
						claimed[c] = append(claimed[c], r.ID)
						e := newEntry("S1", r.ID)
						if err := st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: r.ID, Holder: holder,
							Outbox: []persistence.OutboxEntry{e}, At: baseTime}); err != nil {
							errs <- fmt.Errorf("%s fires %s: %w", holder, r.ID, err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		all := slices.Concat(claimed...)
		slices.Sort(all)
		assert.Equal(t, want, all, "every reminder claimed by exactly one claimer")
		assert.Len(t, pendingIDs(t, st, "S1"), reminders, "and fired once")
	}},
	{"CancelRacesFireOneWins", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		const n = 40
		for i := range n {
			putReminders(t, st, newReminder("h1", fmt.Sprintf("r%02d", i), "p1", baseTime))
		}
		require.Len(t, claim(t, st, baseTime, n, "A", time.Hour), n)
		entries := make([]persistence.OutboxEntry, n)
		fireErrs, cancelErrs := make([]error, n), make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			id := fmt.Sprintf("r%02d", i)
			entries[i] = newEntry("S1", id)
			wg.Go(func() {
				fireErrs[i] = st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: id, Holder: "A",
					Outbox: []persistence.OutboxEntry{entries[i]}, At: baseTime})
			})
			wg.Go(func() { cancelErrs[i] = st.CancelReminder(ctx, "h1", id, baseTime) })
		}
		wg.Wait()
		for i := range n {
			r := getReminder(t, st, "h1", fmt.Sprintf("r%02d", i))
			_, entryErr := st.Entry(ctx, "S1", entries[i].ID)
			if fireErrs[i] == nil {
				assert.ErrorIs(t, cancelErrs[i], persistence.ErrConflict, "fired first: the cancel is refused")
				assert.Equal(t, persistence.ReminderFired, r.State)
				assert.NoError(t, entryErr)
				continue
			}
			assert.True(t, errors.Is(fireErrs[i], persistence.ErrConflict), "cancelled first: the firing is refused: %v", fireErrs[i])
			assert.NoError(t, cancelErrs[i])
			assert.Equal(t, persistence.ReminderCancelled, r.State)
			assert.ErrorIs(t, entryErr, persistence.ErrNotFound, "a refused firing enqueues nothing")
		}
	}},
}
