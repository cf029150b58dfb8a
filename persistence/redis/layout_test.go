package redisstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// TestKeyLayout pins the keys, types and TTLs that docs/storage.md lists,
// so the document stays true.
func TestKeyLayout(t *testing.T) {
	url := testRedis(t)
	prefix := testPrefix(t, url)
	retention, dedupe := time.Hour, 10*time.Minute
	s := openStore(t, url, Options{Prefix: prefix, Retention: retention, DedupeTTL: dedupe})
	admin := newClient(t, url)
	t.Cleanup(func() { admin.Close() })
	ctx := context.Background()

	c := turn("conv", 0)
	sent := c.Outbox[0]
	pending := persistence.OutboxEntry{ID: persistence.NewID(time.Now()), Sender: "S1", Lane: "conv", Payload: []byte("x")}
	c.Outbox = append(c.Outbox, pending)
	c.Consent = []persistence.ConsentChange{{Hospital: "h", Subject: "p", OptedOut: true, At: time.Unix(1700000000, 5), Source: "patient"}}
	require.NoError(t, s.Commit(ctx, c))
	require.NoError(t, s.MarkSent(ctx, "S1", sent.ID, "SMx", time.Now()))

	want := map[string]struct {
		typ    string
		maxTTL time.Duration // 0: no TTL
	}{
		prefix + "s:conv":                {"string", retention},
		prefix + "o:2:S1:" + sent.ID:     {"hash", retention},
		prefix + "o:2:S1:" + pending.ID:  {"hash", 0},
		prefix + "p:S1":                  {"zset", 0},
		prefix + "m:" + c.MessageSids[0]: {"string", dedupe},
		prefix + "c:h":                   {"hash", 0},
		prefix + "l:h":                   {"stream", 0},
	}
	got, err := admin.Keys(ctx, prefix+"*").Result()
	require.NoError(t, err)
	assert.ElementsMatch(t, keysOf(want), got, "no key beyond the documented ones")
	for key, w := range want {
		typ, err := admin.Type(ctx, key).Result()
		require.NoError(t, err)
		assert.Equal(t, w.typ, typ, key)
		ttl, err := admin.PTTL(ctx, key).Result()
		require.NoError(t, err)
		if w.maxTTL == 0 {
			assert.Equal(t, time.Duration(-1), ttl, "%s has no TTL", key)
		} else {
			assert.True(t, ttl > w.maxTTL-time.Minute && ttl <= w.maxTTL, "%s TTL %v", key, ttl)
		}
	}

	rec, err := admin.Get(ctx, prefix+"s:conv").Result()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(rec, "1:1:"), "snapshot record starts with layout and version")
	assert.True(t, strings.HasSuffix(rec, ":conv@1"), "and ends with the data as given")
	members, err := admin.ZRange(ctx, prefix+"p:S1", 0, -1).Result()
	require.NoError(t, err)
	assert.Equal(t, []string{pending.ID}, members)
	consent, err := admin.HGet(ctx, prefix+"c:h", "p").Result()
	require.NoError(t, err)
	assert.Equal(t, "1"+"01700000000000000005"+"patient", consent, "flag, 20-digit nanoseconds, source")
	ledger, err := admin.XRange(ctx, prefix+"l:h", "-", "+").Result()
	require.NoError(t, err)
	require.Len(t, ledger, 1)
	assert.Equal(t, "p", ledger[0].Values["subject"])
	assert.Equal(t, "1", ledger[0].Values["opted_out"])
	assert.Equal(t, "patient", ledger[0].Values["source"])
	assert.NotEmpty(t, ledger[0].Values["commit"])
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestErrorsNameNoKeys: keys carry conversation keys and subjects, which
// are keyed hashes but still identify a patient to whoever holds the key;
// errors must not print them.
func TestErrorsNameNoKeys(t *testing.T) {
	url := testRedis(t)
	prefix := testPrefix(t, url)
	s := openStore(t, url, Options{Prefix: prefix})
	admin := newClient(t, url)
	t.Cleanup(func() { admin.Close() })
	ctx := context.Background()
	const key = "conv-7f3a9c"

	require.NoError(t, s.Commit(ctx, turn(key, 0)))
	conflict := s.Commit(ctx, turn(key, 0))
	require.ErrorIs(t, conflict, persistence.ErrConflict)

	require.NoError(t, admin.Set(ctx, prefix+"s:"+key, "garbage", 0).Err())
	_, loadErr := s.Load(ctx, key)
	require.Error(t, loadErr)
	commitErr := s.Commit(ctx, turn(key, 1))
	require.Error(t, commitErr)
	assert.NotErrorIs(t, commitErr, persistence.ErrConflict, "an unreadable record is no conflict")

	for _, err := range []error{conflict, loadErr, commitErr} {
		assert.NotContains(t, err.Error(), key)
		assert.NotContains(t, err.Error(), prefix)
	}
}
