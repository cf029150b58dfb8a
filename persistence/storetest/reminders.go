package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var reminderChecks = []check{
	{"PutReminderThenGet", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		r := newReminder("h1", "r1", "p1", at(time.Hour))
		r.State, r.Fired = persistence.ReminderFired, 7 // the store decides both
		putReminders(t, st, r)
		got := getReminder(t, st, "h1", "r1")
		assert.Equal(t, "h1", got.Hospital)
		assert.Equal(t, "r1", got.ID)
		assert.Equal(t, "p1", got.Subject)
		assert.Equal(t, "appointment", got.Kind)
		assert.WithinDuration(t, r.Due, got.Due, timeSlack)
		assert.Equal(t, persistence.ReminderScheduled, got.State)
		assert.Zero(t, got.Fired)
		assert.Equal(t, r.Payload, got.Payload)
		assert.WithinDuration(t, r.CreatedAt, got.CreatedAt, timeSlack, "CreatedAt as given")
		assert.False(t, got.UpdatedAt.IsZero(), "UpdatedAt is stamped by the store")
		if clock := s.clock(); clock != nil {
			assert.WithinDuration(t, clock.Now(), got.UpdatedAt, timeSlack)
		}

		for _, k := range [][2]string{{"h1", "r2"}, {"h2", "r1"}, {"h", "1r1"}, {"h1r", "1"}} {
			_, err := st.GetReminder(ctx, k[0], k[1])
			assert.ErrorIs(t, err, persistence.ErrNotFound, "reminders are per hospital and id: %v", k)
		}
		noCreated := newReminder("h1", "r3", "p1", at(time.Hour))
		noCreated.CreatedAt = time.Time{}
		putReminders(t, st, noCreated)
		assert.False(t, getReminder(t, st, "h1", "r3").CreatedAt.IsZero(), "a zero CreatedAt is stamped")
	}},
	{"PutReminderReplacesScheduled", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		r := newReminder("h1", "r1", "p1", at(time.Hour))
		putReminders(t, st, r, newReminder("h1", "r2", "p1", at(90*time.Minute)))
		moved := newReminder("h1", "r1", "p2", at(2*time.Hour))
		moved.Kind, moved.Payload, moved.CreatedAt = "medicine", []byte("new"), baseTime
		putReminders(t, st, moved)

		got := getReminder(t, st, "h1", "r1")
		assert.Equal(t, "p2", got.Subject)
		assert.Equal(t, "medicine", got.Kind)
		assert.WithinDuration(t, moved.Due, got.Due, timeSlack)
		assert.Equal(t, []byte("new"), got.Payload)
		assert.WithinDuration(t, r.CreatedAt, got.CreatedAt, timeSlack, "CreatedAt of the first put stays")
		q := persistence.ReminderQuery{Hospital: "h1", Limit: 10}
		assert.Equal(t, []string{"r2", "r1"}, listAll(t, st, q), "listed once, at its new due time")
		q.Subject = "p1"
		assert.Equal(t, []string{"r2"}, listAll(t, st, q), "gone from the old subject's listing")
		q.Subject = "p2"
		assert.Equal(t, []string{"r1"}, listAll(t, st, q))
		assert.Empty(t, claim(t, st, at(time.Hour), 5, "A", time.Minute), "not due at its old time")
		assert.Equal(t, []string{"r2", "r1"}, claim(t, st, at(3*time.Hour), 5, "A", time.Minute),
			"due at its new time, claimed once")
	}},
	{"PutReminderRefusesInvalid", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		valid := newReminder("h1", "r1", "p1", at(time.Hour))
		for name, change := range map[string]func(*persistence.Reminder){
			"no hospital": func(r *persistence.Reminder) { r.Hospital = "" },
			"no id":       func(r *persistence.Reminder) { r.ID = "" },
			"no subject":  func(r *persistence.Reminder) { r.Subject = "" },
			"no due":      func(r *persistence.Reminder) { r.Due = time.Time{} },
		} {
			r := valid
			change(&r)
			assert.Error(t, st.PutReminder(ctx, r), name)
		}
		_, err := st.GetReminder(ctx, "h1", "r1")
		assert.ErrorIs(t, err, persistence.ErrNotFound)
		next, err := st.NextDue(ctx)
		require.NoError(t, err)
		assert.True(t, next.IsZero(), "nothing scheduled")
	}},
	{"ListRemindersInDueOrderWithCursor", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		putReminders(t, st,
			newReminder("h1", "e", "p1", at(5*time.Minute)),
			newReminder("h1", "b", "p2", at(2*time.Minute)),
			newReminder("h1", "d", "p1", at(3*time.Minute)), // equal Due: by id
			newReminder("h1", "c", "p2", at(3*time.Minute)),
			newReminder("h1", "a", "p1", at(-time.Hour)),
			newReminder("h1", "f", "p1", at(24*time.Hour)),
			newReminder("h2", "x", "p1", at(time.Minute)),
			newReminder("h12", "y", "p1", at(time.Minute)),
		)
		require.NoError(t, st.CancelReminder(ctx, "h1", "c", baseTime))
		all := []string{"a", "b", "c", "d", "e", "f"}
		for limit := 1; limit <= 7; limit++ {
			assert.Equal(t, all, listAll(t, st, persistence.ReminderQuery{Hospital: "h1", Limit: limit}), "pages of %d", limit)
		}
		page, next, err := st.ListReminders(ctx, persistence.ReminderQuery{Hospital: "h1", Limit: 6})
		require.NoError(t, err)
		assert.Equal(t, all, reminderIDs(page))
		assert.Empty(t, next, "no cursor when nothing follows")

		assert.Equal(t, []string{"a", "d", "e", "f"}, listAll(t, st, persistence.ReminderQuery{Hospital: "h1", Subject: "p1", Limit: 2}))
		assert.Equal(t, []string{"a", "b", "d", "e", "f"},
			listAll(t, st, persistence.ReminderQuery{Hospital: "h1", State: persistence.ReminderScheduled, Limit: 2}))
		assert.Equal(t, []string{"c"},
			listAll(t, st, persistence.ReminderQuery{Hospital: "h1", Subject: "p2", State: persistence.ReminderCancelled, Limit: 1}))
		assert.Equal(t, []string{"x"}, listAll(t, st, persistence.ReminderQuery{Hospital: "h2", Limit: 5}), "per hospital")
		assert.Empty(t, listAll(t, st, persistence.ReminderQuery{Hospital: "h3", Limit: 5}))

		for name, q := range map[string]persistence.ReminderQuery{
			"limit 0":       {Hospital: "h1"},
			"no hospital":   {Limit: 5},
			"unknown state": {Hospital: "h1", Limit: 5, State: "sleeping"},
		} {
			_, _, err := st.ListReminders(ctx, q)
			assert.Error(t, err, name)
		}
		for _, cursor := range []string{"not a cursor!", "AAAA"} {
			_, _, err := st.ListReminders(ctx, persistence.ReminderQuery{Hospital: "h1", Limit: 5, Cursor: cursor})
			assert.ErrorIs(t, err, persistence.ErrBadCursor, "cursor %q", cursor)
		}
	}},
	{"ListCursorStableWhileAdding", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		for i := range 10 {
			putReminders(t, st, newReminder("h1", fmt.Sprintf("r%02d", i*10), "p1", at(time.Duration(i*10)*time.Minute)))
		}
		q := persistence.ReminderQuery{Hospital: "h1", Limit: 4}
		first, cursor, err := st.ListReminders(ctx, q)
		require.NoError(t, err)
		assert.Equal(t, []string{"r00", "r10", "r20", "r30"}, reminderIDs(first))
		require.NotEmpty(t, cursor)

		putReminders(t, st,
			newReminder("h1", "r05", "p1", at(5*time.Minute)),  // before the cursor
			newReminder("h1", "r30", "p1", at(30*time.Minute)), // the cursor's own, put again
			newReminder("h1", "r31", "p1", at(30*time.Minute)), // same due, after by id
			newReminder("h1", "r35", "p1", at(35*time.Minute)),
			newReminder("h1", "r95", "p1", at(95*time.Minute)),
		)
		q.Cursor = cursor
		assert.Equal(t, []string{"r31", "r35", "r40", "r50", "r60", "r70", "r80", "r90", "r95"}, listAll(t, st, q),
			"later pages start right after the cursor and show what was added after it")
	}},
	{"CancelReminder", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		putReminders(t, st, newReminder("h1", "r1", "p1", at(-time.Minute)), newReminder("h1", "r2", "p1", at(time.Hour)))
		require.NoError(t, st.CancelReminder(ctx, "h1", "r1", at(time.Second)))
		got := getReminder(t, st, "h1", "r1")
		assert.Equal(t, persistence.ReminderCancelled, got.State)
		assert.WithinDuration(t, at(time.Second), got.UpdatedAt, timeSlack)
		assert.Empty(t, claim(t, st, at(time.Minute), 10, "A", time.Minute), "a cancelled reminder is never claimed")
		next, err := st.NextDue(ctx)
		require.NoError(t, err)
		assert.WithinDuration(t, at(time.Hour), next, timeSlack, "only r2 is still due")

		require.NoError(t, st.CancelReminder(ctx, "h1", "r1", at(time.Minute)), "a retried cancel")
		assert.WithinDuration(t, at(time.Second), getReminder(t, st, "h1", "r1").UpdatedAt, timeSlack, "changes nothing")
		assert.ErrorIs(t, st.CancelReminder(ctx, "h1", "missing", baseTime), persistence.ErrNotFound)
		assert.ErrorIs(t, st.PutReminder(ctx, newReminder("h1", "r1", "p1", at(time.Hour))), persistence.ErrConflict,
			"a cancelled reminder is not revived")
	}},
}
