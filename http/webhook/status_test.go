package webhook

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// recorderFake keeps what the handler hands over.
type recorderFake struct {
	mu  sync.Mutex
	got []string
	at  []time.Time
}

func (r *recorderFake) Record(_ context.Context, sid string, st persistence.DeliveryStatus) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, sid+" "+st.Status+" "+st.ErrorCode)
	r.at = append(r.at, st.At)
}

func (r *recorderFake) records() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// statusServer is the webhook with a status recorder, as the process wires it.
func statusServer(rec StatusRecorder) *testServer {
	gin.SetMode(gin.ReleaseMode)
	s := &testServer{router: &fakeRouter{}, metrics: metrics.New(), logs: &bytes.Buffer{}}
	h := New(Options{
		PublicURL: testPublic, AccountSID: testAccount, AuthToken: testToken,
		Router: s.router, Now: func() time.Time { return testNow },
		Hasher:  pii.NewHasher([]byte("0123456789abcdef0123456789abcdef")),
		Metrics: s.metrics, Logger: slog.New(slog.NewJSONHandler(s.logs, nil)), Statuses: rec,
	})
	s.engine = gin.New()
	s.engine.POST("/twilio/status", h.Status)
	return s
}

// TestStatusRecorded: a signed report reaches the recorder with Twilio's
// SID, status and error code, stamped with the process clock; anything
// unsigned or malformed is refused before it.
func TestStatusRecorded(t *testing.T) {
	rec := &recorderFake{}
	s := statusServer(rec)
	f := fixture(t, "status_delivered.form")
	sid := f.Get("MessageSid")
	require.Equal(t, http.StatusNoContent, s.postSigned("/twilio/status", f, testToken).Code)
	f.Set("MessageStatus", "undelivered")
	f.Set("ErrorCode", "63016")
	require.Equal(t, http.StatusNoContent, s.postSigned("/twilio/status", f, testToken).Code)
	assert.Equal(t, []string{sid + " delivered ", sid + " undelivered 63016"}, rec.records())
	assert.Equal(t, []time.Time{testNow, testNow}, rec.at)

	bad := []struct {
		name, key, value string
		code             int
	}{
		{"error code not a number", "ErrorCode", "63016; drop", http.StatusBadRequest},
		{"unknown status", "MessageStatus", "exploded", http.StatusBadRequest},
		{"malformed sid", "MessageSid", "XX1", http.StatusBadRequest},
	}
	for _, b := range bad {
		g := fixture(t, "status_delivered.form")
		g.Set(b.key, b.value)
		assert.Equal(t, b.code, s.postSigned("/twilio/status", g, testToken).Code, b.name)
	}
	assert.Equal(t, http.StatusForbidden, s.post("/twilio/status", f.Encode(), "forged").Code)
	assert.Len(t, rec.records(), 2, "nothing refused reaches the recorder")
	assert.Equal(t, 2.0, s.counter(t, "frontdesk_webhook_requests_total", "code", "204"))
}
