package storetest

import (
	"context"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var wakeChecks = []check{
	{"WakeMarkSetListedAndCleared", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		c := snapshotCommit("conv-a", 0, "waiting")
		c.Wake = []byte("addr\x00\xff-a")
		require.NoError(t, st.Commit(ctx, c))
		other := snapshotCommit("conv-b", 0, "idle")
		require.NoError(t, st.Commit(ctx, other))
		assert.Equal(t, []persistence.Wake{{Key: "conv-a", Data: []byte("addr\x00\xff-a")}}, wakes(t, st, 10))

		require.NoError(t, st.Commit(ctx, snapshotCommit("conv-a", 1, "answered")))
		assert.Empty(t, wakes(t, st, 10), "a commit with data and no Wake clears the mark")
	}},
	{"WakeMarkUntouchedByDataLessOrRefusedCommit", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		c := snapshotCommit("conv", 0, "waiting")
		c.Wake = []byte("addr")
		require.NoError(t, st.Commit(ctx, c))
		require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "conv", ExpectVersion: 1, MessageSids: []string{"SM-w"}}))
		assert.Len(t, wakes(t, st, 10), 1, "a commit without data leaves the mark")
		require.ErrorIs(t, st.Commit(ctx, snapshotCommit("conv", 0, "stale")), persistence.ErrConflict)
		assert.Len(t, wakes(t, st, 10), 1, "a refused commit leaves the mark")

		fresh := snapshotCommit("other", 5, "stale")
		fresh.Wake = []byte("addr")
		require.ErrorIs(t, st.Commit(ctx, fresh), persistence.ErrConflict)
		assert.Len(t, wakes(t, st, 10), 1, "a refused commit sets no mark")
	}},
	{"WakesHonoursLimit", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		for _, k := range []string{"a", "b", "c", "d", "e"} {
			c := snapshotCommit(k, 0, "waiting")
			c.Wake = []byte("addr-" + k)
			require.NoError(t, st.Commit(ctx, c))
		}
		assert.Len(t, wakes(t, st, 3), 3)
		all := wakes(t, st, 100)
		require.Len(t, all, 5)
		sort.Slice(all, func(i, j int) bool { return all[i].Key < all[j].Key })
		assert.Equal(t, persistence.Wake{Key: "c", Data: []byte("addr-c")}, all[2])
		_, err := st.Wakes(ctx, 0)
		assert.Error(t, err, "a limit below 1 is refused")
	}},
	{"WakeMarkExpires", func(t *testing.T, s *suite) {
		ex := s.expiry(t)
		if ex.WakeTTL <= 0 {
			t.Skip("the backend's test gave no WakeTTL")
		}
		st := s.fresh(t)
		ctx := context.Background()
		c := snapshotCommit("conv", 0, "waiting")
		c.Wake = []byte("addr")
		require.NoError(t, st.Commit(ctx, c))
		s.expire(t, ex.WakeTTL, "wake mark expiry", func() bool { return len(wakes(t, st, 10)) == 0 })
	}},
}

func wakes(t *testing.T, st persistence.Store, limit int) []persistence.Wake {
	t.Helper()
	w, err := st.Wakes(context.Background(), limit)
	require.NoError(t, err)
	return w
}
