package simulator

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr/demo"
)

const testToken = "sim-token-0123456789abcdef"

// request sends one request without following redirects.
func request(t *testing.T, method, u string, body string, set func(*http.Request)) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if set != nil {
		set(req)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func bearer(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

func TestTokenGuardsEverySimulatorRoute(t *testing.T) {
	hs := newHarness(t, Options{Token: testToken, Demo: demo.New(demo.Options{Now: tuesday})})
	send := `{"hospital":"demo","phone":"+919800000009","body":"hi demo"}`
	guarded := []struct{ method, path, body string }{
		{http.MethodGet, "/", ""},
		{http.MethodGet, "/simulator/assets/app.js", ""},
		{http.MethodPost, "/simulator/send", send},
		{http.MethodGet, "/simulator/messages?phone=%2B919800000009&wait=0", ""},
		{http.MethodPost, "/simulator/reset", `{"phone":"+919800000009"}`},
		{http.MethodGet, "/demo/records/rec-101.pdf", ""},
		{http.MethodGet, "/demo/pay/APT-1", ""},
	}
	for _, r := range guarded {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			res := request(t, r.method, hs.srv.URL+r.path, r.body, nil)
			assert.Equal(t, http.StatusForbidden, res.StatusCode, "no token")
			res = request(t, r.method, hs.srv.URL+r.path, r.body, bearer("sim-token-wrong-0123456789"))
			assert.Equal(t, http.StatusForbidden, res.StatusCode, "wrong token")
			res = request(t, r.method, hs.srv.URL+r.path, r.body, bearer(testToken))
			assert.NotEqual(t, http.StatusForbidden, res.StatusCode, "the right token")
			assert.Less(t, res.StatusCode, 500)
		})
	}
	assert.Len(t, hs.sub.got(), 1, "only the authorised send reached the webhook")
}

func TestTokenInTheAddressSetsACookie(t *testing.T) {
	hs := newHarness(t, Options{Token: testToken})
	res := request(t, http.MethodGet, hs.srv.URL+"/?token=not-the-token-0123456789", "", nil)
	assert.Equal(t, http.StatusForbidden, res.StatusCode)
	assert.Empty(t, res.Cookies())

	res = request(t, http.MethodGet, hs.srv.URL+"/?token="+testToken, "", nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/", res.Header.Get("Location"), "the token leaves the address bar")
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	require.NotNil(t, cookie)
	assert.True(t, cookie.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, cookie.SameSite)
	assert.NotContains(t, cookie.Value, testToken, "the cookie proves the token without holding it")

	withCookie := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie.Value}) }
	assert.Equal(t, http.StatusOK, request(t, http.MethodGet, hs.srv.URL+"/", "", withCookie).StatusCode)
	assert.Equal(t, http.StatusOK, request(t, http.MethodGet, hs.srv.URL+"/simulator/messages?phone=%2B919800000009&wait=0", "", withCookie).StatusCode)
	forged := func(r *http.Request) {
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: strings.Repeat("0", len(cookie.Value))})
	}
	assert.Equal(t, http.StatusForbidden, request(t, http.MethodGet, hs.srv.URL+"/", "", forged).StatusCode)
}

func TestUploadedMediaStaysReachableWithoutTheToken(t *testing.T) {
	hs := newHarness(t, Options{Token: testToken})
	id := hs.h.media.put(media{contentType: "image/png", data: pngFile})
	// The EMR fetches the file from elsewhere, without the token.
	res := request(t, http.MethodGet, hs.srv.URL+"/simulator/media/"+id, "", nil)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	res = request(t, http.MethodPost, hs.srv.URL+"/simulator/media", "", nil)
	assert.Equal(t, http.StatusForbidden, res.StatusCode, "uploading needs the token")
}

func TestLoopbackOnlyRefusesOtherHostNames(t *testing.T) {
	hs := newHarness(t, Options{LoopbackOnly: true})
	for host, want := range map[string]int{
		"":                   http.StatusOK, // the server's own 127.0.0.1:port
		"localhost:8080":     http.StatusOK,
		"[::1]:8080":         http.StatusOK,
		"rebound.example":    http.StatusForbidden,
		"10.0.0.5:8080":      http.StatusForbidden,
		"frontdesk.internal": http.StatusForbidden,
	} {
		res := request(t, http.MethodGet, hs.srv.URL+"/", "", func(r *http.Request) {
			if host != "" {
				r.Host = host
			}
		})
		assert.Equal(t, want, res.StatusCode, "Host %q", host)
	}
}

func TestCrossOriginPostsAreRefused(t *testing.T) {
	hs := newHarness(t, Options{})
	body := `{"hospital":"demo","phone":"+919800000009","body":"hi demo"}`
	origin := func(o string) func(*http.Request) { return func(r *http.Request) { r.Header.Set("Origin", o) } }
	assert.Equal(t, http.StatusForbidden, request(t, http.MethodPost, hs.srv.URL+"/simulator/send", body, origin("https://evil.example")).StatusCode)
	assert.Equal(t, http.StatusForbidden, request(t, http.MethodPost, hs.srv.URL+"/simulator/send", body, origin("null")).StatusCode)
	assert.Equal(t, http.StatusOK, request(t, http.MethodPost, hs.srv.URL+"/simulator/send", body, origin(hs.srv.URL)).StatusCode)
	assert.Equal(t, http.StatusOK, request(t, http.MethodPost, hs.srv.URL+"/simulator/send", body, nil).StatusCode, "tools send no Origin")
	assert.Len(t, hs.sub.got(), 2)
}
