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

// idemRecord is an idempotency record of hospital and key answering with
// body.
func idemRecord(hospital, key, body string) persistence.IdempotencyRecord {
	return persistence.IdempotencyRecord{Hospital: hospital, Key: key, RequestHash: "sha-" + body,
		Status: 201, Body: []byte(body + "\x00\xff"), CreatedAt: baseTime}
}

var idempotencyChecks = []check{
	{"RememberFirstAnswerWins", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		first := idemRecord("h1", "key-1", "first")
		got, existed, err := st.Remember(ctx, first, time.Hour)
		require.NoError(t, err)
		assert.False(t, existed)
		assert.Equal(t, first, got)

		retry := idemRecord("h1", "key-1", "second")
		retry.Status = 500
		got, existed, err = st.Remember(ctx, retry, time.Hour)
		require.NoError(t, err)
		assert.True(t, existed)
		assert.Equal(t, first.RequestHash, got.RequestHash, "the stored request, to tell a retry from a reused key")
		assert.Equal(t, first.Status, got.Status)
		assert.Equal(t, first.Body, got.Body)
		assert.WithinDuration(t, first.CreatedAt, got.CreatedAt, timeSlack)
		assert.Equal(t, "h1", got.Hospital)
		assert.Equal(t, "key-1", got.Key)

		for _, other := range []persistence.IdempotencyRecord{idemRecord("h2", "key-1", "x"), idemRecord("h1", "key-2", "x"), idemRecord("h1k", "ey-1", "x")} {
			_, existed, err = st.Remember(ctx, other, time.Hour)
			require.NoError(t, err)
			assert.False(t, existed, "keys are per hospital: %s/%s", other.Hospital, other.Key)
		}
		for name, call := range map[string]func() error{
			"no key":      func() error { _, _, err := st.Remember(ctx, idemRecord("h1", "", "x"), time.Hour); return err },
			"no hospital": func() error { _, _, err := st.Remember(ctx, idemRecord("", "k", "x"), time.Hour); return err },
			"no ttl":      func() error { _, _, err := st.Remember(ctx, idemRecord("h1", "k", "x"), 0); return err },
		} {
			assert.Error(t, call(), name)
		}
	}},
	{"RememberConcurrentFirstWriterWins", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		const callers = 16
		got := make([]persistence.IdempotencyRecord, callers)
		existed := make([]bool, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				var err error
				got[i], existed[i], err = st.Remember(context.Background(), idemRecord("h1", "key", fmt.Sprint(i)), time.Hour)
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		stored := 0
		for i := range callers {
			if !existed[i] {
				stored++
			}
			assert.Equal(t, got[0].RequestHash, got[i].RequestHash, "every caller sees the one stored answer")
			assert.Equal(t, got[0].Body, got[i].Body)
		}
		assert.Equal(t, 1, stored, "exactly one caller stored its answer")
	}},
}

var mediaChecks = []check{
	{"PutMediaThenGet", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		_, err := st.GetMedia(ctx, "m1")
		require.ErrorIs(t, err, persistence.ErrNotFound)
		sealed := []byte("sealed\x00\xff image")
		require.NoError(t, st.PutMedia(ctx, "m1", sealed, time.Hour))
		got, err := st.GetMedia(ctx, "m1")
		require.NoError(t, err)
		assert.Equal(t, sealed, got)
		got[0] = 'X'
		again, err := st.GetMedia(ctx, "m1")
		require.NoError(t, err)
		assert.Equal(t, sealed, again, "GetMedia returns a copy")

		require.NoError(t, st.PutMedia(ctx, "m1", []byte("replaced"), time.Hour))
		got, err = st.GetMedia(ctx, "m1")
		require.NoError(t, err)
		assert.Equal(t, []byte("replaced"), got)
		_, err = st.GetMedia(ctx, "m")
		assert.ErrorIs(t, err, persistence.ErrNotFound)
		assert.Error(t, st.PutMedia(ctx, "", sealed, time.Hour), "no id")
		assert.Error(t, st.PutMedia(ctx, "m2", sealed, 0), "no ttl")
	}},
}
