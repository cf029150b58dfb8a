package redisstore

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

func TestSnapshotRecordRoundTrip(t *testing.T) {
	at := time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.UTC)
	for name, data := range map[string][]byte{
		"empty":        {},
		"binary":       []byte("\x00\xff:1:2:3:\n"),
		"header-alike": []byte("1:99:0:tok:"),
	} {
		t.Run(name, func(t *testing.T) {
			snap, err := decodeSnapshot("k", encodeSnapshot(42, at, "tok36", data))
			require.NoError(t, err)
			assert.Equal(t, "k", snap.Key)
			assert.Equal(t, uint64(42), snap.Version)
			assert.Equal(t, at, snap.UpdatedAt)
			assert.Equal(t, data, snap.Data)
			assert.NotNil(t, snap.Data)
		})
	}
}

func TestCorruptSnapshotRecords(t *testing.T) {
	for _, rec := range []string{"", "garbage", "2:1:0:t:data", "1:x:0:t:data", "1:1:y:t:data", "1:1:0"} {
		_, err := decodeSnapshot("k", []byte(rec))
		assert.ErrorIs(t, err, errCorrupt, "%q", rec)
	}
}

// TestFixedTimeOrdersAsStrings: scripts compare consent and inbound times
// and sort reminder due times as strings, which must agree with time order.
func TestFixedTimeOrdersAsStrings(t *testing.T) {
	times := []time.Time{
		{},
		time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 1),
		time.Unix(9, 999999999),
		time.Unix(10, 0),
		time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC),
		time.Date(2025, 3, 1, 9, 30, 0, 1, time.UTC),
		time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for i := 1; i < len(times); i++ {
		a, b := fixedTime(times[i-1]), fixedTime(times[i])
		assert.Len(t, b, fixedTimeWidth)
		assert.LessOrEqual(t, a, b, "%v before %v", times[i-1], times[i])
	}
	assert.Equal(t, fixedTime(time.Time{}), fixedTime(time.Unix(-5, 0)), "before 1970 counts as 0")
}

func TestIdempotencyRecordRoundTrip(t *testing.T) {
	at := time.Date(2025, 3, 1, 9, 30, 0, 7, time.UTC)
	for name, rec := range map[string]persistence.IdempotencyRecord{
		"full":  {Hospital: "h", Key: "k", RequestHash: "abc:def", Status: 201, Body: []byte("{}\x00:"), CreatedAt: at},
		"empty": {Hospital: "h", Key: "k"},
	} {
		got, err := decodeIdem("h", "k", encodeIdem(rec))
		require.NoError(t, err, name)
		if rec.Body == nil {
			rec.Body = []byte{}
		}
		assert.Equal(t, rec, got, name)
	}
	for _, bad := range []string{"", "2:1:2:3:", "1:x::0:", "1:200::9:short"} {
		_, err := decodeIdem("h", "k", bad)
		assert.ErrorIs(t, err, errCorrupt, "%q", bad)
	}
}

func TestPairsAndCursors(t *testing.T) {
	for _, p := range [][2]string{{"a:b", "c"}, {"a", "b:c"}, {"", "x"}, {"whatsapp:+1", ""}} {
		a, b, ok := splitPair(pair(p[0], p[1]))
		require.True(t, ok, "%q", p)
		assert.Equal(t, p, [2]string{a, b})
	}
	for _, bad := range []string{"", "x:a:b", "5:ab:c", "1:ab"} {
		_, _, ok := splitPair(bad)
		assert.False(t, ok, "%q", bad)
	}
	member := listMember(time.Unix(1700000000, 0), "r:1")
	got, err := decodeCursor(encodeCursor(member))
	require.NoError(t, err)
	assert.Equal(t, member, got)
	for _, bad := range []string{"!", encodeCursor("short"), encodeCursor("01700000000000000000x")} {
		_, err := decodeCursor(bad)
		assert.ErrorIs(t, err, persistence.ErrBadCursor, "%q", bad)
	}
}

func TestDueScoreNeverEarly(t *testing.T) {
	for _, tc := range []struct {
		due  time.Time
		want int64
	}{
		{time.UnixMilli(1700000000000), 1700000000000},
		{time.UnixMilli(1700000000000).Add(1), 1700000000001},
		{time.UnixMilli(1700000000000).Add(999999), 1700000000001},
		{time.Unix(-1, 0), 0},
	} {
		assert.Equal(t, tc.want, dueScore(tc.due), "%v", tc.due)
	}
}
