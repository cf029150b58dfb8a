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

	in.Holder, in.LeasedUntil, in.leaseRun = "run-1", at.Add(time.Minute), 7
	out, err = decodeEntry(encodeEntry(in))
	require.NoError(t, err)
	assert.Equal(t, in, out, "with a lease")
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

// TestEntryFromBeforeStatuses: entries written before delivery statuses
// existed end after their expiry and still decode, with no status.
func TestEntryFromBeforeStatuses(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	w := newWriter(64) // the layout without the three status fields
	w.string("0001")
	w.string("whatsapp:+1")
	w.string("lane")
	w.bytes([]byte("p"))
	w.time(at)
	w.string(string(persistence.OutboxSent))
	w.uint(1)
	w.string("")
	w.string("SM1")
	w.time(at)
	w.time(at.Add(time.Hour))
	e, err := decodeEntry(w.b)
	require.NoError(t, err)
	assert.Equal(t, "SM1", e.ProviderID)
	assert.Equal(t, at.Add(time.Hour), e.expiresAt)
	assert.Empty(t, e.Status)
	assert.True(t, e.StatusAt.IsZero())

	e.Status, e.ErrorCode, e.StatusAt = "read", "", at
	again, err := decodeEntry(encodeEntry(e))
	require.NoError(t, err)
	assert.Equal(t, e, again)
}

func TestReminderRoundTrip(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	in := reminderRecord{
		Reminder: persistence.Reminder{Hospital: "h", ID: "r1", Subject: "p", Kind: "medicine", Due: at,
			State: persistence.ReminderScheduled, Fired: 3, Payload: []byte{0, 0xff}, CreatedAt: at, UpdatedAt: at},
		holder: "A", leasedUntil: at.Add(time.Minute),
	}
	out, err := decodeReminder(encodeReminder(in))
	require.NoError(t, err)
	assert.Equal(t, in, out)
	assert.Equal(t, at.Add(time.Minute), out.claimAt(), "a leased reminder is claimable at its lease end")
	out.holder = ""
	assert.Equal(t, at, out.claimAt())
}
