package media

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "token0123456789"
)

// hits records the Authorization header of every request a fake host got.
type hits struct {
	mu   sync.Mutex
	auth []string
}

func (h *hits) add(r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.auth = append(h.auth, r.Header.Get("Authorization"))
}

func (h *hits) list() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.auth...)
}

// fakeHosts are Twilio's API, its CDN and a foreign host, on loopback.
type fakeHosts struct {
	twilio, cdn, foreign          *httptest.Server
	twilioHits, cdnHits, foreignH hits
}

func newFakeHosts(t *testing.T) *fakeHosts {
	t.Helper()
	f := &fakeHosts{}
	f.cdn = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.cdnHits.add(r)
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(jpegFile)
	}))
	f.foreign = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.foreignH.add(r)
		w.Write(jpegFile)
	}))
	f.twilio = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.twilioHits.add(r)
		if sid, token, ok := r.BasicAuth(); !ok || sid != testSID || token != testToken {
			http.Error(w, `{"code":20003,"message":"Authenticate"}`, http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/jpeg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(jpegFile)
		case "/pdf":
			w.Write(pdfFile)
		case "/gif":
			w.Write(gifFile)
		case "/png":
			w.Write(pngFile)
		case "/webp-claimed-jpeg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(webpFile)
		case "/to-cdn":
			http.Redirect(w, r, f.cdn.URL+"/signed?Expires=1&Signature=x", http.StatusTemporaryRedirect)
		case "/to-foreign":
			http.Redirect(w, r, f.foreign.URL+"/x.jpg", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/big":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(append(jpegFile, make([]byte, 6<<20)...))
		case "/big-unannounced":
			w.Header().Set("Content-Type", "image/jpeg")
			w.WriteHeader(http.StatusOK)
			w.Write(jpegFile)
			for range 7 {
				w.Write(make([]byte, 1<<20))
				w.(http.Flusher).Flush()
			}
		case "/slow":
			<-r.Context().Done()
		case "/gone":
			http.Error(w, `{"code":20404}`, http.StatusNotFound)
		default:
			http.Error(w, "no such test path", http.StatusTeapot)
		}
	}))
	t.Cleanup(func() { f.twilio.Close(); f.cdn.Close(); f.foreign.Close() })
	return f
}

func (f *fakeHosts) fetcher(t *testing.T, timeout time.Duration) *Fetcher {
	t.Helper()
	api, err := OriginOf(f.twilio.URL, true)
	require.NoError(t, err)
	cdn, err := OriginOf(f.cdn.URL, false)
	require.NoError(t, err)
	return NewFetcher(FetcherOptions{AccountSID: testSID, AuthToken: testToken, Origins: []Origin{api, cdn}, Timeout: timeout})
}

func mediaReason(t *testing.T, err error) emr.MediaReason {
	t.Helper()
	var me *emr.MediaError
	require.True(t, errors.As(err, &me), "want an *emr.MediaError, got %v", err)
	return me.Reason
}

func TestFetchTakesAcceptedFilesWithCredentials(t *testing.T) {
	f := newFakeHosts(t)
	got, err := f.fetcher(t, 0).Fetch(t.Context(), f.twilio.URL+"/jpeg", PhotoRule)
	require.NoError(t, err)
	assert.Equal(t, File{Data: jpegFile, ContentType: "image/jpeg"}, got)
	require.Len(t, f.twilioHits.list(), 1)
	assert.Contains(t, f.twilioHits.list()[0], "Basic ", "Twilio's API gets the account's basic auth")

	for path, want := range map[string]string{"/gif": "image/gif", "/png": "image/png"} {
		got, err = f.fetcher(t, 0).Fetch(t.Context(), f.twilio.URL+path, PhotoRule)
		require.NoError(t, err)
		assert.Equal(t, want, got.ContentType, "the type comes from the bytes, not a header Twilio left out")
	}
	got, err = f.fetcher(t, 0).Fetch(t.Context(), f.twilio.URL+"/pdf", DocumentRule)
	require.NoError(t, err)
	assert.Equal(t, "application/pdf", got.ContentType)
	_, err = f.fetcher(t, 0).Fetch(t.Context(), f.twilio.URL+"/gif", DocumentRule)
	assert.Equal(t, emr.MediaWrongType, mediaReason(t, err), "a GIF is a photo, not a document")
}

func TestFetchFollowsRedirectToCDNWithoutCredentials(t *testing.T) {
	f := newFakeHosts(t)
	got, err := f.fetcher(t, 0).Fetch(t.Context(), f.twilio.URL+"/to-cdn", PhotoRule)
	require.NoError(t, err)
	assert.Equal(t, jpegFile, got.Data)
	assert.Equal(t, []string{""}, f.cdnHits.list(), "the CDN must not receive Twilio's credentials")
}

func TestFetchRefuses(t *testing.T) {
	f := newFakeHosts(t)
	tests := []struct {
		name   string
		url    string
		rule   Rule
		reason emr.MediaReason
		says   string
	}{
		{"a redirect to a foreign host", f.twilio.URL + "/to-foreign", PhotoRule, emr.MediaUnreachable, "not an allowed media host"},
		{"a URL on a foreign host", f.foreign.URL + "/x.jpg", PhotoRule, emr.MediaUnreachable, "not an allowed media host"},
		{"user info in the URL", "http://" + testSID + ":x@" + f.twilio.Listener.Addr().String() + "/jpeg", PhotoRule, emr.MediaUnreachable, "not an allowed"},
		{"endless redirects", f.twilio.URL + "/loop", PhotoRule, emr.MediaUnreachable, "redirects"},
		{"a file over the limit", f.twilio.URL + "/big", PhotoRule, emr.MediaTooBig, "larger than"},
		{"a file over the limit without Content-Length", f.twilio.URL + "/big-unannounced", PhotoRule, emr.MediaTooBig, "larger than"},
		{"a WebP that Twilio calls a JPEG", f.twilio.URL + "/webp-claimed-jpeg", PhotoRule, emr.MediaWrongType, "image/webp"},
		{"a PDF as a photo", f.twilio.URL + "/pdf", PhotoRule, emr.MediaWrongType, "application/pdf"},
		{"a Twilio error", f.twilio.URL + "/gone", PhotoRule, emr.MediaUnreachable, "status 404"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.fetcher(t, 0).Fetch(t.Context(), tc.url, tc.rule)
			require.Error(t, err)
			assert.Equal(t, tc.reason, mediaReason(t, err))
			assert.Contains(t, err.Error(), tc.says)
			assert.NotContains(t, err.Error(), "/to-", "error texts carry no URL path")
		})
	}
	assert.Empty(t, f.foreignH.list(), "a foreign host is never contacted")
}

func TestFetchTooBigSaysTheLimit(t *testing.T) {
	f := newFakeHosts(t)
	_, err := f.fetcher(t, 0).Fetch(t.Context(), f.twilio.URL+"/big", PhotoRule)
	var me *emr.MediaError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, PhotoRule.MaxBytes, me.Limit, "the patient is told the limit")
}

func TestFetchGivesUpOnASlowHost(t *testing.T) {
	f := newFakeHosts(t)
	begin := time.Now()
	_, err := f.fetcher(t, 300*time.Millisecond).Fetch(t.Context(), f.twilio.URL+"/slow", PhotoRule)
	assert.Equal(t, emr.MediaUnreachable, mediaReason(t, err))
	assert.Contains(t, err.Error(), "timed out")
	assert.Less(t, time.Since(begin), 5*time.Second)
	assert.False(t, errors.Is(err, context.DeadlineExceeded), "a download timeout must not read as a lost EMR answer")
}

func TestFetchWithoutCredentialsSendsNone(t *testing.T) {
	var got []string
	var mu sync.Mutex
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Write(pngFile)
	}))
	defer public.Close()
	origin, err := OriginOf(public.URL+"/simulator/media/", false)
	require.NoError(t, err)
	f := NewFetcher(FetcherOptions{Origins: []Origin{origin}})
	file, err := f.Fetch(t.Context(), public.URL+"/simulator/media/abc", PhotoRule)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(pngFile, file.Data))
	for _, u := range []string{public.URL + "/metrics", public.URL + "/simulator/media/../../metrics", public.URL + "/simulator/media/%2e%2e/x"} {
		_, err := f.Fetch(t.Context(), u, PhotoRule)
		assert.Equal(t, emr.MediaUnreachable, mediaReason(t, err), u)
	}
	assert.Equal(t, []string{"/simulator/media/abc "}, got, "only the simulator's media path is fetched, without auth")
}
