package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twilio/twilio-go/client"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"
	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
)

var textMessage = twilio.Message{From: sender, To: patient, Body: complaint}

func TestSendFailuresAreClassified(t *testing.T) {
	tests := []struct {
		name          string
		fault         twiliotest.Fault
		status, code  int
		retryable     bool
		retryAfter    time.Duration
		outsideWindow bool
	}{
		{"rate limited with Retry-After", twiliotest.Fault{Code: 20429, RetryAfter: "3"}, 429, 20429, true, 3 * time.Second, false},
		{"rate limited without Retry-After", twiliotest.Fault{Code: 20429}, 429, 20429, true, 0, false},
		{"server error", twiliotest.Fault{Status: 500}, 500, 20500, true, 0, false},
		{"unavailable with Retry-After", twiliotest.Fault{Status: 503, RetryAfter: "7"}, 503, 20503, true, 7 * time.Second, false},
		{"proxy error without JSON", twiliotest.Fault{Status: 502, RawBody: "<html>Bad Gateway</html>"}, 502, 0, true, 0, false},
		{"invalid To", twiliotest.Fault{Code: 21211}, 400, 21211, false, 0, false},
		{"outside 24 h window", twiliotest.Fault{Code: 63016}, 400, 63016, false, 0, true},
		{"Retry-After ignored when not retryable", twiliotest.Fault{Code: 21211, RetryAfter: "5"}, 400, 21211, false, 0, false},
	}
	fake := twiliotest.NewServer(t, accountSID, authToken)
	c := newClient(t, fake.URL(), 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.FailNext(1, tt.fault)
			sid, err := c.Send(context.Background(), textMessage)
			require.Error(t, err)
			assert.Empty(t, sid)

			var se *twilio.SendError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.status, se.Status)
			assert.Equal(t, tt.code, se.Code)
			assert.Equal(t, tt.retryable, se.Retryable)
			assert.Equal(t, tt.retryable, twilio.IsRetryable(err))
			assert.Equal(t, tt.retryAfter, se.RetryAfter)
			assert.Equal(t, tt.outsideWindow, twilio.IsOutsideWindow(err))
			assert.Contains(t, err.Error(), "send message: ")
			assert.Contains(t, err.Error(), "status ")
			assertNoPatientData(t, err)
		})
	}
	assert.Empty(t, fake.Messages())
}

func TestTwilioMessageQuotingTheNumberStaysOutOfErrorText(t *testing.T) {
	fake := twiliotest.NewServer(t, accountSID, authToken)
	fake.FailNext(1, twiliotest.Fault{Code: 21211}) // Twilio's text quotes To
	_, err := newClient(t, fake.URL(), 0).Send(context.Background(), textMessage)

	var tre *client.TwilioRestError
	require.ErrorAs(t, err, &tre, "the cause stays reachable for code that needs it")
	require.Contains(t, tre.Message, patient, "precondition: the cause does quote the number")
	assertNoPatientData(t, err)
	assert.Equal(t, "send message: twilio answered status 400 code 21211", err.Error())
}

func TestWrongCredentialsAreNotRetryable(t *testing.T) {
	fake := twiliotest.NewServer(t, accountSID, authToken)
	c, err := twilio.New(twilio.Options{AccountSID: accountSID, AuthToken: "wrongtoken", BaseURL: fake.URL()})
	require.NoError(t, err)

	_, err = c.Send(context.Background(), textMessage)
	var se *twilio.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusUnauthorized, se.Status)
	assert.Equal(t, 20003, se.Code)
	assert.False(t, twilio.IsRetryable(err))
	assertNoPatientData(t, err)
	assert.NotContains(t, err.Error(), "wrongtoken")
}

func TestTimeoutsAreRetryable(t *testing.T) {
	fake := twiliotest.NewServer(t, accountSID, authToken)

	t.Run("client timeout", func(t *testing.T) {
		fake.FailNext(1, twiliotest.Fault{Hang: true})
		start := time.Now()
		_, err := newClient(t, fake.URL(), 100*time.Millisecond).Send(context.Background(), textMessage)
		assert.Less(t, time.Since(start), 5*time.Second, "the timeout bounds the call")
		assert.True(t, twilio.IsRetryable(err))
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "timed out")
		assertNoPatientData(t, err)
	})
	t.Run("caller deadline shorter than timeout", func(t *testing.T) {
		fake.FailNext(1, twiliotest.Fault{Hang: true})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := newClient(t, fake.URL(), time.Minute).Send(ctx, textMessage)
		assert.Less(t, time.Since(start), 5*time.Second, "the caller's context ends the call")
		assert.True(t, twilio.IsRetryable(err))
	})
	t.Run("caller cancels mid-call", func(t *testing.T) {
		fake.FailNext(1, twiliotest.Fault{Hang: true})
		ctx, cancel := context.WithCancel(context.Background())
		before := fake.Requests()
		go func() {
			defer cancel()
			assert.Eventually(t, func() bool { return fake.Requests() > before }, 5*time.Second, time.Millisecond)
		}()
		_, err := newClient(t, fake.URL(), time.Minute).Send(ctx, textMessage)
		assert.ErrorIs(t, err, context.Canceled)
		assert.True(t, twilio.IsRetryable(err))
		assert.Contains(t, err.Error(), "canceled")
	})
}

func TestDoneContextFailsWithoutHTTP(t *testing.T) {
	fake := twiliotest.NewServer(t, accountSID, authToken)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newClient(t, fake.URL(), 0).Send(ctx, textMessage)
	require.ErrorIs(t, err, context.Canceled)
	assert.True(t, twilio.IsRetryable(err), "nothing was sent; a later attempt may succeed")
	assert.Zero(t, fake.Requests())
}

func TestUnreachableTwilioIsRetryable(t *testing.T) {
	fake := twiliotest.NewServer(t, accountSID, authToken)
	c := newClient(t, fake.URL(), 0)
	fake.Close()
	_, err := c.Send(context.Background(), textMessage)
	var se *twilio.SendError
	require.ErrorAs(t, err, &se)
	assert.Zero(t, se.Status)
	assert.True(t, se.Retryable)
	assert.Contains(t, err.Error(), "transport error")
	assertNoPatientData(t, err)
}

func TestHelpersOnOtherErrors(t *testing.T) {
	for _, err := range []error{nil, errors.New("boom"), context.Canceled} {
		assert.False(t, twilio.IsRetryable(err))
		assert.False(t, twilio.IsOutsideWindow(err))
	}
	wrapped := errors.Join(errors.New("drain outbox"), &twilio.SendError{Status: 400, Code: twilio.CodeOutsideWindow})
	assert.True(t, twilio.IsOutsideWindow(wrapped), "found through wrapping")
}
