package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var claimChecks = []check{
	{"ClaimDueEarliestFirstUpToLimit", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		next, err := st.NextDue(ctx)
		require.NoError(t, err)
		assert.True(t, next.IsZero(), "nothing scheduled yet")
		putReminders(t, st,
			newReminder("h1", "late", "p1", at(time.Minute)),
			newReminder("h1", "second", "p1", at(-2*time.Minute)),
			newReminder("h2", "first", "p2", at(-3*time.Minute)),
			newReminder("h1", "third", "p1", at(0)),
		)
		next, err = st.NextDue(ctx)
		require.NoError(t, err)
		assert.WithinDuration(t, at(-3*time.Minute), next, timeSlack)

		got, err := st.ClaimDue(ctx, baseTime, 2, "A", time.Hour)
		require.NoError(t, err)
		require.Equal(t, []string{"first", "second"}, reminderIDs(got), "earliest first, every hospital")
		assert.Equal(t, "h2", got[0].Hospital)
		assert.Equal(t, "p2", got[0].Subject)
		assert.Equal(t, persistence.ReminderScheduled, got[0].State)
		assert.Equal(t, []byte("reminder\x00\xfffirst"), got[0].Payload)
		assert.Equal(t, []string{"third"}, claim(t, st, baseTime, 5, "B", time.Hour), "due at now counts, claimed ones not again")
		assert.Empty(t, claim(t, st, baseTime, 5, "C", time.Hour))
		next, err = st.NextDue(ctx)
		require.NoError(t, err)
		assert.WithinDuration(t, at(time.Minute), next, timeSlack, "claimed reminders wait for their lease end")
		assert.Equal(t, []string{"late"}, claim(t, st, at(time.Minute), 5, "C", time.Hour))

		for name, call := range map[string]func() error{
			"limit 0":  func() error { _, err := st.ClaimDue(ctx, baseTime, 0, "A", time.Minute); return err },
			"holder":   func() error { _, err := st.ClaimDue(ctx, baseTime, 1, "", time.Minute); return err },
			"no lease": func() error { _, err := st.ClaimDue(ctx, baseTime, 1, "A", 0); return err },
		} {
			assert.Error(t, call(), name)
		}
	}},
	{"ExpiredLeaseIsClaimedAgain", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		putReminders(t, st, newReminder("h1", "r1", "p1", baseTime))
		require.Equal(t, []string{"r1"}, claim(t, st, baseTime, 10, "A", time.Minute))
		assert.Empty(t, claim(t, st, at(59*time.Second), 10, "B", time.Minute), "the lease holds")
		next, err := st.NextDue(ctx)
		require.NoError(t, err)
		assert.WithinDuration(t, at(time.Minute), next, timeSlack, "due again at the lease end")
		assert.Equal(t, []string{"r1"}, claim(t, st, at(time.Minute), 10, "B", time.Minute), "a lease that ran out")

		lost := newEntry("S1", "lane")
		err = st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "r1", Holder: "A", Outbox: []persistence.OutboxEntry{lost}, At: at(time.Minute)})
		require.ErrorIs(t, err, persistence.ErrConflict, "A lost its lease to B")
		requireEntries(t, st, false, lost)
		assert.Zero(t, getReminder(t, st, "h1", "r1").Fired)

		won := newEntry("S1", "lane")
		require.NoError(t, st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "r1", Holder: "B", Outbox: []persistence.OutboxEntry{won}, At: at(time.Minute)}))
		assert.Equal(t, []string{won.ID}, pendingIDs(t, st, "S1"))
	}},
	{"FireMarksFiredWithItsEntries", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		putReminders(t, st, newReminder("h1", "r1", "p1", baseTime))
		require.Equal(t, []string{"r1"}, claim(t, st, baseTime, 1, "A", time.Minute))
		a, b := newEntry("S1", "lane"), newEntry("S1", "lane")
		require.NoError(t, st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "r1", Holder: "A",
			Outbox: []persistence.OutboxEntry{a, b}, At: at(time.Second)}))
		got := getReminder(t, st, "h1", "r1")
		assert.Equal(t, persistence.ReminderFired, got.State)
		assert.Equal(t, 1, got.Fired)
		assert.WithinDuration(t, at(time.Second), got.UpdatedAt, timeSlack)
		assert.Equal(t, ids(a, b), pendingIDs(t, st, "S1"), "entries enqueued like a commit's")
		next, err := st.NextDue(ctx)
		require.NoError(t, err)
		assert.True(t, next.IsZero(), "a fired reminder is not due")
		assert.Empty(t, claim(t, st, at(time.Hour), 5, "B", time.Minute))

		again := newEntry("S1", "lane")
		assert.ErrorIs(t, st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "r1", Holder: "A",
			Outbox: []persistence.OutboxEntry{again}, At: at(time.Second)}), persistence.ErrConflict, "fires once")
		requireEntries(t, st, false, again)
		assert.ErrorIs(t, st.CancelReminder(ctx, "h1", "r1", baseTime), persistence.ErrConflict, "too late to cancel")
		assert.ErrorIs(t, st.PutReminder(ctx, newReminder("h1", "r1", "p1", at(time.Hour))), persistence.ErrConflict)
		assert.ErrorIs(t, st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "nope", Holder: "A", At: baseTime}),
			persistence.ErrNotFound)
		assert.Error(t, st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "r1", At: baseTime}), "no holder")
	}},
	{"RepeatingReminderMovesToNext", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		putReminders(t, st, newReminder("h1", "pill", "p1", baseTime), newReminder("h1", "other", "p1", at(time.Hour)))
		day := 24 * time.Hour
		require.Equal(t, []string{"pill"}, claim(t, st, baseTime, 1, "A", time.Minute))
		require.NoError(t, st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "pill", Holder: "A",
			Outbox: []persistence.OutboxEntry{newEntry("S1", "lane")}, Next: at(day), At: baseTime}))
		got := getReminder(t, st, "h1", "pill")
		assert.Equal(t, persistence.ReminderScheduled, got.State, "stays scheduled")
		assert.WithinDuration(t, at(day), got.Due, timeSlack)
		assert.Equal(t, 1, got.Fired)
		assert.Equal(t, []string{"other", "pill"}, listAll(t, st, persistence.ReminderQuery{Hospital: "h1", Limit: 1}),
			"listed once, at its next due time")
		assert.Equal(t, []string{"other"}, claim(t, st, at(2*time.Hour), 5, "B", 48*time.Hour), "not due before Next")

		require.Equal(t, []string{"pill"}, claim(t, st, at(day), 5, "C", time.Minute), "due again at Next")
		require.NoError(t, st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "pill", Holder: "C",
			Next: at(day + time.Hour), At: at(day)}), "a deferral sends nothing")
		assert.Equal(t, 1, getReminder(t, st, "h1", "pill").Fired, "a deferral is not an occurrence sent")
		require.Equal(t, []string{"pill"}, claim(t, st, at(day+time.Hour), 5, "D", time.Minute))
		require.NoError(t, st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "pill", Holder: "D",
			Outbox: []persistence.OutboxEntry{newEntry("S1", "lane")}, At: at(day + time.Hour)}))
		got = getReminder(t, st, "h1", "pill")
		assert.Equal(t, persistence.ReminderFired, got.State)
		assert.Equal(t, 2, got.Fired)
		assert.Len(t, pendingIDs(t, st, "S1"), 2)
	}},
	{"LostLeaseFiringWritesNothing", func(t *testing.T, s *suite) {
		ctx := context.Background()
		lose := map[string]func(t *testing.T, st persistence.Store){
			"never claimed":    func(*testing.T, persistence.Store) {},
			"claimed by other": func(t *testing.T, st persistence.Store) { claimAt(t, st, "B", baseTime) },
			"cancelled": func(t *testing.T, st persistence.Store) {
				claimAt(t, st, "A", baseTime)
				require.NoError(t, st.CancelReminder(ctx, "h1", "r1", baseTime))
			},
			"replaced": func(t *testing.T, st persistence.Store) {
				claimAt(t, st, "A", baseTime)
				putReminders(t, st, newReminder("h1", "r1", "p1", at(-time.Second)))
			},
			"ran out, claimed by other": func(t *testing.T, st persistence.Store) {
				claimAt(t, st, "A", baseTime)
				claimAt(t, st, "B", at(2*time.Minute))
			},
		}
		for name, do := range lose {
			t.Run(name, func(t *testing.T) {
				st := s.fresh(t)
				putReminders(t, st, newReminder("h1", "r1", "p1", at(-time.Minute)))
				do(t, st)
				before := getReminder(t, st, "h1", "r1")
				e := newEntry("S1", "lane")
				err := st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "r1", Holder: "A",
					Outbox: []persistence.OutboxEntry{e}, At: at(3 * time.Minute)})
				assert.ErrorIs(t, err, persistence.ErrConflict)
				requireEntries(t, st, false, e)
				assert.Empty(t, pendingIDs(t, st, "S1"))
				assert.Equal(t, before, getReminder(t, st, "h1", "r1"), "the reminder is untouched")
			})
		}
	}},
	{"RanOutLeaseUnclaimedStillFires", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		putReminders(t, st, newReminder("h1", "r1", "p1", baseTime))
		require.Equal(t, []string{"r1"}, claim(t, st, baseTime, 1, "A", time.Second))
		require.NoError(t, st.FireReminder(context.Background(), persistence.Firing{Hospital: "h1", ID: "r1", Holder: "A",
			Outbox: []persistence.OutboxEntry{newEntry("S1", "lane")}, At: at(time.Hour)}), "late, and still once")
		assert.Equal(t, persistence.ReminderFired, getReminder(t, st, "h1", "r1").State)
		assert.Empty(t, claim(t, st, at(2*time.Hour), 5, "B", time.Minute))
	}},
}

// claimAt claims reminder r1 for holder at now with a one-minute lease,
// requiring that it is the only one claimed.
func claimAt(t *testing.T, st persistence.Store, holder string, now time.Time) {
	t.Helper()
	require.Equal(t, []string{"r1"}, claim(t, st, now, 10, holder, time.Minute), "claim as %s", holder)
}
