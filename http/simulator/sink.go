// Package simulator lets a person try the bot without WhatsApp: a sink
// that receives the bot's outbound messages instead of Twilio, and a small
// web page that sends messages through the real webhook (signed like
// Twilio's when a token is configured) and shows the replies.
package simulator

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
)

// Sent is one message the bot sent to a simulated patient, or a note for
// the page about that patient's chat (Kind set).
type Sent struct {
	Seq   int       `json:"seq"`
	SID   string    `json:"sid"`
	From  string    `json:"from"`
	Body  string    `json:"body"`
	Media []string  `json:"media,omitempty"`
	At    time.Time `json:"at"`
	// Kind is empty for the bot's messages; KindEMRNote marks what the
	// simulated EMR received, which the page shows as a system note.
	Kind string `json:"kind,omitempty"`
}

// KindEMRNote is the Kind of a note saying what the simulated EMR
// received (a patient's answer to a reminder, posted to its callback).
const KindEMRNote = "emr"

// maxPerPhone bounds what the sink keeps per simulated patient.
const maxPerPhone = 500

// Sink is an outbound.Transport that keeps messages in memory, per
// patient number, for the simulator page to show.
type Sink struct {
	mu      sync.Mutex
	seq     int
	byPhone map[string][]Sent
	waiters map[string][]chan struct{}
}

// NewSink returns an empty sink.
func NewSink() *Sink {
	return &Sink{byPhone: map[string][]Sent{}, waiters: map[string][]chan struct{}{}}
}

// Send implements outbound.Transport.
func (s *Sink) Send(_ context.Context, m outbound.Message) (string, error) {
	return s.add(m.To, Sent{From: m.From, Body: m.Body, Media: m.Media}), nil
}

// Note adds a note of kind to phone's chat with sender from, in order
// with the bot's messages, for the page to show as a system line.
func (s *Sink) Note(phone, from, kind, body string) {
	s.add(phone, Sent{From: from, Body: body, Kind: kind})
}

// add files one entry for phone, numbering it, and wakes the page's
// long polls; it returns the entry's SID.
func (s *Sink) add(phone string, sent Sent) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	sent.Seq, sent.SID, sent.At = s.seq, fmt.Sprintf("SIM%032d", s.seq), time.Now()
	list := append(s.byPhone[phone], sent)
	if len(list) > maxPerPhone {
		list = list[len(list)-maxPerPhone:]
	}
	s.byPhone[phone] = list
	for _, w := range s.waiters[phone] {
		close(w)
	}
	delete(s.waiters, phone)
	return sent.SID
}

// After returns the messages sent to phone with Seq greater than after.
func (s *Sink) After(phone string, after int) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.afterLocked(phone, after)
}

func (s *Sink) afterLocked(phone string, after int) []Sent {
	var out []Sent
	for _, m := range s.byPhone[phone] {
		if m.Seq > after {
			out = append(out, m)
		}
	}
	return out
}

// Wait returns the messages after `after`, waiting up to the context's
// end for at least one (long polling for the page).
func (s *Sink) Wait(ctx context.Context, phone string, after int) []Sent {
	for {
		s.mu.Lock()
		if out := s.afterLocked(phone, after); len(out) > 0 {
			s.mu.Unlock()
			return out
		}
		w := make(chan struct{})
		s.waiters[phone] = append(s.waiters[phone], w)
		s.mu.Unlock()
		select {
		case <-w:
		case <-ctx.Done():
			s.dropWaiter(phone, w)
			return nil
		}
	}
}

// dropWaiter forgets a waiter whose poll ended without a message, so
// pages that poll an idle number do not pile up channels.
func (s *Sink) dropWaiter(phone string, w chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := s.waiters[phone]
	for i, x := range ws {
		if x == w {
			ws = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(s.waiters, phone)
	} else {
		s.waiters[phone] = ws
	}
}

// Reset forgets a simulated patient's messages.
func (s *Sink) Reset(phone string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byPhone, phone)
}
