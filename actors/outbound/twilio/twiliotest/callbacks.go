package twiliotest

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// SetOnAccept makes the fake call fn with each message it accepts before
// it answers the create request, the way Twilio may call a status
// callback before the sender has finished recording the answer. fn runs
// on the request's goroutine; nil removes the hook.
func (s *Server) SetOnAccept(fn func(Sent)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onAccept = fn
}

func (s *Server) acceptHook() func(Sent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.onAccept
}

// Report posts a delivery status callback for an accepted message to its
// StatusCallback, as Twilio does: form-encoded, signed with the auth
// token (X-Twilio-Signature), with errorCode as ErrorCode when not 0. It
// returns the HTTP status of the answer.
func (s *Server) Report(ctx context.Context, m Sent, status string, errorCode int) (int, error) {
	if m.StatusCallback == "" {
		return 0, errors.New("twiliotest: the message has no StatusCallback")
	}
	form := url.Values{
		"AccountSid": {s.accountSID}, "MessageSid": {m.SID}, "SmsSid": {m.SID},
		"MessageStatus": {status}, "SmsStatus": {status}, "ApiVersion": {"2010-04-01"},
		"From": {m.From}, "To": {m.To}, "ChannelPrefix": {"whatsapp"},
	}
	if errorCode != 0 {
		form.Set("ErrorCode", strconv.Itoa(errorCode))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.StatusCallback, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, fmt.Errorf("twiliotest: status callback request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", Signature(s.authToken, m.StatusCallback, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("twiliotest: post status callback: %w", err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Signature is Twilio's X-Twilio-Signature of a form POSTed to fullURL:
// Base64(HMAC-SHA1(auth token, URL followed by each key and its value,
// keys sorted)). It is written here from Twilio's description so that it
// checks the product's validator rather than sharing its code.
func Signature(authToken, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(form.Get(k))
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
