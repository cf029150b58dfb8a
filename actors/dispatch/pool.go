// Package dispatch runs actor mailboxes on long-lived goroutines.
//
// protoactor's default dispatcher starts a goroutine each time a mailbox
// gets work. A conversation turn goes deep (the flow engine, JSON, sealing),
// so each of those goroutines grows its stack by copying it, once per
// message, and the profile under load shows that copying as a few percent
// of the server's CPU. A Pool hands the mailbox to a worker that is already
// waiting, whose stack has grown once and stays grown; when every worker is
// busy it starts a goroutine as the default dispatcher does, so scheduling
// never waits and a mailbox never queues behind another.
package dispatch

import (
	"sync"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// DefaultThroughput is how many messages a mailbox processes before it
// lets others run: protoactor's own default.
const DefaultThroughput = 300

// Pool is an actor.Dispatcher backed by a fixed set of worker goroutines.
// It is safe for concurrent use.
type Pool struct {
	work       chan func()
	quit       chan struct{}
	stop       sync.Once
	throughput int
	spilled    atomic.Int64 // Schedules that found no idle worker
}

var _ actor.Dispatcher = (*Pool)(nil)

// NewPool starts workers goroutines (at least 1) that run mailboxes for at
// most throughput messages at a time (DefaultThroughput when not positive).
func NewPool(workers, throughput int) *Pool {
	if throughput <= 0 {
		throughput = DefaultThroughput
	}
	p := &Pool{work: make(chan func()), quit: make(chan struct{}), throughput: throughput}
	for range max(workers, 1) {
		go p.worker()
	}
	return p
}

// worker runs what it is handed until the pool is closed.
func (p *Pool) worker() {
	for {
		select {
		case fn := <-p.work:
			fn()
		case <-p.quit:
			return
		}
	}
}

// Schedule implements actor.Dispatcher: fn runs on an idle worker, or on a
// goroutine of its own when none is idle (or the pool is closed).
func (p *Pool) Schedule(fn func()) {
	if !p.hand(fn) {
		p.spilled.Add(1)
		go fn()
	}
}

// hand gives fn to a worker waiting at its receive, if one is.
func (p *Pool) hand(fn func()) bool {
	select {
	case p.work <- fn:
		return true
	default:
		return false
	}
}

// Throughput implements actor.Dispatcher.
func (p *Pool) Throughput() int { return p.throughput }

// Close lets the workers go once they finish what they run (it does not
// wait for them); later Schedules start goroutines. It may be called more
// than once.
func (p *Pool) Close() {
	p.stop.Do(func() { close(p.quit) })
}
