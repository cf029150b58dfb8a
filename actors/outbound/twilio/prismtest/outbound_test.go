package prismtest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/prismtest"
	"github.com/frontdesk-health/frontdesk/http/webhook"
	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "0123456789abcdef0123456789abcdef"
	apiKey     = "prism-api-key"
	templateID = "HX0123456789abcdef0123456789abcdef"
)

// hospitalYAML is the demo EMR behind a hospital with a push template.
const hospitalYAML = `hospitals:
  - code: demo
    name: Demo Hospital
    helpline: "+911234567890"
    timezone: Asia/Kolkata
    languages: [en, hi]
    sender: "whatsapp:+14155238886"
    country_code: "91"
    api_keys_sha256: ["%s"]
    emr:
      kind: demo
    templates:
      push: {sid: %s, variables: [body]}
`

// process is the whole product with Twilio's API at Prism.
type process struct {
	base string
	p    *prismtest.Server
}

func startProcess(t *testing.T, p *prismtest.Server) *process {
	t.Helper()
	dir := t.TempDir()
	sum := sha256.Sum256([]byte(apiKey))
	path := filepath.Join(dir, "hospitals.yaml")
	require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf(hospitalYAML, hex.EncodeToString(sum[:]), templateID)), 0o600))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String()
	env := map[string]string{
		"FRONTDESK_ADDR": ln.Addr().String(), "FRONTDESK_PUBLIC_URL": base, "FRONTDESK_CONFIG": path,
		"FRONTDESK_DATA_DIR": dir, "TWILIO_ACCOUNT_SID": accountSID, "TWILIO_AUTH_TOKEN": authToken,
		"TWILIO_API_BASE_URL": p.URL,
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	require.NoError(t, err)
	app, err := runtime.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- app.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		assert.NoError(t, app.Shutdown(ctx))
		assert.NoError(t, <-served)
	})
	return &process{base: base, p: p}
}

// say posts a signed inbound WhatsApp message.
func (pr *process) say(t *testing.T, phone, body string) {
	t.Helper()
	form := url.Values{
		"MessageSid": {fmt.Sprintf("SM%032d", time.Now().UnixNano())}, "AccountSid": {accountSID},
		"From": {"whatsapp:" + phone}, "To": {"whatsapp:+14155238886"}, "Body": {body}, "NumMedia": {"0"},
	}
	req, err := http.NewRequest(http.MethodPost, pr.base+"/twilio/messages", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", webhook.Sign(authToken, pr.base+"/twilio/messages", form))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}

// push asks for a push through the seed-compatible API.
func (pr *process) push(t *testing.T, national, message string) {
	t.Helper()
	body := fmt.Sprintf(`{"mobile":%q,"message":%q}`, national, message)
	req, err := http.NewRequest(http.MethodPost, pr.base+"/api/notifyuserwa", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+apiKey)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
}

// waitFor waits until a request Prism saw satisfies ok.
func (pr *process) waitFor(t *testing.T, what string, ok func(prismtest.Exchange) bool) {
	t.Helper()
	seen := func() bool { return slices.ContainsFunc(pr.p.Exchanges(), ok) }
	if !assert.Eventually(t, seen, 15*time.Second, 20*time.Millisecond, "waiting for %s at Prism", what) {
		t.Fatalf("no %s reached Prism; it saw %d request(s): %v", what, len(pr.p.Exchanges()), pr.p.Violations())
	}
}

// TestOutboundPathKeepsTwilioContract runs the product with
// TWILIO_API_BASE_URL at Prism: replies (text, and a health record as
// media) and a push outside the 24-hour window (as the hospital's
// template) go out through the real outbound path, and Twilio's
// description finds nothing wrong with any of them.
func TestOutboundPathKeepsTwilioContract(t *testing.T) {
	pr := startProcess(t, prismtest.Start(t))
	asha := "+919800000001" // the demo EMR's patient with records
	pr.say(t, asha, "hi demo")
	pr.waitFor(t, "text reply", func(ex prismtest.Exchange) bool { return ex.Form.Get("Body") != "" })
	pr.say(t, asha, "4")
	pr.waitFor(t, "list of records", func(ex prismtest.Exchange) bool { return strings.Contains(ex.Form.Get("Body"), "1.") })
	pr.say(t, asha, "1")
	pr.waitFor(t, "record as media", func(ex prismtest.Exchange) bool { return len(ex.Form["MediaUrl"]) > 0 })

	pr.push(t, "9811200001", "Your lab report is ready.")
	pr.waitFor(t, "push as template", func(ex prismtest.Exchange) bool { return ex.Form.Get("ContentSid") == templateID })

	pr.p.Check(t)
	for _, ex := range pr.p.Exchanges() {
		assert.Equal(t, pr.base+"/twilio/status", ex.Form.Get("StatusCallback"), "every message asks for delivery reports")
	}
}
