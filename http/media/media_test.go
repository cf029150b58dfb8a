package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fdmedia "github.com/frontdesk-health/frontdesk/actors/media"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/embedded"
	"github.com/frontdesk-health/frontdesk/persistence/seal"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

var pdf = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")

// rig serves the route over a vault on a real embedded store.
type rig struct {
	srv   *httptest.Server
	vault *fdmedia.Vault
	clock *storetest.Clock
}

func newRig(t *testing.T, opener func(*fdmedia.Vault) Opener) *rig {
	t.Helper()
	r := &rig{clock: storetest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))}
	st, err := embedded.Open(filepath.Join(t.TempDir(), "frontdesk.db"), embedded.Options{Now: r.clock.Now})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	key, err := seal.GenerateKey()
	require.NoError(t, err)
	ring, err := seal.NewKeyring(key)
	require.NoError(t, err)
	r.srv = httptest.NewServer(nil)
	t.Cleanup(r.srv.Close)
	r.vault, err = fdmedia.NewVault(fdmedia.VaultOptions{Store: st, Sealer: ring, Key: fdmedia.LinkKey(key),
		PublicURL: r.srv.URL, Now: r.clock.Now})
	require.NoError(t, err)
	var o Opener = r.vault
	if opener != nil {
		o = opener(r.vault)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	r.srv.Config.Handler = server.New(server.Options{Logger: log, Metrics: metrics.New(),
		Ready: func(context.Context) error { return nil }, Routes: Routes(Options{Vault: o, Logger: log})})
	return r
}

func get(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(u)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, body
}

func TestServesTheFileBehindAValidLink(t *testing.T) {
	r := newRig(t, nil)
	link, err := r.vault.Keep(t.Context(), fdmedia.File{Data: pdf, ContentType: "application/pdf"})
	require.NoError(t, err)
	res, body := get(t, link)
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	assert.Equal(t, pdf, body)
	assert.Equal(t, "application/pdf", res.Header.Get("Content-Type"))
	assert.Equal(t, "inline", res.Header.Get("Content-Disposition"))
	assert.Equal(t, "private", res.Header.Get("Cache-Control"))
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
}

func TestRefusesBadLinks(t *testing.T) {
	r := newRig(t, nil)
	link, err := r.vault.Keep(t.Context(), fdmedia.File{Data: pdf, ContentType: "application/pdf"})
	require.NoError(t, err)
	u, err := url.Parse(link)
	require.NoError(t, err)
	with := func(change func(q url.Values)) string {
		q := u.Query()
		change(q)
		v := *u
		v.RawQuery = q.Encode()
		return v.String()
	}
	tests := []struct {
		name string
		url  string
		code int
	}{
		{"a tampered signature", with(func(q url.Values) { q.Set("sig", strings.Repeat("0", 64)) }), http.StatusForbidden},
		{"a longer expiry", with(func(q url.Values) { q.Set("exp", "4102444800") }), http.StatusForbidden},
		{"no signature", with(func(q url.Values) { q.Del("sig") }), http.StatusForbidden},
		{"a malformed id", r.srv.URL + "/media/..%2fmetrics?" + u.RawQuery, http.StatusNotFound},
		{"another id", r.srv.URL + "/media/" + strings.Repeat("a", 32) + "?" + u.RawQuery, http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := get(t, tc.url)
			assert.Equal(t, tc.code, res.StatusCode, string(body))
			assert.NotContains(t, string(body), "PDF")
		})
	}
}

func TestRefusesExpiredLinks(t *testing.T) {
	r := newRig(t, nil)
	link, err := r.vault.Keep(t.Context(), fdmedia.File{Data: pdf, ContentType: "application/pdf"})
	require.NoError(t, err)
	r.clock.Advance(fdmedia.DefaultTTL + time.Second)
	res, body := get(t, link)
	assert.Equal(t, http.StatusForbidden, res.StatusCode)
	assert.Contains(t, string(body), "link expired")
}

// stubOpener answers every open with err.
type stubOpener struct{ err error }

func (s stubOpener) Open(context.Context, string, string, string) (fdmedia.File, error) {
	return fdmedia.File{}, s.err
}

func TestStoreAnswers(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code int
	}{
		{"gone from the store", fmt.Errorf("open media: %w", persistence.ErrNotFound), http.StatusNotFound},
		{"the store is down", errors.New("open media: redis: connection refused"), http.StatusServiceUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, func(*fdmedia.Vault) Opener { return stubOpener{tc.err} })
			res, body := get(t, r.srv.URL+"/media/"+strings.Repeat("a", 32)+"?exp=1&sig=00")
			assert.Equal(t, tc.code, res.StatusCode)
			assert.NotContains(t, string(body), "redis", "internals stay in the log")
		})
	}
}
