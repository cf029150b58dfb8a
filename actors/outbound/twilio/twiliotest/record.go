package twiliotest

import (
	"slices"
	"testing"
	"time"
)

// Sent is one message the fake accepted, as the client sent it.
type Sent struct {
	SID              string // "SM" + 32 hex, as answered
	To, From, Body   string
	MediaURLs        []string // MediaUrl values in order
	ContentSID       string
	ContentVariables string
	StatusCallback   string
	Time             time.Time // when the fake accepted it
}

// record stores an accepted message and wakes waiters.
func (s *Server) record(m Sent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	close(s.changed)
	s.changed = make(chan struct{})
}

// Messages returns a copy of every accepted message, oldest first.
func (s *Server) Messages() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copySent(s.sent, func(Sent) bool { return true })
}

// MessagesTo returns the accepted messages whose To equals to, oldest first.
func (s *Server) MessagesTo(to string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copySent(s.sent, func(m Sent) bool { return m.To == to })
}

// WaitFor blocks until at least n messages were accepted and returns them
// all; after timeout it fails t (t.Fatalf) saying how many arrived. Call it
// from the test's goroutine.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Sent {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.sent) >= n {
			out := copySent(s.sent, func(Sent) bool { return true })
			s.mu.Unlock()
			return out
		}
		changed := s.changed
		s.mu.Unlock()

		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("twiliotest: waited %s for %d messages, got %d", timeout, n, len(s.Messages()))
			return nil
		}
	}
}

// copySent deep-copies the messages keep selects, so callers cannot race
// with the server.
func copySent(all []Sent, keep func(Sent) bool) []Sent {
	out := make([]Sent, 0, len(all))
	for _, m := range all {
		if keep(m) {
			m.MediaURLs = slices.Clone(m.MediaURLs)
			out = append(out, m)
		}
	}
	return out
}

// Changed returns a channel that is closed when the next message is
// recorded, for callers that wait on their own conditions.
func (s *Server) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}
