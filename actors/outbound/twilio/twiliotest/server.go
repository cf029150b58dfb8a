// Package twiliotest is a fake of Twilio's Messages API for other packages'
// tests. It checks what Twilio checks (basic auth, the account SID in the
// path, the form fields), answers with Twilio's JSON shapes, records every
// accepted message and can be scripted to fail, so outbound code is tested
// through the real twilio-go request path instead of a mock interface.
package twiliotest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// messagesPath is the one route Twilio's send API uses.
const messagesPath = "/2010-04-01/Accounts/{AccountSid}/Messages.json"

// Server is a running fake. All methods are safe for concurrent use.
type Server struct {
	srv        *httptest.Server
	accountSID string
	authToken  string
	closing    chan struct{} // closed by Close, releases hanging requests
	closeOnce  sync.Once

	mu       sync.Mutex
	sent     []Sent
	faults   []Fault
	faultsTo map[string][]Fault // FailTo, by recipient
	requests int
	log      []Request     // every create-message request (requests.go)
	onAccept func(Sent)    // SetOnAccept
	changed  chan struct{} // closed and replaced whenever a message is recorded
}

// NewServer starts a fake for one account on a loopback port; it is closed
// when the test ends.
func NewServer(t testing.TB, accountSID, authToken string) *Server {
	t.Helper()
	s := &Server{
		accountSID: accountSID,
		authToken:  authToken,
		closing:    make(chan struct{}),
		changed:    make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc(messagesPath, s.handleMessages)
	mux.HandleFunc("/", handleUnknown)
	s.srv = httptest.NewServer(s.countRequests(mux))
	t.Cleanup(s.Close)
	return s
}

// URL is the base URL to configure as TWILIO_API_BASE_URL.
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server; requests held by a Hang fault are released first.
// Later sends see a refused connection, which is how a test can take Twilio
// away. Calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.srv.Close()
	})
}

// Requests counts every HTTP request received, whatever its answer, so a test
// can tell "not sent at all" from "sent and refused".
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// countRequests counts each request before routing it.
func (s *Server) countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests++
		s.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// Reset forgets recorded messages, pending faults and the request count, for
// tests that share one server across cases.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = nil
	s.faults = nil
	s.faultsTo = nil
	s.requests = 0
	s.log = nil
}
