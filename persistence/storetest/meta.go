package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var metaChecks = []check{
	{"MetaAbsentThenKept", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		_, err := st.GetMeta(ctx, "hash-key")
		require.ErrorIs(t, err, persistence.ErrNotFound)
		got, err := st.PutMeta(ctx, "hash-key", []byte("first\x00\xff"), false)
		require.NoError(t, err)
		assert.Equal(t, []byte("first\x00\xff"), got)
		got, err = st.PutMeta(ctx, "hash-key", []byte("second"), false)
		require.NoError(t, err)
		assert.Equal(t, []byte("first\x00\xff"), got, "without replace the present value stays and is returned")
		got, err = st.PutMeta(ctx, "hash-key", []byte("third"), true)
		require.NoError(t, err)
		assert.Equal(t, []byte("third"), got)
		stored, err := st.GetMeta(ctx, "hash-key")
		require.NoError(t, err)
		assert.Equal(t, []byte("third"), stored)
		_, err = st.GetMeta(ctx, "other")
		require.ErrorIs(t, err, persistence.ErrNotFound, "names do not meet")
	}},
	{"MetaConcurrentFirstPutsAgree", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		var wg sync.WaitGroup
		got := make([][]byte, 16)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := st.PutMeta(context.Background(), "hash-key", []byte{byte('a' + i)}, false)
				assert.NoError(t, err)
				got[i] = v
			}()
		}
		wg.Wait()
		for _, v := range got {
			assert.Equal(t, got[0], v, "every starter sees the one value stored")
		}
	}},
}
