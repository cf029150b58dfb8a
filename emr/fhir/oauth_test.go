package fhir

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

const (
	clientID     = "frontdesk lotus"
	clientSecret = "s3cr3t:with/odd&chars"
)

// tokenEndpoint is a fake OAuth2 token endpoint handing out tok-1, tok-2,
// ... valid for life seconds, after checking the client credentials
// request.
type tokenEndpoint struct {
	*httptest.Server
	issued atomic.Int64
	life   int
	refuse atomic.Bool
	bad    atomic.Value // what was wrong with a request, if anything
}

func newTokenEndpoint(t *testing.T, life int) *tokenEndpoint {
	te := &tokenEndpoint{life: life}
	te.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		switch {
		case r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded":
			te.bad.Store("not a form POST")
		case r.FormValue("grant_type") != "client_credentials" || r.FormValue("scope") != "system/*.rs system/*.cu":
			te.bad.Store("wrong grant or scope")
		case !ok || id != "frontdesk+lotus" || secret != "s3cr3t%3Awith%2Fodd%26chars":
			te.bad.Store("wrong client authentication (RFC 6749 2.3.1: form-encoded, then Basic)")
		}
		w.Header().Set("Content-Type", "application/json")
		if te.refuse.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client","error_description":"client s3cr3t unknown"}`)
			return
		}
		n := te.issued.Add(1)
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":%d}`, n, te.life)
	}))
	t.Cleanup(te.Close)
	return te
}

// oauthSetup is setup with the client authenticating through te.
func oauthSetup(t *testing.T, te *tokenEndpoint) (*fhirtest.Server, *Client, *clock) {
	t.Helper()
	srv, c, _ := setup(t, func(h *config.Hospital) {
		h.EMR.TokenURL, h.EMR.ClientID, h.EMR.ClientSecret, h.EMR.Scope = te.URL, clientID, clientSecret, "system/*.rs system/*.cu"
	})
	wall := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c.tokens.now = wall.Now
	return srv, c, wall
}

// TestOAuth2ClientCredentials: one token serves every request until
// shortly before it expires; then a new one is fetched.
func TestOAuth2ClientCredentials(t *testing.T) {
	t.Parallel()
	te := newTokenEndpoint(t, 120)
	srv, c, wall := oauthSetup(t, te)
	_, err := c.FindPatients(ctx(t), fhirtest.AshaMobile)
	require.NoError(t, err)
	_, err = c.Departments(ctx(t), day(0))
	require.NoError(t, err)
	assert.Nil(t, te.bad.Load())
	assert.EqualValues(t, 1, te.issued.Load(), "one token for every request")
	reqs := srv.Requests()
	require.Greater(t, len(reqs), 2)
	for _, r := range reqs {
		assert.Equal(t, "Bearer tok-1", r.Auth)
	}

	wall.now = wall.now.Add(100 * time.Second)
	_, err = c.FindPatients(ctx(t), fhirtest.AshaMobile)
	require.NoError(t, err)
	assert.EqualValues(t, 1, te.issued.Load(), "still valid")

	wall.now = wall.now.Add(10 * time.Second)
	_, err = c.FindPatients(ctx(t), fhirtest.AshaMobile)
	require.NoError(t, err)
	assert.EqualValues(t, 2, te.issued.Load(), "renewed in the last tenth of its life")
	reqs = srv.Requests()
	assert.Equal(t, "Bearer tok-2", reqs[len(reqs)-1].Auth)
}

// TestOAuth2RenewsRefusedToken: a token the server refuses (revoked
// early) is replaced and the request made again once.
func TestOAuth2RenewsRefusedToken(t *testing.T) {
	t.Parallel()
	te := newTokenEndpoint(t, 3600)
	srv, c, _ := oauthSetup(t, te)
	srv.Fail(fhirtest.Fault{Mode: fhirtest.Error, Status: http.StatusUnauthorized})
	got, err := c.FindPatients(ctx(t), fhirtest.AshaMobile)
	require.NoError(t, err)
	assert.Len(t, got, 1)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, []string{"Bearer tok-1", "Bearer tok-2"}, []string{reqs[0].Auth, reqs[1].Auth})

	srv.Fail(fhirtest.Fault{Mode: fhirtest.Error, Status: http.StatusUnauthorized, Count: 2})
	_, err = c.FindPatients(ctx(t), fhirtest.AshaMobile)
	assert.Equal(t, emr.Unavailable, emr.KindOf(err), "refused twice: the credentials are wrong")
	assert.EqualValues(t, 3, te.issued.Load(), "one renewal per call, not a loop")
}

// TestOAuth2TokenEndpointFails: the call is Unavailable, says what the
// token endpoint answered, and quotes no secret; no FHIR request is made.
func TestOAuth2TokenEndpointFails(t *testing.T) {
	t.Parallel()
	te := newTokenEndpoint(t, 3600)
	te.refuse.Store(true)
	srv, c, _ := oauthSetup(t, te)
	_, err := c.FindPatients(ctx(t), fhirtest.AshaMobile)
	assert.Equal(t, emr.Unavailable, emr.KindOf(err))
	assert.Contains(t, err.Error(), "token endpoint: HTTP 401 invalid_client")
	assert.NotContains(t, err.Error(), "s3cr3t")
	assert.Empty(t, srv.Requests())

	te.refuse.Store(false)
	_, err = c.FindPatients(ctx(t), fhirtest.AshaMobile)
	require.NoError(t, err, "a later call tries again")
}

// TestOAuth2SharedFetch: calls that need a token at the same moment share
// one fetch.
func TestOAuth2SharedFetch(t *testing.T) {
	t.Parallel()
	te := newTokenEndpoint(t, 3600)
	_, c, _ := oauthSetup(t, te)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := c.FindPatients(ctx(t), fhirtest.AshaMobile)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, te.issued.Load())
}
