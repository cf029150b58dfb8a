package storetest

import (
	"sync"
	"time"
)

// Clock is a fake clock for code that reads time through a function (an
// Options.Now field, runtime.WithClock): the store suite moves it forward
// to cross retention and dedupe TTLs without waiting, and the actor and
// end-to-end tests use it the same way. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start}
}

// Now returns the clock's current time. Pass the method value (clock.Now)
// to a backend as its time source.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
