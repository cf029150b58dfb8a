package webhook

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

const (
	testToken  = "e2etoken0123456789abcdef01234567"
	testPublic = "https://frontdesk.example.test"
)

var testNow = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// fakeRouter records deliveries and answers as told.
type fakeRouter struct {
	mu  sync.Mutex
	got []*conversation.Deliver
	ack *conversation.Ack
	err error
}

func (f *fakeRouter) Deliver(_ context.Context, d *conversation.Deliver) (*conversation.Ack, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, d)
	if f.err != nil {
		return nil, f.err
	}
	if f.ack != nil {
		return f.ack, nil
	}
	return &conversation.Ack{}, nil
}

func (f *fakeRouter) delivered() []*conversation.Deliver {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*conversation.Deliver(nil), f.got...)
}

// testServer is a handler behind gin, as the process mounts it.
type testServer struct {
	engine  *gin.Engine
	router  *fakeRouter
	metrics *metrics.Metrics
	logs    *bytes.Buffer
}

// newTestServer checks signatures with token (none when empty) and hands
// messages to r (a fresh fakeRouter when nil).
func newTestServer(token string, r *fakeRouter) *testServer {
	gin.SetMode(gin.ReleaseMode)
	if r == nil {
		r = &fakeRouter{}
	}
	s := &testServer{router: r, metrics: metrics.New(), logs: &bytes.Buffer{}}
	h := New(Options{
		PublicURL: testPublic, AccountSID: testAccount, AuthToken: token,
		Router: s.router, Now: func() time.Time { return testNow }, Wait: time.Second,
		Hasher:  pii.NewHasher([]byte("0123456789abcdef0123456789abcdef")),
		Metrics: s.metrics, Logger: slog.New(slog.NewJSONHandler(s.logs, nil)),
	})
	s.engine = gin.New()
	s.engine.POST("/twilio/messages", h.Messages)
	s.engine.POST("/twilio/status", h.Status)
	return s
}

// post sends a form body to path with a signature (none when empty).
func (s *testServer) post(path, body, sig string) *httptest.ResponseRecorder {
	return s.postType(path, "application/x-www-form-urlencoded", body, sig)
}

// postType sends body as ctype.
func (s *testServer) postType(path, ctype, body, sig string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	w := httptest.NewRecorder()
	s.engine.ServeHTTP(w, req)
	return w
}

// postSigned sends f to path signed with token.
func (s *testServer) postSigned(path string, f url.Values, token string) *httptest.ResponseRecorder {
	return s.post(path, f.Encode(), Sign(token, testPublic+path, f))
}

// counter is the value of the series of name with label=value.
func (s *testServer) counter(t *testing.T, name, label, value string) float64 {
	t.Helper()
	families, err := s.metrics.Registry.Gather()
	require.NoError(t, err)
	for _, mf := range families {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestMessagesHandsOffAndAnswersTwiML(t *testing.T) {
	s := newTestServer(testToken, nil)
	w := s.postSigned("/twilio/messages", fixture(t, "image.form"), testToken)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.True(t, strings.HasPrefix(w.Header().Get("Content-Type"), "text/xml"))
	assert.Contains(t, w.Body.String(), "<Response></Response>", "replies go through the outbox, the answer sends nothing")

	got := s.router.delivered()
	require.Len(t, got, 1, "the message must be handed to its conversation once")
	assert.Equal(t, conversation.Key{Sender: testSender, Phone: "+919812345678"}, got[0].Key)
	in, ok := got[0].Event.(*flow.Inbound)
	require.True(t, ok, "an inbound message event, got %T", got[0].Event)
	assert.Equal(t, "MM0a1b2c3d4e5f60718293a4b5c6d7e8f9", in.Sid)
	assert.Equal(t, testNow, in.At)
	require.Len(t, in.Media, 1)
	assert.Equal(t, "image/jpeg", in.Media[0].ContentType)
	assert.Equal(t, 1.0, s.counter(t, "frontdesk_webhook_requests_total", "code", "200"), "the answer is counted by status")
}

func TestMessagesRefuses(t *testing.T) {
	text := func(t *testing.T) url.Values { return fixture(t, "text.form") }
	cases := []struct {
		name   string
		send   func(t *testing.T, s *testServer) *httptest.ResponseRecorder
		status int
	}{
		{"no signature", func(t *testing.T, s *testServer) *httptest.ResponseRecorder {
			return s.post("/twilio/messages", text(t).Encode(), "")
		}, http.StatusForbidden},
		{"signed with another token", func(t *testing.T, s *testServer) *httptest.ResponseRecorder {
			return s.postSigned("/twilio/messages", text(t), "x"+testToken)
		}, http.StatusForbidden},
		{"signed for the status route", func(t *testing.T, s *testServer) *httptest.ResponseRecorder {
			f := text(t)
			return s.post("/twilio/messages", f.Encode(), Sign(testToken, testPublic+"/twilio/status", f))
		}, http.StatusForbidden},
		{"another account", func(t *testing.T, s *testServer) *httptest.ResponseRecorder {
			f := text(t)
			f.Set("AccountSid", "AC"+strings.Repeat("9", 32))
			return s.postSigned("/twilio/messages", f, testToken)
		}, http.StatusForbidden},
		{"malformed From", func(t *testing.T, s *testServer) *httptest.ResponseRecorder {
			f := text(t)
			f.Set("From", "+919812345678")
			return s.postSigned("/twilio/messages", f, testToken)
		}, http.StatusBadRequest},
		{"JSON body, signed as the server would see it", func(t *testing.T, s *testServer) *httptest.ResponseRecorder {
			return s.postType("/twilio/messages", "application/json", `{"MessageSid":"SM1","Body":"hi abc"}`,
				Sign(testToken, testPublic+"/twilio/messages", url.Values{}))
		}, http.StatusBadRequest},
		{"form without a content type", func(t *testing.T, s *testServer) *httptest.ResponseRecorder {
			f := text(t)
			return s.postType("/twilio/messages", "", f.Encode(), Sign(testToken, testPublic+"/twilio/messages", f))
		}, http.StatusBadRequest},
		{"bad percent-encoding", func(t *testing.T, s *testServer) *httptest.ResponseRecorder {
			return s.post("/twilio/messages", text(t).Encode()+"&Foo=%zz", "sig")
		}, http.StatusBadRequest},
		{"body over 64 KiB", func(t *testing.T, s *testServer) *httptest.ResponseRecorder {
			f := text(t)
			f.Set("Body", strings.Repeat("a", maxForm))
			return s.postSigned("/twilio/messages", f, testToken)
		}, http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newTestServer(testToken, nil)
			w := c.send(t, s)
			assert.Equal(t, c.status, w.Code, "answer %q", w.Body.String())
			assert.Empty(t, s.router.delivered(), "a refused request must not reach any conversation")
			assert.NotContains(t, w.Body.String(), "919812345678", "the answer must not quote the number")
		})
	}
}

func TestMessagesNotCommitted(t *testing.T) {
	for name, r := range map[string]*fakeRouter{
		"router error": {err: conversation.ErrTimeout},
		"ack error":    {ack: &conversation.Ack{Err: conversation.ErrNotAccepted}},
	} {
		t.Run(name, func(t *testing.T) {
			s := newTestServer(testToken, r)
			w := s.postSigned("/twilio/messages", fixture(t, "text.form"), testToken)
			assert.Equal(t, http.StatusServiceUnavailable, w.Code, "an uncommitted message must make Twilio retry")
			assert.Equal(t, "5", w.Header().Get("Retry-After"))
			assert.NotContains(t, s.logs.String(), "919812345678", "the log names the patient by hash only")
			assert.NotContains(t, s.logs.String(), "hi abc", "the log must not hold the message")
		})
	}
}

func TestMessagesDuplicateIsOK(t *testing.T) {
	s := newTestServer(testToken, &fakeRouter{ack: &conversation.Ack{Duplicate: true}})
	w := s.postSigned("/twilio/messages", fixture(t, "text.form"), testToken)
	assert.Equal(t, http.StatusOK, w.Code, "a duplicate was already handled: Twilio must stop retrying")
}

func TestMessagesDemoModeSkipsSignature(t *testing.T) {
	s := newTestServer("", nil)
	w := s.post("/twilio/messages", fixture(t, "text.form").Encode(), "")
	assert.Equal(t, http.StatusOK, w.Code, "without an auth token (demo) signatures are not checked")
	assert.Len(t, s.router.delivered(), 1)
}

func TestStatusCallback(t *testing.T) {
	s := newTestServer(testToken, nil)
	f := fixture(t, "status_delivered.form")
	assert.Equal(t, http.StatusNoContent, s.postSigned("/twilio/status", f, testToken).Code)
	assert.Equal(t, http.StatusForbidden, s.post("/twilio/status", f.Encode(), "forged").Code)
	f.Set("MessageStatus", "exploded")
	assert.Equal(t, http.StatusBadRequest, s.postSigned("/twilio/status", f, testToken).Code)
	assert.Empty(t, s.router.delivered(), "a status callback is not a patient message")
}

func TestMessagesAcceptsFormWithCharset(t *testing.T) {
	s := newTestServer(testToken, nil)
	f := fixture(t, "text.form")
	w := s.postType("/twilio/messages", "application/x-www-form-urlencoded; charset=UTF-8", f.Encode(),
		Sign(testToken, testPublic+"/twilio/messages", f))
	assert.Equal(t, http.StatusOK, w.Code, "the content type Twilio sends, with its charset, must be accepted: %s", w.Body.String())
}
