package twilio

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRebase(t *testing.T) {
	tests := []struct {
		name, base, in, want string
	}{
		{"host and scheme", "http://127.0.0.1:4010", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
			"http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json"},
		{"path prefix", "https://proxy.example/twilio", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
			"https://proxy.example/twilio/2010-04-01/Accounts/AC1/Messages.json"},
		{"trailing slash on base", "https://proxy.example/twilio/", "https://api.twilio.com/2010-04-01/x.json",
			"https://proxy.example/twilio/2010-04-01/x.json"},
		{"query kept", "http://fake:1", "https://api.twilio.com/2010-04-01/x.json?PageSize=5",
			"http://fake:1/2010-04-01/x.json?PageSize=5"},
		{"escaped prefix kept", "https://proxy.example/a%2Fb", "https://api.twilio.com/2010-04-01/x.json",
			"https://proxy.example/a%2Fb/2010-04-01/x.json"},
		{"regional host replaced", "http://fake:1", "https://api.dublin.ie1.twilio.com/2010-04-01/x.json",
			"http://fake:1/2010-04-01/x.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, err := parseBaseURL(tt.base)
			require.NoError(t, err)
			u, err := url.Parse(tt.in)
			require.NoError(t, err)
			rebase(u, base)
			assert.Equal(t, tt.want, u.String())
		})
	}
}

func TestParseBaseURLDefault(t *testing.T) {
	u, err := parseBaseURL("")
	require.NoError(t, err)
	assert.Equal(t, DefaultBaseURL, u.String())
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 10 ", 10 * time.Second},
		{"0", 0},
		{"-4", 0},
		{"soon", 0},
		{"99999999999999", maxRetryAfter},
		{"Sun, 01 Mar 2026 10:00:30 GMT", 30 * time.Second},
		{"Sun, 01 Mar 2026 09:59:00 GMT", 0},
		{"Mon, 02 Mar 2026 10:00:00 GMT", maxRetryAfter},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, parseRetryAfter(tt.in, now), "Retry-After %q", tt.in)
	}
}

func TestSendErrorText(t *testing.T) {
	tests := []struct {
		err  *SendError
		want string
	}{
		{&SendError{Status: 429, Code: 20429, Retryable: true, RetryAfter: 3 * time.Second},
			"send message: twilio answered status 429 code 20429 (retryable after 3s)"},
		{&SendError{Status: 502, Retryable: true}, "send message: twilio answered status 502 (retryable)"},
		{&SendError{Status: 400, Code: 63016}, "send message: twilio answered status 400 code 63016"},
		{&SendError{Status: 201, Err: errors.New("eof")}, "send message: twilio accepted it (status 201) but the answer was unreadable"},
		{&SendError{Retryable: true, Err: &url.Error{Op: "Post", URL: "http://x", Err: errors.New("connection refused")}},
			"send message: transport error: connection refused (retryable)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.err.Error())
	}
}
