package outbound

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// statusRig adds a status recorder, wired to the actor as the runtime
// wires it, to a Twilio rig.
func statusRig(t *testing.T) (*twilioRig, *Statuses) {
	t.Helper()
	r := newTwilioRig(t, nil)
	s := NewStatuses(StatusOptions{
		Store:   r.store,
		Retries: []time.Duration{20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond},
		OutsideWindow: func(e persistence.OutboxEntry) {
			r.system.Root.Send(r.pid, &OutsideWindow{Entry: e})
		},
		Metrics: r.metrics, Logger: slog.New(slog.DiscardHandler),
	})
	t.Cleanup(s.Close)
	return r, s
}

// report records a status for a sent message as the webhook would.
func report(s *Statuses, sid, status, code string) {
	s.Record(context.Background(), sid, persistence.DeliveryStatus{Status: status, ErrorCode: code, At: time.Now()})
}

// statusOf is the delivery status stored for the message Twilio knows as sid.
func (r *twilioRig) statusOf(sid string) string {
	e, err := r.store.EntryByProviderID(context.Background(), sid)
	if err != nil {
		return "not found"
	}
	return e.Status + " " + e.ErrorCode
}

// TestStatusBeforeMarkSent: Twilio's callback arrives while the send is
// still being recorded (the store does not know the SID yet); it is kept
// all the same, tried again in the background.
func TestStatusBeforeMarkSent(t *testing.T) {
	r, s := statusRig(t)
	var early string
	r.fake.SetOnAccept(func(m twiliotest.Sent) {
		early = m.SID
		begin := time.Now()
		report(s, m.SID, "sent", "")
		assert.Less(t, time.Since(begin), time.Second, "an unknown SID does not hold the callback's answer")
	})
	r.settled(5*time.Second, r.enqueue(Message{To: patientN(1), Body: "hi"})...)
	require.Eventually(t, func() bool { return r.statusOf(early) == "sent " }, 5*time.Second, 10*time.Millisecond,
		"the early status is stored once the send is recorded")
	require.Eventually(t, func() bool { return value(t, r.metrics.MessageStatus.WithLabelValues("sent", "none")) == 1 },
		5*time.Second, 10*time.Millisecond, "counted once stored")
}

// TestStatusesRankedAndUnknown: statuses arriving out of order never move
// a message back; a status for a SID that is not ours is counted once
// the retries give up.
func TestStatusesRankedAndUnknown(t *testing.T) {
	r, s := statusRig(t)
	r.settled(5*time.Second, r.enqueue(Message{To: patientN(1), Body: "hi"})...)
	sid := r.fake.Messages()[0].SID
	steps := []struct{ status, code, want string }{
		{"delivered", "", "delivered "},
		{"sent", "", "delivered "},
		{"failed", "30008", "delivered "},
		{"read", "", "read "},
		{"delivered", "", "read "},
	}
	for _, st := range steps {
		report(s, sid, st.status, st.code)
		assert.Equal(t, st.want, r.statusOf(sid), "after %s", st.status)
	}
	report(s, "SM00000000000000000000000000000000", "delivered", "")
	require.Eventually(t, func() bool {
		return value(t, r.metrics.MessageStatus.WithLabelValues("unknown_message", "none")) == 1
	}, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, 1.0, value(t, r.metrics.MessageStatus.WithLabelValues("failed", "30008")))
}

// TestStatus63016FallsBackOnce: a free-form message Twilio accepted but
// then failed with 63016 is sent again as the hospital's template, once,
// however many callbacks say so; without a template it is held.
func TestStatus63016FallsBackOnce(t *testing.T) {
	r, s := statusRig(t)
	pPush, pConfirm := patientN(1), patientN(2)
	r.wrote(pPush, r.clock.Now())
	r.wrote(pConfirm, r.clock.Now())
	es := r.enqueue(
		Message{To: pPush, Body: "report ready", Kind: KindPush},
		Message{To: pConfirm, Body: "video link", Kind: KindConfirmation},
	)
	r.settled(5*time.Second, es...)
	for _, m := range r.fake.Messages() {
		report(s, m.SID, "undelivered", "63016")
		report(s, m.SID, "failed", "63016")
	}
	fallbacks := []persistence.OutboxEntry{{ID: es[0].ID + "t"}, {ID: es[1].ID + "t"}}
	require.Eventually(t, func() bool {
		for _, f := range fallbacks {
			if e, err := r.store.Entry(context.Background(), testSender, f.ID); err != nil || e.State == persistence.OutboxPending {
				return false
			}
		}
		return true
	}, 5*time.Second, 10*time.Millisecond, "each message gets its fallback")
	assert.Equal(t, []string{"report ready", sidPush + ` {"1":"ABC Hospital","2":"report ready"}`}, bodiesTo(r.fake, pPush),
		"the text, then the template once")
	assert.Equal(t, []string{"video link"}, bodiesTo(r.fake, pConfirm), "no confirmation template: nothing more is sent")
	held := r.entry(fallbacks[1].ID)
	assert.Equal(t, persistence.OutboxFailed, held.State)
	assert.Equal(t, ReasonNoTemplate, held.LastError)

	// A late repeat, after the fallback was sent, changes nothing.
	report(s, r.fake.MessagesTo("whatsapp:" + pPush)[0].SID, "undelivered", "63016")
	fb := r.fake.MessagesTo("whatsapp:" + pPush)[1]
	report(s, fb.SID, "undelivered", "63016") // a fallback is never copied again
	assert.Never(t, func() bool { return len(r.fake.Messages()) > 3 }, 300*time.Millisecond, 20*time.Millisecond)
	assert.Equal(t, 1.0, value(t, r.metrics.TemplateFallbacks))
	assert.Equal(t, 1.0, value(t, r.metrics.Undeliverable.WithLabelValues(ReasonNoTemplate)))
}

// TestStatusesCloseStopsRetries: shutdown does not wait out the retries
// of unknown SIDs.
func TestStatusesCloseStopsRetries(t *testing.T) {
	r := newTwilioRig(t, nil)
	s := NewStatuses(StatusOptions{Store: r.store, Retries: []time.Duration{time.Hour}, Metrics: r.metrics, Logger: slog.New(slog.DiscardHandler)})
	report(s, "SM00000000000000000000000000000001", "sent", "")
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close waited for an hour-long retry")
	}
}
