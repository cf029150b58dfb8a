// Package gctune keeps Go's garbage collector from running more often
// than the server's memory needs.
//
// The collector starts a cycle each time the heap has grown by GOGC
// percent (100) over what the last cycle found live. The server allocates
// some tens of KiB per message while little of it stays live (a resident
// conversation is about 2 KiB), so with a small live heap a busy server
// collects many times a second, and during each cycle's mark phase a
// quarter of GOMAXPROCS (one P of two on a 2-core node) works for the
// collector: under load that shows as a few percent of CPU and, worse, as
// the tail of the webhook's ack latency.
//
// A Tuner sets a floor under the heap goal: after each cycle it raises the
// GC percent so that the next cycle starts no earlier than at Floor bytes
// of heap, and lowers it back to the base percent (GOGC) once the live heap
// is large enough that the base percent alone reaches the floor. Large
// heaps are therefore collected as GOGC says, and a memory limit
// (GOMEMLIMIT) still bounds everything: the runtime collects when the
// limit is near whatever the percent is.
package gctune

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// maxPercent bounds the percent the tuner sets, so that a nearly empty
// heap does not get a goal of many times the floor.
const maxPercent = 2000

// Percent is the GC percent that puts the next heap goal at floor for a
// live heap of live bytes, and never below base (the configured GOGC).
func Percent(live, floor uint64, base int) int {
	if live == 0 || floor <= live {
		return base
	}
	p := int((floor - live) * 100 / live)
	return min(max(p, base), max(maxPercent, base))
}

// Tuner adjusts the GC percent after every collection.
type Tuner struct {
	floor   uint64
	base    int
	stopped atomic.Bool
	once    sync.Once
	sample  []metrics.Sample
	mu      sync.Mutex
	current int
}

// Start begins tuning with the given heap floor in bytes; a zero floor, or
// a GC turned off (GOGC=off), leaves the collector as it is and returns
// nil. The base percent is the one in force at the start (GOGC, 100
// unless set).
func Start(floor uint64) *Tuner {
	base := debug.SetGCPercent(100)
	debug.SetGCPercent(base)
	if floor == 0 || base < 0 {
		return nil
	}
	t := &Tuner{floor: floor, base: base, current: base,
		sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.adjust()
	t.arm()
	return t
}

// Stop restores the base percent and stops tuning. It is safe on nil.
func (t *Tuner) Stop() {
	if t == nil {
		return
	}
	t.once.Do(func() {
		t.stopped.Store(true)
		t.mu.Lock()
		defer t.mu.Unlock()
		debug.SetGCPercent(t.base)
		t.current = t.base
	})
}

// Current is the percent the tuner set last.
func (t *Tuner) Current() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.current
}

// sentinel is an object whose finalizer runs once a collection has found
// it unreachable, that is, after each cycle: it re-arms itself.
type sentinel struct{ t *Tuner }

// arm leaves a new sentinel for the next collection to find.
func (t *Tuner) arm() {
	s := &sentinel{t: t}
	runtime.SetFinalizer(s, func(s *sentinel) {
		if s.t.stopped.Load() {
			return
		}
		s.t.adjust()
		s.t.arm()
	})
}

// adjust sets the percent for the live heap the last cycle found.
func (t *Tuner) adjust() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Load() {
		return
	}
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	p := Percent(t.sample[0].Value.Uint64(), t.floor, t.base)
	if p != t.current {
		debug.SetGCPercent(p)
		t.current = p
	}
}
