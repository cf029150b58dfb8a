package restapitest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
)

// maxRequestBytes bounds what the fake reads of a request.
const maxRequestBytes = 1 << 20

// serve records the call, enforces what CONTRACT §4 requires of a
// request, then answers from the script or the seed data. Refusals answer
// a 4xx with a JSON status 0, so an adapter bug shows up as a failed call
// in the test that caused it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	op := r.PathValue("op")
	handle, ok := operations[op]
	if !ok {
		http.NotFound(w, r)
		return
	}
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes))
	call := Call{Op: op, Method: r.Method, Header: r.Header.Clone(), Body: body}
	var fields map[string]string
	if readErr == nil && json.Unmarshal(body, &fields) == nil && fields != nil {
		call.Fields = fields
	}
	s.record(call.clone())

	switch {
	case r.Method != http.MethodPost:
		writeJSON(w, http.StatusMethodNotAllowed, refusal("Method not allowed"))
	case !isJSON(r.Header.Get("Content-Type")):
		writeJSON(w, http.StatusUnsupportedMediaType, refusal("Content-Type must be application/json"))
	case r.Header.Get("Authorization") != AuthHeader:
		writeJSON(w, http.StatusUnauthorized, refusal("Unauthorized"))
	case call.Fields == nil:
		writeJSON(w, http.StatusBadRequest, refusal("Request must be a JSON object of strings"))
	default:
		if sc, ok := s.scriptFor(op); ok {
			s.play(w, r, sc)
			return
		}
		s.mu.Lock()
		reply := handle(s.state, fields)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, reply)
	}
}

// isJSON reports whether a Content-Type header names JSON.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// refusal is a seed-style status 0 answer.
func refusal(message string) map[string]any {
	return map[string]any{"status": 0, "message": message}
}

// writeJSON answers v as JSON with the given HTTP status.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
