package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// change is a consent change of subject p1 at hospital h1, d after
// baseTime.
func change(kind string, out bool, d time.Duration) persistence.ConsentChange {
	return persistence.ConsentChange{Hospital: "h1", Subject: "p1", Kind: kind, OptedOut: out, At: at(d), Source: "patient"}
}

var consentKindChecks = []check{
	{"OptedOutOfKind", func(t *testing.T, s *suite) {
		stop, start, m := true, false, time.Minute
		tests := map[string]struct {
			changes  []persistence.ConsentChange
			medicine bool // opted out of medicine reminders
			all      bool // OptedOut: of everything
		}{
			"nothing":                     {nil, false, false},
			"stop medicine":               {[]persistence.ConsentChange{change("medicine", stop, 1*m)}, true, false},
			"stop another kind":           {[]persistence.ConsentChange{change("feedback", stop, 1*m)}, false, false},
			"stop everything":             {[]persistence.ConsentChange{change("", stop, 1*m)}, true, true},
			"stop, then start medicine":   {[]persistence.ConsentChange{change("", stop, 1*m), change("medicine", start, 2*m)}, true, true},
			"stop medicine, then start":   {[]persistence.ConsentChange{change("medicine", stop, 1*m), change("", start, 2*m)}, false, false},
			"start, then stop medicine":   {[]persistence.ConsentChange{change("", start, 1*m), change("medicine", stop, 2*m)}, true, false},
			"stop medicine, older start":  {[]persistence.ConsentChange{change("medicine", stop, 2*m), change("", start, 1*m)}, true, false},
			"same time: the stop counts":  {[]persistence.ConsentChange{change("", start, 1*m), change("medicine", stop, 1*m)}, true, false},
			"kind's latest wins":          {[]persistence.ConsentChange{change("medicine", stop, 1*m), change("medicine", start, 2*m)}, false, false},
			"kind's older change ignored": {[]persistence.ConsentChange{change("medicine", start, 2*m), change("medicine", stop, 1*m)}, false, false},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				st := s.fresh(t)
				ctx := context.Background()
				for i, ch := range tc.changes { // one commit each, in the order given
					require.NoError(t, st.Commit(ctx, persistence.Commit{Key: fmt.Sprint("conv", i), Consent: []persistence.ConsentChange{ch}}))
				}
				out, err := st.OptedOutOf(ctx, "h1", "p1", "medicine")
				require.NoError(t, err)
				assert.Equal(t, tc.medicine, out, "opted out of medicine")
				all, err := st.OptedOut(ctx, "h1", "p1")
				require.NoError(t, err)
				assert.Equal(t, tc.all, all, "OptedOut: of everything")
				allByKind, err := st.OptedOutOf(ctx, "h1", "p1", "")
				require.NoError(t, err)
				assert.Equal(t, tc.all, allByKind, "kind \"\" is everything")
				other, err := st.OptedOutOf(ctx, "h2", "p1", "medicine")
				require.NoError(t, err)
				assert.False(t, other, "per hospital")
			})
		}
	}},
	{"ConsentHistoryOldestFirst", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		a := change("", true, 3*time.Minute)
		b := change("medicine", false, time.Minute) // arrives late, happened first
		c := change("feedback", true, 3*time.Minute)
		c.Source = "api"
		other := change("", true, 2*time.Minute)
		other.Subject = "p2"
		elsewhere := change("", true, 2*time.Minute)
		elsewhere.Hospital = "h2"
		require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "conv", Consent: []persistence.ConsentChange{a, other}}))
		require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "conv", Consent: []persistence.ConsentChange{b, elsewhere}}))
		require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "conv", Consent: []persistence.ConsentChange{c}}))
		refused := snapshotCommit("conv", 5, "stale")
		refused.Consent = []persistence.ConsentChange{change("", false, 4*time.Minute)}
		require.ErrorIs(t, st.Commit(ctx, refused), persistence.ErrConflict)

		history, err := st.ConsentHistory(ctx, "h1", "p1")
		require.NoError(t, err)
		require.Len(t, history, 3, "every change of the subject, none of a refused commit")
		for i, want := range []persistence.ConsentChange{b, a, c} { // by At, equal At in commit order
			assert.Equal(t, want.Kind, history[i].Kind, "change %d", i)
			assert.Equal(t, want.OptedOut, history[i].OptedOut, "change %d", i)
			assert.Equal(t, want.Source, history[i].Source, "change %d", i)
			assert.Equal(t, "h1", history[i].Hospital)
			assert.Equal(t, "p1", history[i].Subject)
			assert.WithinDuration(t, want.At, history[i].At, timeSlack, "change %d", i)
		}
		history, err = st.ConsentHistory(ctx, "h1", "p3")
		require.NoError(t, err)
		assert.Empty(t, history)
		history, err = st.ConsentHistory(ctx, "h2", "p1")
		require.NoError(t, err)
		assert.Len(t, history, 1, "per hospital")
	}},
}
