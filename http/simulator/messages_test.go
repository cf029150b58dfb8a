package simulator

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
)

// pollAnswer is the JSON of GET /simulator/messages.
type pollAnswer struct {
	Messages []Sent `json:"messages"`
	Epoch    string `json:"epoch"`
}

// poll runs the messages handler directly with ctx, so a test controls
// the request's lifetime.
func poll(ctx context.Context, h *handlers, query string) (int, pollAnswer) {
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/simulator/messages?"+query, nil).WithContext(ctx)
	h.messages(c)
	var out pollAnswer
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

// waitForWaiter polls, with a deadline, until a long poll for phone is
// parked in the sink.
func waitForWaiter(t *testing.T, s *Sink, phone string) {
	t.Helper()
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.waiters[phone]) > 0
	}, 5*time.Second, time.Millisecond, "the long poll never started waiting")
}

func TestLongPollReturnsWhenTheBotAnswers(t *testing.T) {
	hs := newHarness(t, Options{})
	const phone = "+919800000001"
	_, err := hs.sink.Send(context.Background(), outbound.Message{To: phone, From: "whatsapp:+14155238886", Body: "old"})
	require.NoError(t, err)

	type result struct {
		status int
		out    pollAnswer
	}
	done := make(chan result, 1)
	go func() {
		status, out := poll(context.Background(), hs.h, "phone=%2B919800000001&after=1")
		done <- result{status, out}
	}()
	waitForWaiter(t, hs.sink, phone)
	_, err = hs.sink.Send(context.Background(), outbound.Message{To: "+919800000002", From: "whatsapp:+14155238886", Body: "someone else"})
	require.NoError(t, err)
	_, err = hs.sink.Send(context.Background(), outbound.Message{To: phone, From: "whatsapp:+14155238886", Body: "*Welcome*", Media: []string{"http://x/r.pdf"}})
	require.NoError(t, err)

	select {
	case r := <-done:
		require.Equal(t, http.StatusOK, r.status)
		require.Len(t, r.out.Messages, 1, "only this patient's messages after the cursor")
		m := r.out.Messages[0]
		assert.Equal(t, 3, m.Seq)
		assert.Equal(t, "*Welcome*", m.Body)
		assert.Equal(t, "whatsapp:+14155238886", m.From)
		assert.Equal(t, []string{"http://x/r.pdf"}, m.Media)
		assert.Equal(t, hs.h.epoch, r.out.Epoch)
	case <-time.After(5 * time.Second):
		t.Fatal("the long poll did not return when a message arrived")
	}
}

func TestLongPollEndsWithTheRequest(t *testing.T) {
	hs := newHarness(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan pollAnswer, 1)
	go func() {
		_, out := poll(ctx, hs.h, "phone=%2B919800000001&after=0")
		done <- out
	}()
	waitForWaiter(t, hs.sink, "+919800000001")
	cancel()
	select {
	case out := <-done:
		assert.NotNil(t, out.Messages, `an empty list, not null`)
		assert.Empty(t, out.Messages)
	case <-time.After(5 * time.Second):
		t.Fatal("the long poll outlived its request")
	}
	hs.sink.mu.Lock()
	defer hs.sink.mu.Unlock()
	assert.Empty(t, hs.sink.waiters, "the ended poll leaves no waiter behind")
}

func TestLongPollIsBounded(t *testing.T) {
	hs := newHarness(t, Options{})
	hs.h.poll = time.Millisecond
	status, out := poll(context.Background(), hs.h, "phone=%2B919800000001")
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, out.Messages)
}

func TestMessagesWithoutWaiting(t *testing.T) {
	hs := newHarness(t, Options{})
	_, err := hs.sink.Send(context.Background(), outbound.Message{To: "+919800000001", From: "whatsapp:+14155238886", Body: "one"})
	require.NoError(t, err)

	// wait=0 answers at once, also with nothing new; an unescaped '+'
	// (a space once decoded) still names the number.
	status, out := poll(context.Background(), hs.h, "phone=%2B919800000001&wait=0")
	require.Equal(t, http.StatusOK, status)
	require.Len(t, out.Messages, 1)
	assert.Equal(t, "one", out.Messages[0].Body)

	status, out = poll(context.Background(), hs.h, "phone=+919800000001&after=1&wait=0")
	require.Equal(t, http.StatusOK, status)
	assert.NotNil(t, out.Messages)
	assert.Empty(t, out.Messages)
}

func TestMessagesRefusesBadQueries(t *testing.T) {
	hs := newHarness(t, Options{})
	for _, q := range []string{"", "phone=919800000001", "phone=%2B919800000001&after=x", "phone=%2B919800000001&after=-1"} {
		status, _ := poll(context.Background(), hs.h, q)
		assert.Equal(t, http.StatusBadRequest, status, q)
	}
}

func TestResetForgetsThePatientsMessages(t *testing.T) {
	hs := newHarness(t, Options{})
	for _, to := range []string{"+919800000001", "+919800000002"} {
		_, err := hs.sink.Send(context.Background(), outbound.Message{To: to, From: "whatsapp:+14155238886", Body: "hello"})
		require.NoError(t, err)
	}
	status, _ := hs.postJSON(t, "/simulator/reset", map[string]string{"phone": "+919800000001"})
	require.Equal(t, http.StatusOK, status)
	assert.Empty(t, hs.sink.After("+919800000001", 0))
	assert.Len(t, hs.sink.After("+919800000002", 0), 1, "other patients keep theirs")

	status, _ = hs.postJSON(t, "/simulator/reset", map[string]string{"phone": "nope"})
	assert.Equal(t, http.StatusBadRequest, status)
	status, _ = hs.postJSON(t, "/simulator/reset", "not json")
	assert.Equal(t, http.StatusBadRequest, status)
}
