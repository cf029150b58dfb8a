package runtime_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

const simToken = "sim-token-0123456789abcdef"

// simHospitals is a hospitals file: outside the demo, where the simulator
// is off unless asked for.
const simHospitals = `hospitals:
  - code: abc
    name: ABC Hospital
    helpline: "+919800000000"
    sender: "whatsapp:+14155238886"
    country_code: "91"
    emr:
      kind: demo
`

// simApp starts a process from env (plus a data directory and, unless
// demo, a hospitals file) and returns its handler.
func simApp(t *testing.T, demo bool, env map[string]string) http.Handler {
	t.Helper()
	dir := t.TempDir()
	env["FRONTDESK_DATA_DIR"] = dir
	if !demo {
		path := filepath.Join(dir, "hospitals.yaml")
		require.NoError(t, os.WriteFile(path, []byte(simHospitals), 0o600))
		env["FRONTDESK_CONFIG"] = path
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	require.NoError(t, err)
	app, err := runtime.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		assert.NoError(t, app.Shutdown(ctx))
	})
	return app.Handler()
}

// page asks for the simulator page with Host host and an optional token.
func page(h http.Handler, host, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Host = host
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestSimulatorServedWhereConfigured(t *testing.T) {
	tests := []struct {
		name  string
		demo  bool
		env   map[string]string
		host  string
		token string
		want  int
	}{
		{"demo serves it", true, map[string]string{}, "127.0.0.1:8080", "", http.StatusOK},
		{"demo on every interface serves it", true, map[string]string{"FRONTDESK_ADDR": "0.0.0.0:8080"}, "192.168.1.20:8080", "", http.StatusOK},
		{"demo with it off", true, map[string]string{"FRONTDESK_SIMULATOR": "off"}, "127.0.0.1:8080", "", http.StatusNotFound},
		{"hospitals file: off by default", false, map[string]string{}, "127.0.0.1:8080", "", http.StatusNotFound},
		{"hospitals file on loopback", false, map[string]string{"FRONTDESK_SIMULATOR": "on"}, "127.0.0.1:8080", "", http.StatusOK},
		{"hospitals file on loopback, another Host name", false, map[string]string{"FRONTDESK_SIMULATOR": "on"}, "rebound.example", "", http.StatusForbidden},
		{"token: missing", false, map[string]string{"FRONTDESK_SIMULATOR": "on", "FRONTDESK_ADDR": "0.0.0.0:8080",
			"FRONTDESK_SIMULATOR_TOKEN": simToken}, "frontdesk.example", "", http.StatusForbidden},
		{"token: wrong", false, map[string]string{"FRONTDESK_SIMULATOR": "on", "FRONTDESK_ADDR": "0.0.0.0:8080",
			"FRONTDESK_SIMULATOR_TOKEN": simToken}, "frontdesk.example", "sim-token-wrong-456789abcdef", http.StatusForbidden},
		{"token: right", false, map[string]string{"FRONTDESK_SIMULATOR": "on", "FRONTDESK_ADDR": "0.0.0.0:8080",
			"FRONTDESK_SIMULATOR_TOKEN": simToken}, "frontdesk.example", simToken, http.StatusOK},
		{"token in the demo too", true, map[string]string{"FRONTDESK_SIMULATOR_TOKEN": simToken}, "127.0.0.1:8080", "", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := simApp(t, tt.demo, tt.env)
			assert.Equal(t, tt.want, page(h, tt.host, tt.token).Code)
		})
	}
}

func TestSimulatorRefusesToStartOpenToTheNetwork(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hospitals.yaml")
	require.NoError(t, os.WriteFile(path, []byte(simHospitals), 0o600))
	env := map[string]string{"FRONTDESK_CONFIG": path, "FRONTDESK_SIMULATOR": "on", "FRONTDESK_ADDR": "0.0.0.0:8080"}
	_, err := config.Load(func(k string) string { return env[k] })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "FRONTDESK_SIMULATOR_TOKEN: required")
}

func TestSimulatorWithTwilioSaysWhereRepliesGo(t *testing.T) {
	h := simApp(t, true, map[string]string{
		"TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef", "TWILIO_AUTH_TOKEN": "simtoken0123456789abcdef01234567",
		"TWILIO_API_BASE_URL": "http://127.0.0.1:9", // never reached: nothing is sent in this test
	})
	rec := page(h, "127.0.0.1:8080", "")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.True(t, strings.Contains(rec.Body.String(), `data-replies="twilio"`), "the page says replies go to Twilio")
}
