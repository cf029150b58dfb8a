package redisstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// TestClaimTrimsListingsOfExpiredReminders: a fired or cancelled reminder's
// hash expires by TTL, but its listing members stay until a claim trims
// the gone set; then they are removed, except those of a reminder stored
// again under the same id and due time.
func TestClaimTrimsListingsOfExpiredReminders(t *testing.T) {
	url := testRedis(t)
	prefix := testPrefix(t, url)
	s := openStore(t, url, Options{Prefix: prefix, Retention: 200 * time.Millisecond})
	admin := newClient(t, url)
	t.Cleanup(func() { admin.Close() })
	ctx := context.Background()
	due := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	for _, id := range []string{"fired", "cancelled", "again"} {
		require.NoError(t, s.PutReminder(ctx, persistence.Reminder{Hospital: "h", ID: id, Subject: "p", Due: due}))
	}
	claimed, err := s.ClaimDue(ctx, due, 5, "A", time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 3)
	require.NoError(t, s.FireReminder(ctx, persistence.Firing{Hospital: "h", ID: "fired", Holder: "A", At: due}))
	require.NoError(t, s.FireReminder(ctx, persistence.Firing{Hospital: "h", ID: "again", Holder: "A", At: due}))
	require.NoError(t, s.CancelReminder(ctx, "h", "cancelled", due))
	waitFor(t, 5*time.Second, "done reminders expire", func() bool {
		n, err := admin.Exists(ctx, prefix+"r:1:h:fired", prefix+"r:1:h:cancelled", prefix+"r:1:h:again").Result()
		require.NoError(t, err)
		return n == 0
	})
	require.NoError(t, s.PutReminder(ctx, persistence.Reminder{Hospital: "h", ID: "again", Subject: "p", Due: due}))
	members := func(key string) []string {
		m, err := admin.ZRange(ctx, prefix+key, 0, -1).Result()
		require.NoError(t, err)
		return m
	}
	require.Len(t, members("j:h"), 3, "listing members outlive their hashes until trimmed")
	require.Len(t, members("g"), 3)

	waitFor(t, 5*time.Second, "a claim trims the gone set", func() bool {
		_, err := s.ClaimDue(ctx, due.Add(-time.Hour), 1, "B", time.Minute)
		require.NoError(t, err)
		return len(members("g")) == 0
	})
	member := fixedTime(due) + ":again"
	assert.Equal(t, []string{member}, members("j:h"), "only the stored-again reminder stays listed")
	assert.Equal(t, []string{member}, members("u:1:h:p"))
	listed, _, err := s.ListReminders(ctx, persistence.ReminderQuery{Hospital: "h", Limit: 10})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.Equal(t, persistence.ReminderScheduled, listed[0].State)
	_, err = s.GetReminder(ctx, "h", "fired")
	assert.True(t, errors.Is(err, persistence.ErrNotFound))
}
