package outbound

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"
	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/embedded"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// These tests run the actor against the fake Twilio through the real
// twilio client and a real embedded store: what is checked is what
// Twilio would see (requests, their times and order) and what the store
// ends up holding for each entry.

const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testToken   = "outboundtesttoken0123456789abcdef"
	sidPush     = "HX0123456789abcdef0123456789abcdef"
	sidReminder = "HXfedcba9876543210fedcba9876543210"
)

// twilioRig is one outbound actor sending to a fake Twilio.
type twilioRig struct {
	t       *testing.T
	system  *actor.ActorSystem
	pid     *actor.PID
	store   *embedded.Store
	fake    *twiliotest.Server
	clock   *storetest.Clock
	metrics *metrics.Metrics
	codec   *Codec
	hosp    *config.Hospital
	opts    Options
}

// newTwilioRig starts the actor; adjust changes its options first.
func newTwilioRig(t *testing.T, adjust func(*Options)) *twilioRig {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	st, err := embedded.Open(filepath.Join(t.TempDir(), "fd.db"), embedded.Options{Now: clock.Now, SweepInterval: -1})
	require.NoError(t, err)
	fake := twiliotest.NewServer(t, testAccount, testToken)
	client, err := twilio.New(twilio.Options{AccountSID: testAccount, AuthToken: testToken, BaseURL: fake.URL(), Timeout: 300 * time.Millisecond})
	require.NoError(t, err)
	r := &twilioRig{
		t: t, system: actor.NewActorSystem(), store: st, fake: fake, clock: clock, metrics: metrics.New(), codec: testCodec().WithLease("rig-run", DefaultLease),
		hosp: &config.Hospital{Code: "abc", Name: "ABC Hospital", Sender: testSender, Templates: config.Templates{
			"push":                 {SID: sidPush, Variables: []string{"hospital", "body"}},
			"appointment_reminder": {SID: sidReminder, Variables: []string{"patient_name", "when"}},
		}},
	}
	r.opts = Options{
		Sender: testSender, Store: st, Codec: r.codec,
		Transport: &TwilioTransport{Client: client, StatusCallback: "http://127.0.0.1:1/twilio/status"},
		Rate:      1000, Window: DefaultWindow, Deliveries: st,
		Hospitals: func(code string) *config.Hospital {
			if code == r.hosp.Code {
				return r.hosp
			}
			return nil
		},
		RetryBase: 20 * time.Millisecond, RetryCap: 200 * time.Millisecond, Timeout: 5 * time.Second,
		AgeEvery: 20 * time.Millisecond,
		Now:      clock.Now, Metrics: r.metrics, Logger: slog.New(slog.DiscardHandler),
	}
	if adjust != nil {
		adjust(&r.opts)
	}
	r.pid = r.system.Root.Spawn(Props(r.opts))
	t.Cleanup(func() {
		_ = r.system.Root.StopFuture(r.pid).Wait()
		r.system.Shutdown()
		require.NoError(t, st.Close())
	})
	return r
}

// enqueue stores messages as one producer would and tells the actor.
func (r *twilioRig) enqueue(msgs ...Message) []persistence.OutboxEntry {
	r.t.Helper()
	for i := range msgs {
		if msgs[i].From == "" {
			msgs[i].From = testSender
		}
		if msgs[i].Hospital == "" {
			msgs[i].Hospital = r.hosp.Code
		}
	}
	es, err := r.codec.Entries(r.clock.Now(), testSender, msgs...)
	require.NoError(r.t, err)
	require.NoError(r.t, r.store.Enqueue(context.Background(), es...))
	r.system.Root.Send(r.pid, &Notify{Entries: es})
	return es
}

// wrote records that phone wrote to the sender at at (the conversation's
// commit does this with each inbound message).
func (r *twilioRig) wrote(phone string, at time.Time) {
	r.t.Helper()
	require.NoError(r.t, r.store.Commit(context.Background(), persistence.Commit{
		Key:     "conv-" + phone,
		Inbound: &persistence.Inbound{Sender: testSender, Subject: r.codec.Lane(phone), At: at},
	}))
}

// entry reads an entry as the store holds it.
func (r *twilioRig) entry(id string) persistence.OutboxEntry {
	r.t.Helper()
	e, err := r.store.Entry(context.Background(), testSender, id)
	require.NoError(r.t, err)
	return e
}

// settled waits until none of es is pending and returns them as stored.
func (r *twilioRig) settled(timeout time.Duration, es ...persistence.OutboxEntry) []persistence.OutboxEntry {
	r.t.Helper()
	var out []persistence.OutboxEntry
	require.Eventually(r.t, func() bool {
		out = out[:0]
		for _, e := range es {
			got := r.entry(e.ID)
			if got.State == persistence.OutboxPending {
				return false
			}
			out = append(out, got)
		}
		return true
	}, timeout, 10*time.Millisecond, "every entry ends sent or failed")
	// The store is marked by the sending goroutine; the actor counts the
	// outcome when the result reaches it, and empties its lanes then.
	require.Eventually(r.t, func() bool {
		return value(r.t, r.metrics.OutboxPending.WithLabelValues(testSender)) == 0
	}, timeout, 5*time.Millisecond, "the actor has taken every outcome")
	return out
}
