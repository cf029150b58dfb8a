package redisstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// TestKeyLayout pins the keys, types and TTLs that docs/storage.md lists,
// so the document stays true, and that keys the scripts build from stored
// data (listings, reminder hashes) are the ones keys.go builds.
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
	pending := persistence.OutboxEntry{ID: persistence.NewID(time.Now()), Sender: "S1", Lane: "conv", Payload: []byte("x"),
		Holder: "run-a", LeasedUntil: time.Unix(1700000000, 7)}
	c.Outbox = append(c.Outbox, pending)
	at := time.Unix(1700000000, 5)
	c.Consent = []persistence.ConsentChange{
		{Hospital: "h", Subject: "p", OptedOut: true, At: at, Source: "patient"},
		{Hospital: "h", Subject: "p", Kind: "medicine", OptedOut: false, At: at, Source: "api"},
	}
	c.Inbound = &persistence.Inbound{Sender: "S1", Subject: "p", At: at}
	require.NoError(t, s.Commit(ctx, c))
	require.NoError(t, s.MarkSent(ctx, "S1", sent.ID, "SMx", time.Now()))
	require.NoError(t, s.RecordStatus(ctx, "SMx", persistence.DeliveryStatus{Status: "failed", ErrorCode: "63016", At: at}))
	due := time.Unix(1700000000, 1500000) // 1.5 ms past a second: the score rounds up
	for _, id := range []string{"r1", "r2"} {
		require.NoError(t, s.PutReminder(ctx, persistence.Reminder{Hospital: "h", ID: id, Subject: "p", Due: due}))
	}
	claimed, err := s.ClaimDue(ctx, due, 1, "A", time.Minute)
	require.NoError(t, err)
	require.Empty(t, claimed, "due times count from the next whole millisecond")
	claimed, err = s.ClaimDue(ctx, due.Add(time.Millisecond/2), 1, "A", time.Minute)
	require.NoError(t, err)
	require.Equal(t, "r1", claimed[0].ID)
	require.NoError(t, s.FireReminder(ctx, persistence.Firing{Hospital: "h", ID: "r1", Holder: "A", At: due}))
	_, _, err = s.Remember(ctx, persistence.IdempotencyRecord{Hospital: "h", Key: "key", Status: 200}, 5*time.Minute)
	require.NoError(t, err)
	require.NoError(t, s.PutMedia(ctx, "m1", []byte("sealed"), 5*time.Minute))

	want := map[string]struct {
		typ    string
		maxTTL time.Duration // 0: no TTL
	}{
		prefix + "s:conv":                {"string", retention},
		prefix + "o:2:S1:" + sent.ID:     {"hash", retention},
		prefix + "o:2:S1:" + pending.ID:  {"hash", 0},
		prefix + "p:S1":                  {"zset", 0},
		prefix + "v:SMx":                 {"string", retention},
		prefix + "i:2:S1:p":              {"string", retention},
		prefix + "m:" + c.MessageSids[0]: {"string", dedupe},
		prefix + "c:h":                   {"hash", 0},
		prefix + "k:1:h:medicine":        {"hash", 0},
		prefix + "l:h":                   {"stream", 0},
		prefix + "h:1:h:p":               {"list", 0},
		prefix + "r:1:h:r1":              {"hash", retention},
		prefix + "r:1:h:r2":              {"hash", 0},
		prefix + "d":                     {"zset", 0},
		prefix + "g":                     {"zset", 0},
		prefix + "j:h":                   {"zset", 0},
		prefix + "u:1:h:p":               {"zset", 0},
		prefix + "e:1:h:key":             {"string", 5 * time.Minute},
		prefix + "f:m1":                  {"string", 5 * time.Minute},
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
	entry, err := admin.HGetAll(ctx, prefix+"o:2:S1:"+sent.ID).Result()
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"d": "failed", "r": "5", "k": "63016", "t": "1700000000000000005"},
		map[string]string{"d": entry["d"], "r": entry["r"], "k": entry["k"], "t": entry["t"]}, "delivery status fields")
	entry, err = admin.HGetAll(ctx, prefix+"o:2:S1:"+pending.ID).Result()
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"h": "run-a", "q": "01700000000000000007"},
		map[string]string{"h": entry["h"], "q": entry["q"]}, "lease fields: holder, 20-digit end")
	index, err := admin.Get(ctx, prefix+"v:SMx").Result()
	require.NoError(t, err)
	assert.Equal(t, "2:S1:"+sent.ID, index)
	inbound, err := admin.Get(ctx, prefix+"i:2:S1:p").Result()
	require.NoError(t, err)
	assert.Equal(t, "01700000000000000005", inbound)

	consent, err := admin.HGet(ctx, prefix+"c:h", "p").Result()
	require.NoError(t, err)
	assert.Equal(t, "1"+"01700000000000000005"+"patient", consent, "flag, 20-digit nanoseconds, source")
	consent, err = admin.HGet(ctx, prefix+"k:1:h:medicine", "p").Result()
	require.NoError(t, err)
	assert.Equal(t, "0"+"01700000000000000005"+"api", consent)
	history, err := admin.LRange(ctx, prefix+"h:1:h:p", 0, -1).Result()
	require.NoError(t, err)
	assert.Equal(t, []string{"101700000000000000005" + "0:patient", "001700000000000000005" + "8:medicineapi"}, history,
		"flag, 20-digit ns, kind length and kind, source")
	ledger, err := admin.XRange(ctx, prefix+"l:h", "-", "+").Result()
	require.NoError(t, err)
	require.Len(t, ledger, 2)
	assert.Equal(t, "p", ledger[0].Values["subject"])
	assert.Equal(t, "", ledger[0].Values["kind"])
	assert.Equal(t, "medicine", ledger[1].Values["kind"])
	assert.Equal(t, "1", ledger[0].Values["opted_out"])
	assert.Equal(t, "patient", ledger[0].Values["source"])
	assert.NotEmpty(t, ledger[0].Values["commit"])

	dueMember := "0" + "1700000000001500000"
	queue, err := admin.ZRangeWithScores(ctx, prefix+"d", 0, -1).Result()
	require.NoError(t, err)
	assert.Equal(t, []redis.Z{{Score: 1700000000002, Member: "1:h:r2"}}, queue, "only the scheduled reminder, due ms rounded up")
	for _, list := range []string{prefix + "j:h", prefix + "u:1:h:p"} {
		listed, err := admin.ZRange(ctx, list, 0, -1).Result()
		require.NoError(t, err)
		assert.Equal(t, []string{dueMember + ":r1", dueMember + ":r2"}, listed, list)
	}
	gone, err := admin.ZRange(ctx, prefix+"g", 0, -1).Result()
	require.NoError(t, err)
	assert.Equal(t, []string{"1:h" + "1:p" + "2:r1" + dueMember}, gone)
	reminder, err := admin.HGetAll(ctx, prefix+"r:1:h:r1").Result()
	require.NoError(t, err)
	assert.Equal(t, "fired", reminder["s"])
	assert.Equal(t, dueMember, reminder["d"])
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
