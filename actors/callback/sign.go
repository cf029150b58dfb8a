package callback

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of every callback request.
const (
	// HeaderTimestamp is when the request was signed, in Unix seconds.
	HeaderTimestamp = "X-Frontdesk-Timestamp"
	// HeaderSignature is "v1=" and the lower-case hex HMAC-SHA256, under
	// the hospital's callback_secret, of the timestamp, ".", and the body.
	// Receivers accept the request when any comma-separated v1 value
	// matches, so a later change of scheme or key can send two.
	HeaderSignature = "X-Frontdesk-Signature"
	// HeaderID is the same for every attempt at one answer: the EMR
	// recognises a repeat by it.
	HeaderID = "X-Frontdesk-Callback-Id"
)

// DefaultTolerance is how far a timestamp may be from the receiver's
// clock; older requests are refused as possible replays.
const DefaultTolerance = 5 * time.Minute

// Sign returns the value of HeaderSignature for body signed at ts.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1=" + hex.EncodeToString(mac.Sum(nil))
}

// The reasons Verify refuses a request.
var (
	ErrNoSignature = errors.New("callback: missing timestamp or signature")
	ErrStale       = errors.New("callback: timestamp outside the tolerance")
	ErrSignature   = errors.New("callback: signature does not match")
)

// Verify checks a received callback the way an EMR should: the timestamp
// within tolerance of now, and a v1 signature of the exact body bytes
// under secret (compared in constant time). Go receivers can use it as is;
// docs/callbacks.md shows the same in shell.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	tsText, sigs := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if tsText == "" || sigs == "" {
		return ErrNoSignature
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return ErrNoSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	want := []byte(Sign(secret, ts, body))
	for _, s := range strings.Split(sigs, ",") {
		if hmac.Equal([]byte(strings.TrimSpace(s)), want) {
			return nil
		}
	}
	return ErrSignature
}
