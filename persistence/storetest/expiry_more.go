package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var moreExpiryChecks = []check{
	{"DoneRemindersExpireScheduledStay", func(t *testing.T, s *suite) {
		ex := s.expiry(t)
		st := s.fresh(t)
		ctx := context.Background()
		putReminders(t, st,
			newReminder("h1", "fired", "p1", at(-2*time.Minute)),
			newReminder("h1", "cancelled", "p1", at(-time.Minute)),
			newReminder("h1", "waiting", "p1", at(time.Hour)),
		)
		require.Equal(t, []string{"fired"}, claim(t, st, at(-2*time.Minute), 5, "A", time.Minute))
		require.NoError(t, st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "fired", Holder: "A", At: baseTime}))
		require.NoError(t, st.CancelReminder(ctx, "h1", "cancelled", baseTime))
		s.expire(t, ex.Retention, "fired and cancelled reminders expiry", func() bool {
			_, errFired := st.GetReminder(ctx, "h1", "fired")
			_, errCancelled := st.GetReminder(ctx, "h1", "cancelled")
			return errors.Is(errFired, persistence.ErrNotFound) && errors.Is(errCancelled, persistence.ErrNotFound)
		})
		assert.Equal(t, persistence.ReminderScheduled, getReminder(t, st, "h1", "waiting").State, "a scheduled reminder never expires")
		q := persistence.ReminderQuery{Hospital: "h1", Limit: 10}
		assert.Equal(t, []string{"waiting"}, listAll(t, st, q))
		assert.ErrorIs(t, st.CancelReminder(ctx, "h1", "fired", baseTime), persistence.ErrNotFound)

		putReminders(t, st, newReminder("h1", "fired", "p1", at(-2*time.Minute)), newReminder("h1", "cancelled", "p1", at(2*time.Hour)))
		assert.Empty(t, claim(t, st, at(-3*time.Minute), 1, "B", time.Minute), "a claim that finds nothing due")
		assert.Equal(t, []string{"fired", "waiting", "cancelled"}, listAll(t, st, q), "an expired id is free again, listed once")
		q.Subject = "p1"
		assert.Equal(t, []string{"fired", "waiting", "cancelled"}, listAll(t, st, q))
	}},
	{"ProviderIDExpiresWithItsEntry", func(t *testing.T, s *suite) {
		ex := s.expiry(t)
		st := s.fresh(t)
		ctx := context.Background()
		e := newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(ctx, e))
		require.NoError(t, st.MarkSent(ctx, "S1", e.ID, "SMexp", baseTime))
		s.expire(t, ex.Retention, "provider id expiry", func() bool {
			_, err := st.EntryByProviderID(ctx, "SMexp")
			return errors.Is(err, persistence.ErrNotFound)
		})
		assert.ErrorIs(t, st.RecordStatus(ctx, "SMexp", persistence.DeliveryStatus{Status: "read", At: baseTime}), persistence.ErrNotFound)
	}},
	{"LastInboundExpiresAfterRetention", func(t *testing.T, s *suite) {
		ex := s.expiry(t)
		st := s.fresh(t)
		ctx := context.Background()
		require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "conv", Inbound: &persistence.Inbound{Sender: "S1", Subject: "p1", At: baseTime}}))
		s.expire(t, ex.Retention, "inbound expiry", func() bool {
			last, err := st.LastInbound(ctx, "S1", "p1")
			require.NoError(t, err)
			return last.IsZero()
		})
		require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "conv", Inbound: &persistence.Inbound{Sender: "S1", Subject: "p1", At: at(-time.Hour)}}))
		last, err := st.LastInbound(ctx, "S1", "p1")
		require.NoError(t, err)
		assert.WithinDuration(t, at(-time.Hour), last, timeSlack, "an expired mark does not hold back an older time")
	}},
	{"IdempotencyRecordsExpire", func(t *testing.T, s *suite) {
		ex := s.expiry(t)
		st := s.fresh(t)
		ctx := context.Background()
		_, _, err := st.Remember(ctx, idemRecord("h1", "k", "first"), ex.Retention)
		require.NoError(t, err)
		s.expire(t, ex.Retention, "idempotency record expiry", func() bool {
			got, existed, err := st.Remember(ctx, idemRecord("h1", "k", "later"), ex.Retention)
			require.NoError(t, err)
			return !existed && got.RequestHash == "sha-later"
		})
	}},
	{"MediaExpires", func(t *testing.T, s *suite) {
		ex := s.expiry(t)
		st := s.fresh(t)
		ctx := context.Background()
		require.NoError(t, st.PutMedia(ctx, "m1", []byte("sealed"), ex.Retention))
		s.expire(t, ex.Retention, "media expiry", func() bool {
			_, err := st.GetMedia(ctx, "m1")
			return errors.Is(err, persistence.ErrNotFound)
		})
	}},
}
