package twilio

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
)

// Twilio error codes the product acts on.
const (
	// CodeTooManyRequests: the sender's rate limit was hit; retry after a pause.
	CodeTooManyRequests = 20429
	// CodeOutsideWindow: a free-form message outside WhatsApp's 24 h
	// customer-service window; only a template (ContentSID) can be sent. It
	// also arrives later as ErrorCode on the status callback.
	CodeOutsideWindow = 63016
)

// maxRetryAfter caps a Retry-After so an absurd header cannot park a sender.
const maxRetryAfter = time.Hour

// ErrInvalidMessage is returned, wrapped, before any HTTP call when a Message
// cannot be sent as given: a caller mistake that no retry fixes.
var ErrInvalidMessage = errors.New("invalid message")

// SendError is why a Send failed. Its text names the HTTP status and Twilio
// code but never the recipient or the body; Err, the underlying error, may
// hold Twilio's own message, which can quote the recipient, so log Error()
// and not the unwrapped cause.
type SendError struct {
	Status     int           // HTTP status, 0 when no answer arrived
	Code       int           // Twilio error code, 0 when unknown
	Retryable  bool          // a later attempt may succeed
	RetryAfter time.Duration // Twilio's Retry-After when retryable, else 0
	Err        error
}

// Error describes the failure without patient data.
func (e *SendError) Error() string {
	var b strings.Builder
	b.WriteString("send message: ")
	switch {
	case e.Status >= 200 && e.Status < 300:
		fmt.Fprintf(&b, "twilio accepted it (status %d) but the answer was unreadable", e.Status)
	case e.Status != 0 || e.Code != 0:
		fmt.Fprintf(&b, "twilio answered status %d", e.Status)
		if e.Code != 0 {
			fmt.Fprintf(&b, " code %d", e.Code)
		}
	default:
		b.WriteString(transportSummary(e.Err))
	}
	if e.Retryable {
		b.WriteString(" (retryable")
		if e.RetryAfter > 0 {
			fmt.Fprintf(&b, " after %s", e.RetryAfter)
		}
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap gives errors.Is/As access to the cause (context errors, net errors,
// *client.TwilioRestError).
func (e *SendError) Unwrap() error { return e.Err }

// IsRetryable reports whether err is a send failure worth retrying: 429/20429,
// 5xx, timeouts and transport errors.
func IsRetryable(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Retryable
}

// IsOutsideWindow reports whether Twilio refused a free-form message because
// the patient's 24 h window is closed (63016): resend as a template.
func IsOutsideWindow(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Code == CodeOutsideWindow
}

// classify turns what twilio-go returned, plus the answer the call's transport
// recorded, into a SendError.
func classify(err error, a answer, now time.Time) *SendError {
	se := &SendError{Status: a.status, Err: err}
	var tre *client.TwilioRestError
	if errors.As(err, &tre) {
		se.Code = tre.Code
		if se.Status == 0 {
			se.Status = tre.Status // refused by twilio-go before sending
		}
	}
	switch {
	case se.Status == 0:
		se.Retryable = true // no answer: timeout, refused connection, reset
	case se.Status == http.StatusTooManyRequests || se.Code == CodeTooManyRequests:
		se.Retryable = true
	case se.Status >= 500:
		se.Retryable = true
	}
	if se.Retryable {
		se.RetryAfter = parseRetryAfter(a.retryAfter, now)
	}
	return se
}

// transportSummary names a failure without an answer. It keeps only the
// network error itself, never request data.
func transportSummary(err error) string {
	var nerr net.Error
	switch {
	case err == nil:
		return "failed"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		return "timed out"
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return "transport error: " + uerr.Err.Error()
	}
	return "transport error: " + err.Error()
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 means none usable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}
