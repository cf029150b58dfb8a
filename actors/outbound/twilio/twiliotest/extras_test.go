package twiliotest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/http/webhook"
)

func TestFailToHitsOnlyThatRecipient(t *testing.T) {
	s := twiliotest.NewServer(t, accountSID, authToken)
	const other = "whatsapp:+919800000002"
	s.FailTo(patient, 2, twiliotest.Fault{Code: 20429, RetryAfter: "1"})
	s.FailNext(1, twiliotest.Fault{Status: 503})

	form := url.Values{"To": {other}, "From": {sender}, "Body": {"b"}}
	resp, _ := post(t, s, accountSID, accountSID, authToken, form)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "the global fault goes to whoever comes first")
	resp, _ = post(t, s, accountSID, accountSID, authToken, form)
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "faults for another recipient do not touch this one")
	for range 2 {
		resp, _ = post(t, s, accountSID, accountSID, authToken, textForm("a"))
		assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	}
	resp, _ = post(t, s, accountSID, accountSID, authToken, textForm("a"))
	assert.Equal(t, http.StatusCreated, resp.StatusCode)

	log := s.RequestLog()
	require.Len(t, log, 5)
	var faults []bool
	for i, r := range log {
		faults = append(faults, r.Fault)
		if i > 0 {
			assert.False(t, r.Time.Before(log[i-1].Time), "arrival order")
		}
		assert.Equal(t, r.Fault, r.SID == "", "accepted requests carry their SID")
	}
	assert.Equal(t, []bool{true, false, true, true, false}, faults)
	assert.Equal(t, other, log[1].To)
}

func TestMaxInWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms ...int) []twiliotest.Request {
		var out []twiliotest.Request
		for _, m := range ms {
			out = append(out, twiliotest.Request{Time: t0.Add(time.Duration(m) * time.Millisecond)})
		}
		return out
	}
	tests := []struct {
		name string
		reqs []twiliotest.Request
		want int
	}{
		{"none", nil, 0},
		{"one", at(5), 1},
		{"spread", at(0, 1000, 2000), 1},
		{"just inside", at(0, 999), 2},
		{"burst then one", at(0, 1, 2, 1500), 3},
		{"unsorted", at(900, 0, 1800, 950), 3},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, twiliotest.MaxInWindow(tt.reqs, time.Second), tt.name)
	}
}

// TestReportIsSignedLikeTwilio: the fake's status callbacks pass the
// product's signature check, so e2e tests exercise the real validation.
func TestReportIsSignedLikeTwilio(t *testing.T) {
	var mu sync.Mutex
	var got url.Values
	var sigOK bool
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		mu.Lock()
		got = r.PostForm
		sigOK = r.Header.Get("X-Twilio-Signature") == webhook.Sign(authToken, "http://"+r.Host+r.URL.RequestURI(), r.PostForm)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()

	s := twiliotest.NewServer(t, accountSID, authToken)
	var early []string
	s.SetOnAccept(func(m twiliotest.Sent) {
		mu.Lock()
		early = append(early, m.SID)
		mu.Unlock()
	})
	form := textForm("hello")
	form.Set("StatusCallback", hook.URL+"/twilio/status")
	resp, body := post(t, s, accountSID, accountSID, authToken, form)
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	m := s.Messages()[0]
	mu.Lock()
	assert.Equal(t, []string{body["sid"].(string)}, early, "the hook saw the message before the answer")
	mu.Unlock()

	code, err := s.Report(context.Background(), m, "undelivered", 63016)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, code)
	mu.Lock()
	defer mu.Unlock()
	assert.True(t, sigOK, "signature matches webhook.Sign")
	assert.Equal(t, m.SID, got.Get("MessageSid"))
	assert.Equal(t, "undelivered", got.Get("MessageStatus"))
	assert.Equal(t, "63016", got.Get("ErrorCode"))
	assert.Equal(t, accountSID, got.Get("AccountSid"))

	_, err = s.Report(context.Background(), twiliotest.Sent{SID: "SMx"}, "sent", 0)
	assert.Error(t, err, "a message sent without a StatusCallback cannot be reported")
}
