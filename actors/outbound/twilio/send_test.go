package twilio_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"
	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "authtoken0123456789"
	sender     = "whatsapp:+14155238886"
	patient    = "whatsapp:+919812345678"
	complaint  = "chest pain since this morning"
)

// newClient builds a client for the fake at base.
func newClient(t *testing.T, base string, timeout time.Duration) *twilio.Client {
	t.Helper()
	c, err := twilio.New(twilio.Options{AccountSID: accountSID, AuthToken: authToken, BaseURL: base, Timeout: timeout})
	require.NoError(t, err)
	return c
}

func TestSendReachesTwilioFieldByField(t *testing.T) {
	tests := []struct {
		name string
		msg  twilio.Message
	}{
		{"text", twilio.Message{From: sender, To: patient, Body: complaint}},
		{"media", twilio.Message{From: sender, To: patient, Body: "your reports",
			MediaURLs: []string{"https://emr.example/r/1.pdf", "https://emr.example/r/2.jpg"}}},
		{"media only", twilio.Message{From: sender, To: patient, MediaURLs: []string{"https://emr.example/r/1.pdf"}}},
		{"template", twilio.Message{From: sender, To: patient,
			ContentSID: "HX0123456789abcdef0123456789abcdef", ContentVariables: `{"1":"Dr Rao","2":"10:30"}`}},
		{"status callback", twilio.Message{From: sender, To: patient, Body: "hi",
			StatusCallback: "https://frontdesk.example/twilio/status"}},
	}
	fake := twiliotest.NewServer(t, accountSID, authToken)
	c := newClient(t, fake.URL(), 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.Reset()
			sid, err := c.Send(context.Background(), tt.msg)
			require.NoError(t, err)

			got := fake.Messages()
			require.Len(t, got, 1)
			assert.Equal(t, got[0].SID, sid, "Send returns the SID Twilio answered")
			assert.Equal(t, tt.msg.From, got[0].From)
			assert.Equal(t, tt.msg.To, got[0].To)
			assert.Equal(t, tt.msg.Body, got[0].Body)
			assert.Equal(t, tt.msg.MediaURLs, got[0].MediaURLs)
			assert.Equal(t, tt.msg.ContentSID, got[0].ContentSID)
			assert.Equal(t, tt.msg.ContentVariables, got[0].ContentVariables)
			assert.Equal(t, tt.msg.StatusCallback, got[0].StatusCallback)
		})
	}
}

func TestSendToBaseURLWithPathPrefix(t *testing.T) {
	fake := twiliotest.NewServer(t, accountSID, authToken)
	target, err := url.Parse(fake.URL())
	require.NoError(t, err)
	var seenPath, seenHost atomic.Value
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seenPath.Store(r.URL.Path)
		seenHost.Store(r.Host)
		if !strings.HasPrefix(r.URL.Path, "/edge/twilio/") {
			http.NotFound(w, r)
			return
		}
		http.StripPrefix("/edge/twilio", proxy).ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)

	for _, base := range []string{front.URL + "/edge/twilio", front.URL + "/edge/twilio/"} {
		sid, err := newClient(t, base, 0).Send(context.Background(), twilio.Message{From: sender, To: patient, Body: "hi"})
		require.NoError(t, err, base)
		assert.NotEmpty(t, sid)
		assert.Equal(t, "/edge/twilio/2010-04-01/Accounts/"+accountSID+"/Messages.json", seenPath.Load())
		assert.Equal(t, strings.TrimPrefix(front.URL, "http://"), seenHost.Load(), "Host header follows the base URL")
	}
	assert.Len(t, fake.Messages(), 2)
}

func TestCallerMistakesFailBeforeHTTP(t *testing.T) {
	tests := []struct {
		name string
		msg  twilio.Message
	}{
		{"nothing to send", twilio.Message{From: sender, To: patient}},
		{"no To", twilio.Message{From: sender, Body: complaint}},
		{"no From", twilio.Message{To: patient, Body: complaint}},
		{"variables without template", twilio.Message{From: sender, To: patient, Body: "x", ContentVariables: `{"1":"a"}`}},
	}
	fake := twiliotest.NewServer(t, accountSID, authToken)
	c := newClient(t, fake.URL(), 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Send(context.Background(), tt.msg)
			require.ErrorIs(t, err, twilio.ErrInvalidMessage)
			assert.False(t, twilio.IsRetryable(err))
			assertNoPatientData(t, err)
		})
	}
	assert.Zero(t, fake.Requests(), "no HTTP call for a caller mistake")
}

func TestNewRefusesBadOptions(t *testing.T) {
	tests := []struct {
		name   string
		opts   twilio.Options
		hidden string // must not appear in the error
	}{
		{"no account SID", twilio.Options{AuthToken: authToken}, authToken},
		{"no token", twilio.Options{AccountSID: accountSID}, ""},
		{"token with symbols", twilio.Options{AccountSID: accountSID, AuthToken: "s3cr3t!pa55"}, "s3cr3t!pa55"},
		{"ftp base", twilio.Options{AccountSID: accountSID, AuthToken: authToken, BaseURL: "ftp://twilio.example"}, ""},
		{"no host", twilio.Options{AccountSID: accountSID, AuthToken: authToken, BaseURL: "http:///x"}, ""},
		{"query", twilio.Options{AccountSID: accountSID, AuthToken: authToken, BaseURL: "http://x.example/?a=1"}, ""},
		{"user info", twilio.Options{AccountSID: accountSID, AuthToken: authToken, BaseURL: "http://u:pw0rd@x.example"}, "pw0rd"},
		{"unparsable", twilio.Options{AccountSID: accountSID, AuthToken: authToken, BaseURL: "http://u:pw0rd@x.example:port"}, "pw0rd"},
		{"negative timeout", twilio.Options{AccountSID: accountSID, AuthToken: authToken, Timeout: -time.Second}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := twilio.New(tt.opts)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.True(t, strings.HasPrefix(err.Error(), "new twilio client: "), err.Error())
			if tt.hidden != "" {
				assert.NotContains(t, err.Error(), tt.hidden)
			}
		})
	}
	_, err := twilio.New(twilio.Options{AccountSID: accountSID, AuthToken: authToken})
	assert.NoError(t, err, "defaults are valid")
}

// assertNoPatientData fails when err's text carries the recipient or the body.
func assertNoPatientData(t *testing.T, err error) {
	t.Helper()
	for _, secret := range []string{patient, "9812345678", complaint} {
		assert.NotContains(t, err.Error(), secret)
	}
}
