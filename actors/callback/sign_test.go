package callback

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestSignMatchesTheDocumentedRecipe: what docs/callbacks.md tells EMRs
// to compute, HMAC-SHA256 of "<timestamp>.<body>", hex.
func TestSignMatchesTheDocumentedRecipe(t *testing.T) {
	body := []byte(`{"reminder_id":"rem_1","answer":"confirmed"}`)
	mac := hmac.New(sha256.New, []byte(testSecret))
	mac.Write([]byte("1795608000." + string(body)))
	assert.Equal(t, "v1="+hex.EncodeToString(mac.Sum(nil)), Sign(testSecret, 1795608000, body))
}

func TestVerify(t *testing.T) {
	body := []byte(`{"reminder_id":"rem_1"}`)
	now := time.Unix(1795608000, 0)
	headers := func(ts int64, sig string) http.Header {
		h := http.Header{}
		h.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
		h.Set(HeaderSignature, sig)
		return h
	}
	good := Sign(testSecret, now.Unix(), body)
	tests := []struct {
		name string
		h    http.Header
		want error
	}{
		{"good", headers(now.Unix(), good), nil},
		{"one of two signatures", headers(now.Unix(), "v1=00ff, "+good), nil},
		{"a little early or late", headers(now.Add(-4*time.Minute).Unix(), Sign(testSecret, now.Add(-4*time.Minute).Unix(), body)), nil},
		{"too old", headers(now.Add(-6*time.Minute).Unix(), Sign(testSecret, now.Add(-6*time.Minute).Unix(), body)), ErrStale},
		{"from the future", headers(now.Add(6*time.Minute).Unix(), Sign(testSecret, now.Add(6*time.Minute).Unix(), body)), ErrStale},
		{"another timestamp", headers(now.Unix()+1, good), ErrSignature},
		{"no signature", headers(now.Unix(), ""), ErrNoSignature},
		{"no timestamp", http.Header{HeaderSignature: {good}}, ErrNoSignature},
		{"timestamp not a number", http.Header{HeaderTimestamp: {"yesterday"}, HeaderSignature: {good}}, ErrNoSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Verify(testSecret, tc.h, body, now, DefaultTolerance))
		})
	}
}
