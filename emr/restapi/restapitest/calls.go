package restapitest

import (
	"maps"
	"net/http"
	"slices"
)

// Call is one request the fake received, recorded before any check or
// script applies, so tests can inspect what was sent even when it was
// refused.
type Call struct {
	Op     string            // operation name, e.g. "match_mobile"
	Method string            // HTTP method
	Header http.Header       // request headers
	Body   []byte            // raw request body
	Fields map[string]string // the body decoded; nil when it was not a JSON object of strings
}

// Calls returns every recorded call, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		out[i] = c.clone()
	}
	return out
}

// CallsTo returns the recorded calls of one operation, oldest first.
func (s *Server) CallsTo(op string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Op == op {
			out = append(out, c)
		}
	}
	return out
}

// record stores a call; the caller holds no lock.
func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// clone copies a call so that callers cannot change the record.
func (c Call) clone() Call {
	c.Header = c.Header.Clone()
	c.Body = slices.Clone(c.Body)
	c.Fields = maps.Clone(c.Fields)
	return c
}
