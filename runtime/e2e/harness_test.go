// Package e2e drives the whole process over HTTP the way Twilio and an EMR
// do: signed webhooks in, messages out to a fake Twilio API, EMR calls to a
// fake seed-compatible EMR (or the demo EMR), and checks what the patient
// receives.
package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/http/webhook"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

const (
	accountSID = "AC0123456789abcdef0123456789abcdef"
	authToken  = "e2etoken0123456789abcdef01234567"
	sender     = "whatsapp:+14155238886"
	apiKey     = "e2e-api-key-abc"
	demoAPIKey = "e2e-api-key-demo"
	// callbackSecret signs the answers to reminders of abc and demo.
	callbackSecret = "e2e-callback-secret-0123456789"
	// abc is the restapi hospital backed by the fake EMR; demo is the
	// built-in demo EMR.
	abc  = "abc"
	demo = "demo"
)

// harness is one process under test with its fakes.
type harness struct {
	t       *testing.T
	app     *runtime.App
	cfg     config.Config
	base    string
	twilio  *twiliotest.Server
	emr     *restapitest.Server
	media   *twilioMedia // Twilio's media hosts (media_test.go)
	clock   *storetest.Clock
	dataDir string
	opts    []runtime.Option
	logs    *syncBuffer
	seq     atomic.Int64
	served  chan error

	// storeEnv puts every boot on the suite's store (see storeenv_test.go).
	storeEnv map[string]string
}

// hospitalsYAML configures the restapi hospital on the fake EMR, the
// demo hospital and an inactive one (code closed, which must not start a
// conversation); the API keys' SHA-256 and the callback secret are set
// for abc and demo.
const hospitalsYAML = `hospitals:
  - code: abc
    name: ABC Hospital
    helpline: "+919800000000"
    timezone: Asia/Kolkata
    languages: [en, hi]
    sender: "%[1]s"
    country_code: "91"
    api_keys_sha256: ["%[2]s"]
    callback_secret: "%[5]s"
    registration:
      photo_optional: true
    emr:
      kind: restapi
      hid: "184"
      timeout: 1s
      auth_header: "Bearer ${EMR_ABC_TOKEN}"
      endpoints:
%[3]s
  - code: demo
    name: Demo Hospital
    helpline: "+911234567890"
    timezone: Asia/Kolkata
    languages: [en, hi]
    sender: "%[1]s"
    country_code: "91"
    api_keys_sha256: ["%[4]s"]
    callback_secret: "%[5]s"
    emr:
      kind: demo
  - code: closed
    name: Closed Clinic
    helpline: "+911234567899"
    active: false
    sender: "%[1]s"
    country_code: "91"
    emr:
      kind: demo
`

// start runs a process configured with both hospitals.
func start(t *testing.T, opts ...runtime.Option) *harness {
	t.Helper()
	return startEnv(t, nil, opts...)
}

// startEnv is start with extra environment variables for the process
// (FRONTDESK_PASSIVATE_AFTER, ...). They apply to this boot only:
// h.restart() boots with the harness's usual environment.
func startEnv(t *testing.T, extra map[string]string, opts ...runtime.Option) *harness {
	t.Helper()
	return startYAML(t, hospitalsYAML, extra, opts...)
}

// startYAML is startEnv with a hospitals file template of the test's own
// (hospitalsYAML changed; see hospitalsFile).
func startYAML(t *testing.T, tmpl string, extra map[string]string, opts ...runtime.Option) *harness {
	t.Helper()
	h := &harness{
		t:       t,
		twilio:  twiliotest.NewServer(t, accountSID, authToken),
		emr:     restapitest.NewServer(t),
		clock:   storetest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)), // a Tuesday, 15:30 IST
		dataDir: t.TempDir(),
		logs:    &syncBuffer{},
	}
	h.storeEnv = e2eStoreEnv(t)
	path := filepath.Join(h.dataDir, "hospitals.yaml")
	if err := os.WriteFile(path, []byte(h.hospitalsFile(tmpl)), 0o600); err != nil {
		t.Fatal(err)
	}
	h.opts = append([]runtime.Option{runtime.WithClock(h.clock.Now), runtime.WithShards(2)}, opts...)
	h.bootWithEnv(path, extra)
	t.Cleanup(h.stop)
	return h
}

// hospitalsFile fills a hospitals file template (hospitalsYAML or one
// made from it) for this harness: its sender, the API keys' hashes, the
// fake EMR's endpoints and the callback secret.
func (h *harness) hospitalsFile(tmpl string) string {
	var eps strings.Builder
	for op, u := range h.emr.Endpoints() {
		fmt.Fprintf(&eps, "        %s: %s\n", op, u)
	}
	return fmt.Sprintf(tmpl, sender, sha256hex(apiKey), strings.TrimRight(eps.String(), "\n"), sha256hex(demoAPIKey), callbackSecret)
}

// bootWithEnv starts the process on a fresh loopback port, with extra
// variables added to its environment.
func (h *harness) bootWithEnv(configPath string, extra map[string]string) {
	h.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	h.base = "http://" + ln.Addr().String()
	env := map[string]string{
		"FRONTDESK_ADDR": ln.Addr().String(), "FRONTDESK_PUBLIC_URL": h.base,
		"FRONTDESK_CONFIG": configPath, "FRONTDESK_DATA_DIR": h.dataDir,
		"TWILIO_ACCOUNT_SID": accountSID, "TWILIO_AUTH_TOKEN": authToken, "TWILIO_API_BASE_URL": h.twilio.URL(),
		"EMR_ABC_TOKEN": "restapitest-token", "FRONTDESK_LOG_LEVEL": "debug",
	}
	maps.Copy(env, h.storeEnv)
	maps.Copy(env, extra)
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		h.t.Fatal(err)
	}
	h.cfg = cfg
	log := slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if h.media == nil {
		h.media = newTwilioMedia()
	}
	// Twilio's media hosts are answered in process; a test's own
	// options come after and win.
	app, err := runtime.New(cfg, log, append([]runtime.Option{runtime.WithMediaTransport(h.media)}, h.opts...)...)
	if err != nil {
		h.t.Fatal(err)
	}
	h.app = app
	h.served = make(chan error, 1)
	go func() { h.served <- app.Serve(ln) }()
}

// stop shuts the process down gracefully.
func (h *harness) stop() {
	if h.app == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := h.app.Shutdown(ctx); err != nil {
		h.t.Errorf("shutdown: %v", err)
	}
	if err := <-h.served; err != nil {
		h.t.Errorf("serve: %v", err)
	}
	h.app = nil
}

// restart stops the process and starts a new one on the same data.
func (h *harness) restart() {
	h.t.Helper()
	h.stop()
	h.bootWithEnv(h.cfg.ConfigPath, nil)
}

// newSid returns a fresh Twilio message SID.
func (h *harness) newSid() string { return fmt.Sprintf("SM%032x", h.seq.Add(1)) }

// form is an inbound WhatsApp message from phone.
func (h *harness) form(phone, body string) url.Values {
	return url.Values{
		"MessageSid": {h.newSid()}, "AccountSid": {accountSID}, "From": {"whatsapp:" + phone},
		"To": {sender}, "Body": {body}, "NumMedia": {"0"}, "ProfileName": {"Test"}, "WaId": {strings.TrimPrefix(phone, "+")},
		"SmsStatus": {"received"}, "ApiVersion": {"2010-04-01"},
	}
}

// withMedia adds attachments to a form.
func withMedia(f url.Values, media ...[2]string) url.Values {
	f.Set("NumMedia", fmt.Sprint(len(media)))
	for i, m := range media {
		f.Set(fmt.Sprintf("MediaUrl%d", i), m[0])
		f.Set(fmt.Sprintf("MediaContentType%d", i), m[1])
	}
	return f
}

// post sends a signed webhook and returns the status and body.
func (h *harness) post(f url.Values) (int, string) {
	h.t.Helper()
	return h.postSigned(f, webhook.Sign(authToken, h.base+"/twilio/messages", f))
}

func (h *harness) postSigned(f url.Values, sig string) (int, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.base+"/twilio/messages", strings.NewReader(f.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sig)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// replies are the bodies sent to phone so far (media as "[media url]").
func (h *harness) replies(phone string) []string {
	var out []string
	for _, m := range h.twilio.MessagesTo("whatsapp:" + phone) {
		b := m.Body
		for _, u := range m.MediaURLs {
			b += " [media " + u + "]"
		}
		out = append(out, b)
	}
	return out
}

// say sends body from phone (expecting 200) and waits until the replies
// that follow contain every one of want; it returns those replies joined.
func (h *harness) say(phone, body string, want ...string) string {
	h.t.Helper()
	return h.sendExpect(h.form(phone, body), want...)
}

// sendExpect posts a form and waits for replies containing want.
func (h *harness) sendExpect(f url.Values, want ...string) string {
	h.t.Helper()
	phone := strings.TrimPrefix(f.Get("From"), "whatsapp:")
	before := len(h.replies(phone))
	if code, body := h.post(f); code != http.StatusOK {
		h.t.Fatalf("webhook %q: status %d %s", f.Get("Body"), code, body)
	}
	return h.waitReplies(phone, before, want...)
}

// waitReplies waits until replies after index `from` contain every want.
func (h *harness) waitReplies(phone string, from int, want ...string) string {
	h.t.Helper()
	return h.waitFor(phone, from, "a reply", want...)
}

// waitFor is waitReplies whose failure says what the patient should have
// seen.
func (h *harness) waitFor(phone string, from int, should string, want ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		all := h.replies(phone)
		got := strings.Join(all[min(from, len(all)):], "\n---\n")
		missing := ""
		for _, w := range want {
			if !strings.Contains(got, w) {
				missing = w
				break
			}
		}
		if missing == "" && len(all) > from {
			return got
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the patient should have seen %s (nothing containing %q); replies since: %q", should, missing, got)
		}
		select {
		case <-h.twilio.Changed():
		case <-time.After(100 * time.Millisecond):
		}
	}
}
