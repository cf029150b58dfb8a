package twiliotest

import (
	"fmt"
	"net/http"
)

// Fault scripts a failure for FailNext. The zero values pick what Twilio
// would send: Status from the code (429 for 20429, 400 for 21211/63016, else
// 500), Code 20000+Status, and Twilio's usual message for the code.
type Fault struct {
	Status     int    // HTTP status
	Code       int    // Twilio error code in the JSON body
	Message    string // overrides the code's usual message
	RetryAfter string // Retry-After header value, sent when not empty
	// Hang holds the request until the client gives up (its context ends)
	// or the server closes, to exercise timeouts.
	Hang bool
	// RawBody, when set, is sent as text/html instead of Twilio's JSON, as an
	// overloaded proxy in front of Twilio would.
	RawBody string
}

// FailNext makes the next n authenticated requests to the Messages endpoint
// fail with f, in addition to faults already queued. Failed requests record
// nothing.
func (s *Server) FailNext(n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// FailTo makes the next n authenticated requests to the Messages endpoint
// whose To equals to fail with f, in addition to faults already queued
// for to. Faults for a recipient come before the ones FailNext queued, so
// a test with many patients in flight knows which message each one hits.
func (s *Server) FailTo(to string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faultsTo == nil {
		s.faultsTo = map[string][]Fault{}
	}
	for range n {
		s.faultsTo[to] = append(s.faultsTo[to], f)
	}
}

// nextFault pops the next queued fault for a request to to, if any.
func (s *Server) nextFault(to string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.faultsTo[to]; len(q) > 0 {
		s.faultsTo[to] = q[1:]
		return q[0], true
	}
	if len(s.faults) == 0 {
		return Fault{}, false
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return f, true
}

// fail answers r with f; to is quoted in messages that Twilio also quotes it
// in (21211), which lets tests check that clients keep it out of their errors.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, f Fault, to string) {
	if f.Hang {
		select {
		case <-r.Context().Done():
			return // the client is gone; nobody reads an answer
		case <-s.closing:
			writeError(w, apiError{Code: 20503, Message: "Service Unavailable", Status: http.StatusServiceUnavailable})
			return
		}
	}
	status := f.Status
	if status == 0 {
		status = statusForCode(f.Code)
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.RawBody != "" {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.RawBody))
		return
	}
	code := f.Code
	if code == 0 {
		code = 20000 + status
	}
	msg := f.Message
	if msg == "" {
		msg = messageForCode(code, to)
	}
	writeError(w, apiError{Code: code, Message: msg, Status: status})
}

// statusForCode is the HTTP status Twilio pairs with a code.
func statusForCode(code int) int {
	switch code {
	case 20429:
		return http.StatusTooManyRequests
	case 20003:
		return http.StatusUnauthorized
	case 21211, 21602, 21603, 21604, 21617, 21623, 21655, 21656, 63016:
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// messageForCode is Twilio's usual wording for a code.
func messageForCode(code int, to string) string {
	switch code {
	case 20429:
		return "Too Many Requests"
	case 20500:
		return "Internal Server Error"
	case 20503:
		return "Service Unavailable"
	case 21211:
		return fmt.Sprintf("Invalid 'To' Phone Number: %s", to)
	case 63016:
		return "Failed to send freeform message because you are outside the allowed window. If you are using WhatsApp, please use a Message Template."
	}
	return "fault injected by twiliotest"
}
