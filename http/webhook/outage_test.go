package webhook

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// heldRouter holds every delivery until released, as a conversation
// waiting for a commit to a hung store does.
type heldRouter struct {
	calls   chan struct{}
	release chan struct{}
}

func (r *heldRouter) Deliver(ctx context.Context, _ *conversation.Deliver) (*conversation.Ack, error) {
	r.calls <- struct{}{}
	select {
	case <-r.release:
		return &conversation.Ack{}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// outageServer serves /twilio/messages (no signatures) with the store's
// availability as given.
func outageServer(router Deliverer, available func() error, outage func() context.Context) *gin.Engine {
	h := New(Options{
		PublicURL: testPublic, Router: router, Now: func() time.Time { return testNow }, Wait: 5 * time.Second,
		Hasher:  pii.NewHasher([]byte("0123456789abcdef0123456789abcdef")),
		Metrics: metrics.New(), Logger: slog.New(slog.NewJSONHandler(&bytes.Buffer{}, nil)),
		Available: available, Outage: outage,
	})
	e := gin.New()
	e.POST("/twilio/messages", h.Messages)
	return e
}

func postMessage(t *testing.T, e *gin.Engine) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/twilio/messages", strings.NewReader(fixture(t, "image.form").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, req)
	return w
}

// TestMessagesRefusedWhileStoreDown: while the store is known to be
// unreachable a message is answered 503 with Retry-After and never reaches
// a conversation.
func TestMessagesRefusedWhileStoreDown(t *testing.T) {
	r := &fakeRouter{}
	e := outageServer(r, func() error { return errors.New("store unreachable for 3s") }, nil)
	w := postMessage(t, e)
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.NotEmpty(t, w.Header().Get("Retry-After"), "a 503 says when to retry")
	assert.Empty(t, r.delivered(), "nothing may reach a conversation while the store is down")
}

// TestMessagesGiveUpWhenStoreGoesDown: a message waiting for its commit is
// answered 503 as soon as the store is found unreachable, not when the
// commit times out.
func TestMessagesGiveUpWhenStoreGoesDown(t *testing.T) {
	r := &heldRouter{calls: make(chan struct{}, 1), release: make(chan struct{})}
	defer close(r.release)
	up, down := context.WithCancel(context.Background())
	defer down()
	e := outageServer(r, func() error { return nil }, func() context.Context { return up })
	answered := make(chan *httptest.ResponseRecorder, 1)
	go func() { answered <- postMessage(t, e) }()
	<-r.calls // the message waits for its commit
	down()
	select {
	case w := <-answered:
		require.Equal(t, http.StatusServiceUnavailable, w.Code, "an unknown outcome is not acknowledged")
		assert.NotEmpty(t, w.Header().Get("Retry-After"))
	case <-time.After(2 * time.Second):
		t.Fatal("the webhook should answer as soon as the store is found unreachable")
	}
}
