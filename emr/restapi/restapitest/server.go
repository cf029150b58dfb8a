package restapitest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// Server is a running fake EMR. It is safe for concurrent use; it stops
// when the test that started it ends.
type Server struct {
	srv       *httptest.Server
	closing   chan struct{} // closed at cleanup: releases hanging calls
	closeOnce sync.Once

	mu     sync.Mutex
	calls  []Call
	script map[string]scripted // by operation
	state  *state
}

// NewServer starts a fake EMR with the seed data on loopback and stops it
// when t ends (hanging calls are released first, so cleanup never waits
// for them).
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		closing: make(chan struct{}),
		script:  map[string]scripted{},
		state:   newState(),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/emr/{op}", s.serve)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.close)
	return s
}

// close releases hanging calls, then stops the server.
func (s *Server) close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.srv.Close()
}

// URL is the fake's base URL (operations live under /emr/).
func (s *Server) URL() string { return s.srv.URL }

// Endpoints returns the URL of every operation of CONTRACT §4, including
// the optional upload_document and update_address, keyed by the names
// config.Hospital's emr.endpoints uses. Delete a key to test a hospital
// without that operation.
func (s *Server) Endpoints() map[string]string {
	out := make(map[string]string, len(operations))
	for op := range operations {
		out[op] = s.srv.URL + "/emr/" + op
	}
	return out
}

// Hospital returns an active hospital whose restapi EMR is this fake:
// HID, CountryCode "91", a 2 s timeout, the auth header the fake
// requires, English and Hindi, and the Asia/Kolkata zone.
func (s *Server) Hospital(code string) config.Hospital {
	return config.Hospital{
		Code:        code,
		Name:        "Fake Hospital " + code,
		Welcome:     "Welcome to Fake Hospital",
		MapsURL:     "https://maps.example.test/" + code,
		Helpline:    "+919800000000",
		Timezone:    "Asia/Kolkata",
		Languages:   []string{"en", "hi"},
		Sender:      "whatsapp:+14155238886",
		CountryCode: CountryCode,
		EMR: config.EMR{
			Kind:       config.EMRKindRESTAPI,
			HID:        HID,
			Timeout:    2 * time.Second,
			AuthHeader: config.Secret(AuthHeader),
			Endpoints:  s.Endpoints(),
		},
		Location: kolkata(),
	}
}

// kolkata is India's zone, fixed when the system has no zone database
// (India has no daylight saving, so the two agree).
func kolkata() *time.Location {
	if loc, err := time.LoadLocation("Asia/Kolkata"); err == nil {
		return loc
	}
	return time.FixedZone("IST", 5*60*60+30*60)
}
