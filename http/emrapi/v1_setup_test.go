package emrapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/http/emrapi/v1test"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/embedded"
	"github.com/frontdesk-health/frontdesk/persistence/seal"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

const (
	testKey       = "v1-test-key-abc"
	otherKey      = "v1-test-key-xyz"
	closedKey     = "v1-test-key-closed"
	testSender    = "whatsapp:+14155238886"
	otherSender   = "whatsapp:+14155230000"
	testPhone     = "+919811100001"
	testNational  = "9811100001"
	reportTplName = "report_ready"
)

// fixture is the API over a real embedded store, with a fake scheduler and
// conversation router, served by the product's gin engine.
type fixture struct {
	api    *API
	store  *embedded.Store
	codec  *outbound.Codec
	hasher *pii.Hasher
	sched  *fakeScheduler
	router *fakeRouter
	client *v1test.Client
	engine http.Handler
	logs   *bytes.Buffer
	now    time.Time

	mu       sync.Mutex
	notified []persistence.OutboxEntry
	down     error // what Available answers
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{sched: newFakeScheduler(), router: &fakeRouter{}, logs: &bytes.Buffer{},
		now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	st, err := embedded.Open(filepath.Join(t.TempDir(), "frontdesk.db"), embedded.Options{Now: f.clock})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	f.store = st
	ring, err := seal.NewKeyring(bytes.Repeat([]byte{7}, 32))
	require.NoError(t, err)
	f.hasher = pii.NewHasher(bytes.Repeat([]byte{9}, 32))
	f.codec = outbound.NewCodec(ring, f.hasher)
	inactive := false
	hospitals := []config.Hospital{
		{Code: "abc", Sender: testSender, CountryCode: "91", APIKeysSHA256: []string{sha(testKey)},
			Templates: config.Templates{reportTplName: {SID: "HX0123456789abcdef0123456789abcdef"}}},
		{Code: "xyz", Sender: otherSender, CountryCode: "91", APIKeysSHA256: []string{sha(otherKey)}},
		{Code: "closed", Sender: testSender, CountryCode: "91", APIKeysSHA256: []string{sha(closedKey)}, Active: &inactive},
	}
	f.api = New(Options{
		Keys: NewKeys(hospitals), Store: st, Codec: f.codec, Router: f.router,
		Notify: func(_ string, e []persistence.OutboxEntry) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.notified = append(f.notified, e...)
		},
		Now: f.clock, Hasher: f.hasher, Metrics: metrics.New(),
		Logger:    slog.New(slog.NewJSONHandler(&lockedWriter{w: f.logs, mu: &f.mu}, nil)),
		Available: func() error { f.mu.Lock(); defer f.mu.Unlock(); return f.down },
		Reminders: f.sched,
	})
	engine := server.New(server.Options{
		Logger: slog.New(slog.DiscardHandler), Metrics: metrics.New(), Ready: func(context.Context) error { return nil },
		Routes: append(f.api.Routes(), f.api.V1Routes()...),
	})
	f.engine = engine
	f.client = v1test.New(t, engine, "", testKey)
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *fixture) setDown(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = err
}

// pending returns the messages waiting in the outbox of sender.
func (f *fixture) pending(t *testing.T, sender string) []outbound.Message {
	t.Helper()
	entries, err := f.store.Pending(context.Background(), sender, 100)
	require.NoError(t, err)
	var out []outbound.Message
	for _, e := range entries {
		m, err := f.codec.Decode(e)
		require.NoError(t, err)
		out = append(out, m)
	}
	return out
}

// requireUnchanged asserts that the calls so far sent nothing, scheduled
// nothing and told no conversation anything.
func (f *fixture) requireUnchanged(t *testing.T, what string) {
	t.Helper()
	require.Empty(t, f.pending(t, testSender), "%s: no message queued", what)
	f.mu.Lock()
	notified := len(f.notified)
	f.mu.Unlock()
	require.Zero(t, notified, "%s: the outbound actor was not told", what)
	require.Empty(t, f.sched.mutations(), "%s: no reminder scheduled, changed or cancelled", what)
	require.Empty(t, f.router.events(), "%s: no conversation told", what)
}

// optOut records the patient's `stop` at hospital abc.
func (f *fixture) optOut(t *testing.T, phone string) {
	t.Helper()
	err := f.store.Commit(context.Background(), persistence.Commit{
		Key: "optout-" + phone, Snapshot: persistence.Snapshot{Key: "optout-" + phone, Version: 1},
		Consent: []persistence.ConsentChange{{Hospital: "abc", Subject: f.hasher.Hash(phone), OptedOut: true, At: f.clock(), Source: "patient"}},
	})
	require.NoError(t, err)
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// fakeRouter records what conversations are told.
type fakeRouter struct {
	mu   sync.Mutex
	got  []*conversation.Deliver
	fail error
}

func (r *fakeRouter) Deliver(_ context.Context, d *conversation.Deliver) (*conversation.Ack, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return &conversation.Ack{Err: r.fail}, nil
	}
	r.got = append(r.got, d)
	return &conversation.Ack{}, nil
}

func (r *fakeRouter) events() []*conversation.Deliver {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*conversation.Deliver(nil), r.got...)
}

// fakeScheduler keeps reminders in memory per hospital. err, when set,
// is returned by the next call instead of doing it; hold, when set, makes
// Schedule wait for it to close after announcing itself on entered.
type fakeScheduler struct {
	mu        sync.Mutex
	views     map[string]reminder.View // hospital/id
	calls     []string
	err       error
	hold      chan struct{}
	entered   chan struct{}
	lastQuery reminder.Query
	lastPatch reminder.Patch
	next      string // next_cursor List answers
	seq       int
}

func newFakeScheduler() *fakeScheduler { return &fakeScheduler{views: map[string]reminder.View{}} }

func (s *fakeScheduler) takeErr() error {
	err := s.err
	s.err = nil
	return err
}

func (s *fakeScheduler) Schedule(_ context.Context, h *config.Hospital, spec reminder.Spec) (reminder.View, error) {
	s.mu.Lock()
	hold, entered := s.hold, s.entered
	s.mu.Unlock()
	if hold != nil {
		entered <- struct{}{}
		<-hold
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeErr(); err != nil {
		return reminder.View{}, err
	}
	s.seq++
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	v := reminder.View{ID: fmt.Sprintf("r%d", s.seq), Kind: spec.Kind, State: "scheduled", Created: now, Updated: now, Spec: spec}
	switch {
	case spec.At != nil:
		v.Next = spec.At
	case spec.Appointment != nil && len(spec.Appointment.Offsets) > 0:
		next := spec.Appointment.Start.Add(-spec.Appointment.Offsets[0])
		v.Next = &next
	}
	s.views[h.Code+"/"+v.ID] = v
	s.calls = append(s.calls, "schedule "+h.Code+"/"+v.ID)
	return v, nil
}

func (s *fakeScheduler) Get(_ context.Context, h *config.Hospital, id string) (reminder.View, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeErr(); err != nil {
		return reminder.View{}, err
	}
	v, ok := s.views[h.Code+"/"+id]
	if !ok {
		return reminder.View{}, &reminder.Error{Code: reminder.CodeNotFound, Field: "id", Message: "no such reminder"}
	}
	return v, nil
}

func (s *fakeScheduler) List(_ context.Context, h *config.Hospital, q reminder.Query) ([]reminder.View, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastQuery = q
	if err := s.takeErr(); err != nil {
		return nil, "", err
	}
	var out []reminder.View
	for k, v := range s.views {
		if k[:len(h.Code)+1] == h.Code+"/" && (q.Phone == "" || v.Spec.Phone == q.Phone) && (q.State == "" || v.State == q.State) {
			out = append(out, v)
		}
	}
	return out, s.next, nil
}

func (s *fakeScheduler) Update(_ context.Context, h *config.Hospital, id string, p reminder.Patch) (reminder.View, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastPatch = p
	if err := s.takeErr(); err != nil {
		return reminder.View{}, err
	}
	v, ok := s.views[h.Code+"/"+id]
	switch {
	case !ok:
		return reminder.View{}, &reminder.Error{Code: reminder.CodeNotFound, Field: "id", Message: "no such reminder"}
	case v.State == "cancelled":
		return reminder.View{}, &reminder.Error{Code: reminder.CodeCancelled, Field: "id", Message: "the reminder was cancelled"}
	}
	if p.At != nil {
		v.Spec.At, v.Next = p.At, p.At
	}
	if p.Variables != nil {
		v.Spec.Variables = p.Variables
	}
	s.views[h.Code+"/"+id] = v
	s.calls = append(s.calls, "update "+h.Code+"/"+id)
	return v, nil
}

func (s *fakeScheduler) Cancel(_ context.Context, h *config.Hospital, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeErr(); err != nil {
		return err
	}
	v, ok := s.views[h.Code+"/"+id]
	switch {
	case !ok:
		return &reminder.Error{Code: reminder.CodeNotFound, Field: "id", Message: "no such reminder"}
	case v.State == "fired":
		return &reminder.Error{Code: reminder.CodeAlreadyFired, Field: "id", Message: "the reminder has fired already"}
	case v.State == "cancelled":
		return nil // as the real scheduler: cancelling again changes nothing
	}
	v.State, v.Next = "cancelled", nil
	s.views[h.Code+"/"+id] = v
	s.calls = append(s.calls, "cancel "+h.Code+"/"+id)
	return nil
}

// mutations lists the calls that changed something.
func (s *fakeScheduler) mutations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *fakeScheduler) failNext(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

// req builds a v1test request.
func req(method, path string, body any, header ...string) v1test.Request {
	r := v1test.Request{Method: method, Path: path, Body: body}
	if len(header) > 0 {
		r.Header = map[string]string{}
		for i := 0; i+1 < len(header); i += 2 {
			r.Header[header[i]] = header[i+1]
		}
	}
	return r
}

// seed calls a seed-compatible /api route with the test key.
func (f *fixture) seed(path, body string) (int, string) {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+testKey)
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	f.engine.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}
