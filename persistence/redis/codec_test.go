package redisstore

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// TestConsentAtOrdersAsStrings: the commit script compares consent times
// as strings, which must agree with time order.
func TestConsentAtOrdersAsStrings(t *testing.T) {
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
		a, b := consentAt(times[i-1]), consentAt(times[i])
		assert.Len(t, b, consentAtWidth)
		assert.LessOrEqual(t, a, b, "%v before %v", times[i-1], times[i])
	}
	assert.Equal(t, consentAt(time.Time{}), consentAt(time.Unix(-5, 0)), "before 1970 counts as 0")
}
