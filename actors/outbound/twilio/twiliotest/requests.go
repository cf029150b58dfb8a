package twiliotest

import (
	"slices"
	"time"
)

// Request is one authenticated create-message request as the fake
// received it, accepted or not: enough to check a client's rate and
// order per recipient, and that a refused message was tried again.
type Request struct {
	Time       time.Time // when it arrived, before any fault or check
	To         string
	ContentSID string // set when the client sent a template
	Fault      bool   // answered with a scripted fault (FailNext, FailTo)
	SID        string // the new message's SID when accepted, else empty
}

// RequestLog returns every create-message request received, in arrival
// order. Requests refused before the form was read (credentials, wrong
// account, method) are not in it.
func (s *Server) RequestLog() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

func (s *Server) logRequest(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, r)
}

// MaxInWindow is the largest number of requests in reqs whose arrival
// times fall within any window of length d: the rate a client kept,
// as Twilio would count it.
func MaxInWindow(reqs []Request, d time.Duration) int {
	times := make([]time.Time, len(reqs))
	for i, r := range reqs {
		times[i] = r.Time
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	most, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= d {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}
