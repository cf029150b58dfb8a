package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// at is a fixture time d after baseTime.
func at(d time.Duration) time.Time { return baseTime.Add(d) }

// newReminder builds a reminder due at due, with binary-unsafe bytes in
// its payload.
func newReminder(hospital, id, subject string, due time.Time) persistence.Reminder {
	return persistence.Reminder{
		Hospital:  hospital,
		ID:        id,
		Subject:   subject,
		Kind:      "appointment",
		Due:       due,
		Payload:   []byte("reminder\x00\xff" + id),
		CreatedAt: baseTime.Add(-time.Hour),
	}
}

// putReminders stores reminders, failing the test on the first error.
func putReminders(t *testing.T, st persistence.Store, rs ...persistence.Reminder) {
	t.Helper()
	for _, r := range rs {
		require.NoError(t, st.PutReminder(context.Background(), r), "put reminder %s", r.ID)
	}
}

// getReminder returns a stored reminder, failing the test without one.
func getReminder(t *testing.T, st persistence.Store, hospital, id string) persistence.Reminder {
	t.Helper()
	r, err := st.GetReminder(context.Background(), hospital, id)
	require.NoError(t, err, "get reminder %s", id)
	return r
}

// claim runs ClaimDue and returns the ids claimed, in order.
func claim(t *testing.T, st persistence.Store, now time.Time, limit int, holder string, lease time.Duration) []string {
	t.Helper()
	rs, err := st.ClaimDue(context.Background(), now, limit, holder, lease)
	require.NoError(t, err, "claim as %s", holder)
	return reminderIDs(rs)
}

// reminderIDs lists reminders' ids in order.
func reminderIDs(rs []persistence.Reminder) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// listAll pages through a listing with pages of size limit and returns
// the ids in listing order.
func listAll(t *testing.T, st persistence.Store, q persistence.ReminderQuery) []string {
	t.Helper()
	var out []string
	for page := 0; ; page++ {
		require.Less(t, page, 1000, "listing never ends")
		rs, next, err := st.ListReminders(context.Background(), q)
		require.NoError(t, err)
		require.LessOrEqual(t, len(rs), q.Limit)
		out = append(out, reminderIDs(rs)...)
		if next == "" {
			return out
		}
		require.NotEqual(t, q.Cursor, next, "the cursor moves")
		q.Cursor = next
	}
}

// requireEntries checks which outbox entries a sender has, pending or not.
func requireEntries(t *testing.T, st persistence.Store, present bool, entries ...persistence.OutboxEntry) {
	t.Helper()
	for _, e := range entries {
		_, err := st.Entry(context.Background(), e.Sender, e.ID)
		if present {
			assert.NoError(t, err, "outbox entry %s", e.ID)
		} else {
			assert.ErrorIs(t, err, persistence.ErrNotFound, "outbox entry %s of a refused write", e.ID)
		}
	}
}
