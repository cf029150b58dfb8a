package twiliotest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Twilio's limits for one message.
const (
	maxBodyChars = 1600
	maxMedia     = 10
)

// handleMessages checks a create-message request in Twilio's order:
// credentials, account, method, form; then scripted faults; then fields.
func (s *Server) handleMessages(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeError(w, apiError{
			Code: 20003, Status: http.StatusUnauthorized,
			Message: "Authenticate", Detail: "Your AccountSid or AuthToken was incorrect.",
		})
		return
	}
	if r.PathValue("AccountSid") != s.accountSID {
		notFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, apiError{Code: 20004, Status: http.StatusMethodNotAllowed, Message: "Method not allowed"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, apiError{Code: 20001, Status: http.StatusBadRequest, Message: "Unable to parse request body"})
		return
	}
	m := sentFromForm(r)
	req := Request{Time: time.Now(), To: m.To, ContentSID: m.ContentSID}
	if f, ok := s.nextFault(m.To); ok {
		req.Fault = true
		s.logRequest(req)
		s.fail(w, r, f, m.To)
		return
	}
	if e, bad := check(m); bad {
		s.logRequest(req)
		writeError(w, e)
		return
	}
	m.SID = newSID()
	m.Time = time.Now()
	req.SID = m.SID
	s.logRequest(req)
	s.record(m)
	if hook := s.acceptHook(); hook != nil {
		hook(m)
	}
	writeJSON(w, http.StatusCreated, newResource(s.accountSID, m))
}

// authorized compares basic auth in constant time, as a real server would.
func (s *Server) authorized(r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	return ok &&
		subtle.ConstantTimeCompare([]byte(user), []byte(s.accountSID)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.authToken)) == 1
}

// sentFromForm reads the form fields Twilio's create-message takes.
func sentFromForm(r *http.Request) Sent {
	f := r.PostForm
	return Sent{
		To:               f.Get("To"),
		From:             f.Get("From"),
		Body:             f.Get("Body"),
		MediaURLs:        f["MediaUrl"],
		ContentSID:       f.Get("ContentSid"),
		ContentVariables: f.Get("ContentVariables"),
		StatusCallback:   f.Get("StatusCallback"),
	}
}

// check refuses what Twilio refuses synchronously, with its codes.
func check(m Sent) (apiError, bool) {
	bad := func(code int, msg string) (apiError, bool) {
		return apiError{Code: code, Status: http.StatusBadRequest, Message: msg}, true
	}
	switch {
	case m.To == "":
		return bad(21604, "A 'To' phone number is required.")
	case m.From == "":
		return bad(21603, "A 'From' phone number is required.")
	case m.Body == "" && len(m.MediaURLs) == 0 && m.ContentSID == "":
		return bad(21602, "Message body is required.")
	case utf8.RuneCountInString(m.Body) > maxBodyChars:
		return bad(21617, "The concatenated message body exceeds the 1600 character limit.")
	case len(m.MediaURLs) > maxMedia:
		return bad(21623, "The number of media URLs exceeds the maximum allowed.")
	case m.ContentSID != "" && !strings.HasPrefix(m.ContentSID, "HX"):
		return bad(21655, "The ContentSid is Invalid.")
	case m.ContentVariables != "" && !isJSONObject(m.ContentVariables):
		return bad(21656, "The ContentVariables Parameter is invalid.")
	}
	return apiError{}, false
}

// isJSONObject reports whether s is a JSON object, as ContentVariables must be.
func isJSONObject(s string) bool {
	var v map[string]any
	return json.Unmarshal([]byte(s), &v) == nil && v != nil
}

// newSID makes a message SID: "SM" and 32 hex digits.
func newSID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	return "SM" + hex.EncodeToString(b[:])
}

// handleUnknown answers any other route like Twilio does.
func handleUnknown(w http.ResponseWriter, r *http.Request) { notFound(w, r) }

// notFound is Twilio's 20404 answer.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, apiError{
		Code: 20404, Status: http.StatusNotFound,
		Message: "The requested resource " + r.URL.Path + " was not found",
	})
}
