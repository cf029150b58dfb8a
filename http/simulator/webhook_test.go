package simulator

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/http/webhook"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// router is a conversation router that accepts every event.
type router struct {
	mu  sync.Mutex
	got []*conversation.Deliver
}

func (r *router) Deliver(_ context.Context, d *conversation.Deliver) (*conversation.Ack, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, d)
	return &conversation.Ack{}, nil
}

// realWebhook is a Submit that posts the form to the real Twilio webhook
// handler, as the runtime does.
func realWebhook(r *router) func(ctx context.Context, form url.Values) (int, error) {
	wh := webhook.New(webhook.Options{
		PublicURL: "http://127.0.0.1:8080", Router: r, Now: time.Now,
		Hasher: pii.NewHasher([]byte("test-key-test-key-test-key-12345")), Metrics: metrics.New(),
		Logger: slog.New(slog.DiscardHandler),
	})
	e := gin.New()
	e.POST("/twilio/messages", wh.Messages)
	return func(ctx context.Context, form url.Values) (int, error) {
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/twilio/messages", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		return w.Code, nil
	}
}

func TestTheWebhookAcceptsSimulatedMessages(t *testing.T) {
	r := &router{}
	hs := newHarness(t, Options{Submit: realWebhook(r)})

	status, out := hs.postJSON(t, "/simulator/send", map[string]any{"hospital": "demo", "phone": "+919800000001", "body": "hi demo"})
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, float64(http.StatusOK), out["status"], "the webhook accepted the text message")

	_, up := hs.upload(t, pdfFile)
	status, out = hs.postJSON(t, "/simulator/send", map[string]any{"hospital": "demo", "phone": "+919800000001", "body": "report", "media_id": up["media_id"]})
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, float64(http.StatusOK), out["status"], "the webhook accepted the media message")

	r.mu.Lock()
	defer r.mu.Unlock()
	require.Len(t, r.got, 2)
	assert.Equal(t, conversation.Key{Sender: "whatsapp:+14155238886", Phone: "+919800000001"}, r.got[0].Key)
	text := r.got[0].Event.(*flow.Inbound)
	assert.Equal(t, "hi demo", text.Body)
	assert.Empty(t, text.Media)
	doc := r.got[1].Event.(*flow.Inbound)
	assert.Equal(t, []flow.Media{{URL: up["url"].(string), ContentType: "application/pdf"}}, doc.Media)
}
