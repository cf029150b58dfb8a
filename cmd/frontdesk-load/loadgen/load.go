package loadgen

import (
	"errors"
	"time"
)

// Load is the traffic of one run.
type Load struct {
	Scenario *Scenario
	// Patients is how many distinct numbers write; each has at most one
	// message in flight and sends its next only after the reply that ends
	// its turn.
	Patients int
	// Concurrency bounds the webhooks in flight (closed loop: each sender
	// posts, waits for the answer, picks the next free patient). Ignored
	// when Rate is set.
	Concurrency int
	// Rate, when positive, sends that many messages per second whatever
	// the answers (open loop), to measure latency at a given load; a tick
	// with no free patient is counted as starved.
	Rate float64
	// Warmup is sent but not measured; Duration is the measured window.
	Warmup   time.Duration
	Duration time.Duration
	// Drain bounds the wait for the last turns after the window.
	Drain time.Duration
	// TurnTimeout gives up on a patient whose acknowledged message got no
	// turn-ending reply in this time (it is reported as stuck).
	TurnTimeout time.Duration
}

// DefaultLoad is the load of a run with no flags.
func DefaultLoad() Load {
	return Load{Scenario: Hello, Patients: 1000, Concurrency: 64, Warmup: 3 * time.Second,
		Duration: 15 * time.Second, Drain: 15 * time.Second, TurnTimeout: 15 * time.Second}
}

// check validates the load.
func (l Load) check() error {
	switch {
	case l.Scenario == nil:
		return errors.New("load: no scenario")
	case l.Patients < 1 || l.Patients >= 1e9:
		return errors.New("load: patients must be from 1 to 999999999")
	case l.Rate <= 0 && l.Concurrency < 1:
		return errors.New("load: set a concurrency of at least 1 or a rate")
	case l.Duration <= 0:
		return errors.New("load: duration must be positive")
	case l.TurnTimeout <= 0:
		return errors.New("load: turn timeout must be positive")
	}
	return nil
}

// window is the measured interval.
type window struct{ from, to time.Time }

// contains reports whether t falls in the window (false for no window).
func (w *window) contains(t time.Time) bool {
	return w != nil && !t.Before(w.from) && t.Before(w.to)
}
