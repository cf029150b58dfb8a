package runtime_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/http/webhook"
	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// BenchmarkWebhook measures the in-process webhook path: signature check,
// form decoding, the conversation actor's decision, the durable commit of
// state + reply + MessageSid in the embedded store, and the answer. Each
// message comes from one of 1000 patients with no open conversation, so
// each gets the "how to start" reply (no EMR call); replies go to a fake
// Twilio API in the background.
func BenchmarkWebhook(b *testing.B) {
	const (
		sid   = "AC0123456789abcdef0123456789abcdef"
		token = "benchtoken0123456789abcdef012345"
		base  = "http://frontdesk.bench"
	)
	fake := twiliotest.NewServer(b, sid, token)
	env := map[string]string{
		"FRONTDESK_PUBLIC_URL": base, "FRONTDESK_DATA_DIR": b.TempDir(),
		"TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": token, "TWILIO_API_BASE_URL": fake.URL(),
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		b.Fatal(err)
	}
	app, err := runtime.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = app.Shutdown(b.Context()) })
	h := app.Handler()
	var seq atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32) // 64 webhooks in flight on 2 cores, like Twilio's concurrent deliveries
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			f := url.Values{
				"MessageSid": {fmt.Sprintf("SM%032x", n)}, "AccountSid": {sid},
				"From": {fmt.Sprintf("whatsapp:+9198%08d", n%1000)}, "To": {cfg.Hospitals[0].Sender},
				"Body": {"hello"}, "NumMedia": {"0"},
			}
			req := httptest.NewRequest(http.MethodPost, "/twilio/messages", strings.NewReader(f.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", webhook.Sign(token, base+"/twilio/messages", f))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("webhook answered %d: %s", rec.Code, rec.Body.String())
			}
		}
	})
}
