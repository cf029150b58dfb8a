package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var dedupeChecks = []check{
	{"SeenOnlyCommittedSids", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		c := snapshotCommit("conv", 0, "v1")
		c.MessageSids = []string{"SM1", "SM2"}
		require.NoError(t, st.Commit(ctx, c))
		require.NoError(t, st.Enqueue(ctx, newEntry("S1", "lane")))
		for sid, want := range map[string]bool{"SM1": true, "SM2": true, "SM3": false, "SM": false, "": false} {
			seen, err := st.Seen(ctx, sid)
			require.NoError(t, err)
			assert.Equal(t, want, seen, "Seen(%q)", sid)
		}
	}},
}

var consentChecks = []check{
	{"ConsentLatestChangeWins", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		change := func(hospital, subject string, out bool, at time.Duration) persistence.ConsentChange {
			return persistence.ConsentChange{Hospital: hospital, Subject: subject, OptedOut: out, At: baseTime.Add(at), Source: "patient"}
		}
		commit := func(changes ...persistence.ConsentChange) {
			t.Helper()
			require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "conv", Consent: changes}))
		}
		optedOut := func(hospital, subject string) bool {
			t.Helper()
			out, err := st.OptedOut(ctx, hospital, subject)
			require.NoError(t, err)
			return out
		}

		assert.False(t, optedOut("h1", "p1"), "nobody is opted out by default")

		commit(change("h1", "p1", true, time.Minute))
		assert.True(t, optedOut("h1", "p1"))
		assert.False(t, optedOut("h2", "p1"), "per hospital")
		assert.False(t, optedOut("h1", "p2"), "per subject")
		assert.False(t, optedOut("h1p", "1"), "hospital and subject do not run together")

		commit(change("h1", "p1", false, 2*time.Minute))
		assert.False(t, optedOut("h1", "p1"), "start after stop")

		commit(change("h1", "p1", true, time.Minute/2))
		assert.False(t, optedOut("h1", "p1"), "an older change does not win")

		commit(change("h1", "p1", true, 3*time.Minute), change("h1", "p1", false, 4*time.Minute), change("h2", "p1", true, time.Minute))
		assert.False(t, optedOut("h1", "p1"), "within one commit the latest At wins")
		assert.True(t, optedOut("h2", "p1"))

		commit(change("h1", "p1", true, 4*time.Minute))
		assert.True(t, optedOut("h1", "p1"), "on equal At the later commit wins")
	}},
}
