package restapitest

import (
	"net/http"
	"strings"
)

// FailMode is how the fake misbehaves for an operation.
type FailMode int

// The ways an operation can be scripted to fail. Each lasts until it is
// replaced, set back to Normal, or Reset.
const (
	// Normal answers from the seed data (the default).
	Normal FailMode = iota
	// StatusZero answers HTTP 200 {"status":0,"message":...}: the EMR
	// refused.
	StatusZero
	// HTTP500 answers 500 with an HTML error page, as a crashed PHP EMR
	// behind a web server does.
	HTTP500
	// NotJSON answers 200 with an HTML page (a PHP warning instead of
	// JSON).
	NotJSON
	// Hang never answers: the call blocks until the caller gives up
	// (timeout or cancel) or the server closes, so timeouts are tested
	// without sleeping.
	Hang
	// Oversized answers 200 with a valid JSON object larger than 1 MiB.
	Oversized
)

// scripted is the behaviour set for one operation.
type scripted struct {
	mode    FailMode
	message string // StatusZero's message
	raw     bool   // answer code and body as given
	code    int
	body    string
}

// rejectMessage is StatusZero's message unless RejectWith names another.
const rejectMessage = "Unable to process the request"

// Fail makes every later call of op misbehave as mode says; Normal
// restores the seed behaviour.
func (s *Server) Fail(op string, mode FailMode) {
	s.setScript(op, scripted{mode: mode, message: rejectMessage})
}

// RejectWith makes every later call of op answer status 0 with message,
// the text the adapter passes on for the patient.
func (s *Server) RejectWith(op, message string) {
	s.setScript(op, scripted{mode: StatusZero, message: message})
}

// RespondRaw makes every later call of op answer the HTTP status code and
// body exactly as given (Content-Type application/json), to test how the
// adapter reads unusual but legal answers.
func (s *Server) RespondRaw(op string, code int, body string) {
	s.setScript(op, scripted{raw: true, code: code, body: body})
}

// Reset forgets recorded calls and scripts and restores the seed data
// (patients registered since are gone).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.script = map[string]scripted{}
	s.state = newState()
}

func (s *Server) setScript(op string, sc scripted) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sc.mode == Normal && !sc.raw {
		delete(s.script, op)
		return
	}
	s.script[op] = sc
}

// scriptFor returns op's script, if one is set.
func (s *Server) scriptFor(op string) (scripted, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, ok := s.script[op]
	return sc, ok
}

// play answers r as sc says.
func (s *Server) play(w http.ResponseWriter, r *http.Request, sc scripted) {
	switch {
	case sc.raw:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(sc.code)
		_, _ = w.Write([]byte(sc.body))
	case sc.mode == StatusZero:
		writeJSON(w, http.StatusOK, map[string]any{"status": 0, "message": sc.message})
	case sc.mode == HTTP500:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(errorPage))
	case sc.mode == NotJSON:
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		_, _ = w.Write([]byte(warningPage))
	case sc.mode == Hang:
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
	case sc.mode == Oversized:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":1,"message":"` + strings.Repeat("x", 1<<20+1) + `"}`))
	}
}

const errorPage = "<html><head><title>500 Internal Server Error</title></head>" +
	"<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>"

const warningPage = "<br />\n<b>Warning</b>:  mysqli_connect(): (HY000/2002): Connection refused in " +
	"<b>/var/www/html/api/db.php</b> on line <b>4</b><br />\n"
