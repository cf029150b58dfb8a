package embedded

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

func TestEntryRoundTrip(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	in := entryRecord{OutboxEntry: persistence.OutboxEntry{
		ID: "0001", Sender: "whatsapp:+1", Lane: "lane", Payload: []byte{0, 1, 0xff},
		CreatedAt: at, State: persistence.OutboxFailed, Attempts: 3, LastError: "63016",
		ProviderID: "SM1", UpdatedAt: at.Add(time.Second),
	}}
	out, err := decodeEntry(encodeEntry(in))
	require.NoError(t, err)
	assert.Equal(t, in, out, "zero expiresAt survives as zero")
}

func TestSnapshotRoundTrip(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	in := snapshotRecord{version: 1 << 40, updatedAt: at, expiresAt: at.Add(time.Hour), data: []byte("s")}
	out, err := decodeSnapshot(encodeSnapshot(in))
	require.NoError(t, err)
	assert.Equal(t, in, out)

	empty, err := decodeSnapshot(encodeSnapshot(snapshotRecord{data: []byte{}}))
	require.NoError(t, err)
	assert.NotNil(t, empty.data, "empty data stays distinct from no data")
}

func TestDecodeRejectsCorruptRecords(t *testing.T) {
	valid := encodeEntry(entryRecord{OutboxEntry: persistence.OutboxEntry{ID: "1", Sender: "s", Payload: []byte("payload")}})
	for name, b := range map[string][]byte{
		"empty":          nil,
		"unknown format": append([]byte{9}, valid[1:]...),
		"truncated":      valid[:len(valid)-3],
		"long length":    {recordV1, 0xff, 0xff, 0xff, 0x0f},
	} {
		_, err := decodeEntry(b)
		assert.ErrorIs(t, err, errCorrupt, name)
	}
	_, err := decodeConsent([]byte{recordV1, 2})
	assert.ErrorIs(t, err, errCorrupt, "bool out of range")
}
