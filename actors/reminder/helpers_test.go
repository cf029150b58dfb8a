package reminder

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/embedded"
	"github.com/frontdesk-health/frontdesk/persistence/seal"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

const (
	patient    = "+919812345678"
	testSender = "whatsapp:+14155238886"
)

var (
	kolkata = mustZone("Asia/Kolkata")
	newYork = mustZone("America/New_York")
	// t0 is a Tuesday, 15:30 in Kolkata, 05:00 in New York.
	t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// hospitals: abc in Kolkata without quiet hours, with a callback secret;
// ny in New York with quiet hours 21:00-08:00 and no callback secret.
func testHospitals() map[string]*config.Hospital {
	return map[string]*config.Hospital{
		"abc": {Code: "abc", Name: "ABC Hospital", Languages: []string{"en", "hi"}, Sender: testSender, CountryCode: "91", Location: kolkata,
			CallbackSecret: "abc-callback-secret-0123456789"},
		"ny": {Code: "ny", Name: "NY Clinic", Languages: []string{"en"}, Sender: "whatsapp:+12125550100", CountryCode: "1", Location: newYork,
			QuietHours: &config.QuietHours{Start: "21:00", End: "08:00"}},
	}
}

// env is the reminders capability over a real embedded store.
type env struct {
	t         *testing.T
	clock     *storetest.Clock
	store     persistence.Store
	sealer    *seal.Keyring
	hasher    *pii.Hasher
	codec     *outbound.Codec
	hospitals map[string]*config.Hospital
	sched     *Service
	metrics   *metrics.Metrics
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := storetest.NewClock(t0)
	st, err := embedded.Open(filepath.Join(t.TempDir(), "r.db"), embedded.Options{Now: c.Now, SweepInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return newEnvOn(t, c, st, testKeyring(t))
}

func newEnvOn(t *testing.T, c *storetest.Clock, st persistence.Store, ring *seal.Keyring) *env {
	e := &env{
		t: t, clock: c, store: st, sealer: ring,
		hasher:    pii.NewHasher([]byte("reminder-test-hash-key-0123456789")),
		hospitals: testHospitals(), metrics: metrics.New(),
	}
	e.codec = outbound.NewCodec(ring, e.hasher)
	e.sched = NewScheduler(SchedulerOptions{Store: st, Sealer: ring, Hasher: e.hasher, Now: c.Now})
	return e
}

var testKey = []byte("reminder-test-seal-key-32-bytes!")

func testKeyring(t *testing.T) *seal.Keyring {
	t.Helper()
	ring, err := seal.NewKeyring(testKey)
	require.NoError(t, err)
	return ring
}

// firer returns a firer over the env, recording what it hands to the
// outbound actor.
func (e *env) firer(holder string, sent *outbox) *firer {
	o := &ActorOptions{
		Store: e.store, Hospitals: e.hospitals, Sealer: e.sealer, Codec: e.codec, Catalog: catalog.MustLoad(),
		Notify: sent.add, Holder: holder, Now: e.clock.Now, Metrics: e.metrics,
	}
	o.defaults()
	return &firer{o: o, log: o.Logger}
}

// schedule stores a spec for hospital code, failing the test on error.
func (e *env) schedule(code string, s Spec) View {
	e.t.Helper()
	v, err := e.sched.Schedule(context.Background(), e.hospitals[code], s)
	require.NoError(e.t, err)
	return v
}

// optOut records a patient's stop (or start) for a kind at now.
func (e *env) optOut(code, phone, kind string, out bool) {
	e.t.Helper()
	err := e.store.Commit(context.Background(), persistence.Commit{
		Key:     "conv-" + phone,
		Consent: []persistence.ConsentChange{{Hospital: code, Subject: e.hasher.Hash(phone), Kind: kind, OptedOut: out, At: e.clock.Now(), Source: "patient"}},
	})
	require.NoError(e.t, err)
}

// stored reads a reminder back.
func (e *env) stored(code, id string) persistence.Reminder {
	e.t.Helper()
	r, err := e.store.GetReminder(context.Background(), code, id)
	require.NoError(e.t, err)
	return r
}

// outbox records what firings hand to the outbound actors, decoded.
type outbox struct {
	mu    sync.Mutex
	codec *outbound.Codec
	msgs  []outbound.Message
	at    []time.Time    // each message's entry CreatedAt: when it was fired
	ids   map[string]int // entry id -> times notified
}

func newOutbox(c *outbound.Codec) *outbox { return &outbox{codec: c, ids: map[string]int{}} }

func (o *outbox) add(_ string, entries []persistence.OutboxEntry) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range entries {
		m, err := o.codec.Decode(e)
		if err != nil {
			panic(err)
		}
		o.ids[e.ID]++
		o.msgs = append(o.msgs, m)
		o.at = append(o.at, e.CreatedAt)
	}
}

func (o *outbox) firedAt() []time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]time.Time(nil), o.at...)
}

func (o *outbox) messages() []outbound.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]outbound.Message(nil), o.msgs...)
}

func ptr[T any](v T) *T { return &v }

// fireDue claims what is due at the clock's now and fires it the way the
// actor does, returning each reminder's result by id.
func (e *env) fireDue(sent *outbox) map[string]string {
	e.t.Helper()
	f := e.firer("test-holder", sent)
	rs, err := e.store.ClaimDue(context.Background(), e.clock.Now(), 100, "test-holder", time.Minute)
	require.NoError(e.t, err)
	out := map[string]string{}
	for _, r := range rs {
		out[r.ID] = f.fire(r)
	}
	return out
}
