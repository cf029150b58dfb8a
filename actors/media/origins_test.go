package media

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

// hostMux answers requests by host name in process, as Twilio's real
// hosts would, and records which URLs were asked for with what auth.
type hostMux struct {
	mu    sync.Mutex
	seen  []string
	hosts map[string]http.HandlerFunc
}

func (m *hostMux) RoundTrip(r *http.Request) (*http.Response, error) {
	m.mu.Lock()
	auth := r.Header.Get("Authorization")
	if strings.HasPrefix(auth, "Basic ") {
		auth = "Basic" // the secret itself is not compared
	}
	m.seen = append(m.seen, r.URL.Scheme+"://"+r.URL.Host+r.URL.Path+" auth="+auth)
	h := m.hosts[r.URL.Host]
	m.mu.Unlock()
	if h == nil {
		h = func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "no such host in the test", http.StatusBadGateway)
		}
	}
	rec := httptest.NewRecorder()
	h(rec, r)
	return rec.Result(), nil
}

func (m *hostMux) requests() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.seen...)
}

func TestTwilioOriginsOnTwilioHosts(t *testing.T) {
	redirectTo := func(target string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target, http.StatusTemporaryRedirect)
		}
	}
	serve := func(w http.ResponseWriter, _ *http.Request) { w.Write(jpegFile) }
	media := "https://api.twilio.com/2010-04-01/Accounts/" + testSID + "/Messages/MM1/Media/"
	tests := []struct {
		name     string
		start    string
		hosts    map[string]http.HandlerFunc
		ok       bool
		requests []string
	}{
		{"secured media: api.twilio.com redirects to mms.twiliocdn.com", media + "ME1",
			map[string]http.HandlerFunc{"api.twilio.com": redirectTo("https://mms.twiliocdn.com/AC1/abc?Expires=1"), "mms.twiliocdn.com": serve},
			true, []string{"https://api.twilio.com/2010-04-01/Accounts/" + testSID + "/Messages/MM1/Media/ME1 auth=Basic", "https://mms.twiliocdn.com/AC1/abc auth="}},
		{"legacy media in Twilio's S3 bucket", media + "ME2",
			map[string]http.HandlerFunc{"api.twilio.com": redirectTo("https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC1/x"), "s3-external-1.amazonaws.com": serve},
			true, nil},
		{"another S3 bucket", media + "ME3",
			map[string]http.HandlerFunc{"api.twilio.com": redirectTo("https://s3-external-1.amazonaws.com/attacker-bucket/x")},
			false, nil},
		{"a redirect that downgrades to http", media + "ME4",
			map[string]http.HandlerFunc{"api.twilio.com": redirectTo("http://mms.twiliocdn.com/x")},
			false, nil},
		{"a look-alike host", media + "ME5",
			map[string]http.HandlerFunc{"api.twilio.com": redirectTo("https://mms.twiliocdn.com.evil.example/x")},
			false, nil},
		{"plain http to the API", "http://api.twilio.com/2010-04-01/x", nil, false, []string{}},
		{"the CDN on another port", "https://media.twiliocdn.com:8443/x", nil, false, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			origins, err := TwilioOrigins("")
			require.NoError(t, err)
			mux := &hostMux{hosts: tc.hosts}
			f := NewFetcher(FetcherOptions{AccountSID: testSID, AuthToken: testToken, Origins: origins, Transport: mux})
			_, err = f.Fetch(t.Context(), tc.start, PhotoRule)
			if tc.ok {
				require.NoError(t, err)
			} else {
				assert.Equal(t, emr.MediaUnreachable, mediaReason(t, err))
			}
			got := mux.requests()
			if tc.requests != nil {
				assert.Equal(t, tc.requests, append([]string{}, got...))
			}
			for _, r := range got {
				assert.NotContains(t, r, "evil", "a foreign host is never contacted")
				assert.NotContains(t, r, "attacker", "a foreign bucket is never contacted")
			}
		})
	}
}

func TestTwilioOriginsWithConfiguredBase(t *testing.T) {
	origins, err := TwilioOrigins("http://127.0.0.1:4010/twilio")
	require.NoError(t, err)
	u, _ := url.Parse("http://127.0.0.1:4010/twilio/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1")
	o, ok := allowed(origins, u)
	require.True(t, ok, "media under the configured API base (tests, a proxy) is fetched")
	assert.True(t, o.Credentials)
	u, _ = url.Parse("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1")
	o, ok = allowed(origins, u)
	require.True(t, ok, "Twilio's own media URLs still are")
	assert.True(t, o.Credentials)
	u, _ = url.Parse("https://media.twiliocdn.com/x")
	o, ok = allowed(origins, u)
	require.True(t, ok)
	assert.False(t, o.Credentials, "the CDN never gets credentials")
}
