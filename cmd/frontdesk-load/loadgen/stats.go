package loadgen

import (
	"slices"
	"sync"
	"time"
)

// Latency summarises a set of durations.
type Latency struct {
	N    int           `json:"n"`
	P50  time.Duration `json:"p50_ns"`
	P99  time.Duration `json:"p99_ns"`
	P999 time.Duration `json:"p999_ns"`
	Max  time.Duration `json:"max_ns"`
}

// samples collects durations from many goroutines.
type samples struct {
	mu sync.Mutex
	d  []time.Duration
}

// add records one duration.
func (s *samples) add(d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
}

// summary sorts the samples and reads the percentiles (nearest rank).
func (s *samples) summary() Latency {
	s.mu.Lock()
	d := slices.Clone(s.d)
	s.mu.Unlock()
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	rank := func(q float64) time.Duration {
		i := int(q*float64(len(d))+0.999999) - 1
		return d[min(max(i, 0), len(d)-1)]
	}
	return Latency{N: len(d), P50: rank(0.50), P99: rank(0.99), P999: rank(0.999), Max: d[len(d)-1]}
}

// counters counts outcomes by HTTP status.
type counters struct {
	mu     sync.Mutex
	status map[int]int64
}

// add counts one answer with code.
func (c *counters) add(code int) {
	c.mu.Lock()
	if c.status == nil {
		c.status = map[int]int64{}
	}
	c.status[code]++
	c.mu.Unlock()
}

// snapshot copies the counts.
func (c *counters) snapshot() map[int]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[int]int64, len(c.status))
	for k, v := range c.status {
		out[k] = v
	}
	return out
}
