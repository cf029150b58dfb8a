package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var lifecycleChecks = []check{
	{"PingThenClose", func(t *testing.T, s *suite) {
		st := s.open(t)
		ctx := context.Background()
		require.NoError(t, st.Ping(ctx), "ping an open store")
		require.NoError(t, st.Close())
		assert.Error(t, st.Ping(ctx), "ping a closed store")
		assert.Error(t, st.Commit(ctx, snapshotCommit("conv", 0, "v1")), "commit to a closed store")
	}},
}
