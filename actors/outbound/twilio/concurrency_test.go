package twilio_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"
	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
)

// TestConcurrentSendsKeepTheirOwnAnswers checks that one Client shared by many
// goroutines ties each 429 and its Retry-After to the call that got it.
func TestConcurrentSendsKeepTheirOwnAnswers(t *testing.T) {
	const n, limited = 40, 10
	fake := twiliotest.NewServer(t, accountSID, authToken)
	fake.FailNext(limited, twiliotest.Fault{Code: 20429, RetryAfter: "2"})
	c := newClient(t, fake.URL(), 0)

	type result struct {
		to, sid string
		err     error
	}
	results := make(chan result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			to := fmt.Sprintf("whatsapp:+9198000%05d", i)
			sid, err := c.Send(context.Background(), twilio.Message{From: sender, To: to, Body: "hello"})
			results <- result{to, sid, err}
		})
	}
	wg.Wait()
	close(results)

	var ok, throttled int
	for r := range results {
		if r.err != nil {
			throttled++
			var se *twilio.SendError
			require.ErrorAs(t, r.err, &se)
			assert.Equal(t, 429, se.Status)
			assert.Equal(t, 2*time.Second, se.RetryAfter)
			assert.Empty(t, fake.MessagesTo(r.to))
			continue
		}
		ok++
		got := fake.MessagesTo(r.to)
		require.Len(t, got, 1)
		assert.Equal(t, r.sid, got[0].SID)
	}
	assert.Equal(t, limited, throttled)
	assert.Equal(t, n-limited, ok)
}
