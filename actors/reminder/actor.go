package reminder

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Messages the loop sends itself. op ties an answer to the store call it
// answers: one from before a restart of the actor is not taken for another.
type (
	tick    struct{ gen uint64 }
	nextDue struct {
		op  uint64
		at  time.Time
		err error
	}
	batchDone struct {
		op   uint64
		n    int // reminders claimed and fired
		full bool
		err  error // the claim failed
	}
)

// ops numbers store calls across restarts of the actor.
var ops atomic.Uint64

// emptyClaimWait is how long the loop waits after a claim found nothing
// although the store said a reminder was due (another process took it, or
// the store rounds due times up to the millisecond), so it never spins.
const emptyClaimWait = 10 * time.Millisecond

// minWait is the shortest timer: a due time a fraction of a millisecond
// ahead (the store may round it up) is not polled for in a tight loop.
const minWait = time.Millisecond

// loop is the reminder actor. It keeps only when to look next: it reads
// the earliest due time, sleeps on a timer until then (at most Poll),
// claims due reminders in batches with a lease, fires each batch in
// goroutines, and claims again at once after a full batch. Store calls
// run in goroutines and come back as messages; a Wake can bring the
// timer forward.
type loop struct {
	o     *ActorOptions
	log   *slog.Logger
	f     *firer
	busy  bool      // a store call or a batch is out (op)
	op    uint64    // the call out
	again bool      // look again once the call is back
	hint  time.Time // earliest due a Wake announced that no look has covered
	timer *time.Timer
	armed time.Time // when the timer fires, on the process clock
	gen   uint64
	fails int
	empty bool // the last claim found nothing
	stop  bool
}

func newLoop(o *ActorOptions) *loop {
	log := o.Logger.With("component", "reminders")
	return &loop{o: o, log: log, f: &firer{o: o, log: log}}
}

// Receive is the actor's mailbox loop.
func (l *loop) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		l.look(ctx)
	case *Wake:
		l.wake(ctx, m.Due)
	case *tick:
		if m.gen == l.gen {
			l.timer = nil
			l.look(ctx)
		}
	case *nextDue:
		l.gotNext(ctx, m)
	case *batchDone:
		l.done(ctx, m)
	case *actor.Stopping:
		l.stop = true
		l.disarm()
	case *actor.Restarting:
		l.disarm()
		l.o.Metrics.ActorRestarts.WithLabelValues("reminder").Inc()
	}
}

// wake brings the next look forward to due.
func (l *loop) wake(ctx actor.Context, due time.Time) {
	if due.IsZero() || !due.After(l.o.Now()) {
		l.look(ctx)
		return
	}
	if l.hint.IsZero() || due.Before(l.hint) {
		l.hint = due
	}
	if !l.busy && (l.timer == nil || due.Before(l.armed)) {
		l.arm(ctx, due)
	}
}

// look reads the earliest due time.
func (l *loop) look(ctx actor.Context) {
	if l.stop {
		return
	}
	if l.busy {
		l.again = true
		return
	}
	l.disarm()
	l.busy, l.again, l.op = true, false, ops.Add(1)
	op, store := l.op, l.o.Store
	l.run(ctx, func(c context.Context) any {
		at, err := store.NextDue(c)
		return &nextDue{op: op, at: at, err: err}
	})
}

func (l *loop) gotNext(ctx actor.Context, m *nextDue) {
	if m.op != l.op || !l.busy {
		return
	}
	l.busy = false
	if m.err != nil {
		l.failed(ctx, "read the next due reminder", m.err)
		return
	}
	l.fails = 0
	if l.again {
		l.look(ctx)
		return
	}
	now, target := l.o.Now(), m.at
	if !l.hint.IsZero() && (target.IsZero() || l.hint.Before(target)) {
		target = l.hint
	}
	switch {
	case target.IsZero() || target.After(now):
		l.arm(ctx, target)
	case l.empty:
		l.empty = false
		l.armAfter(ctx, now, emptyClaimWait)
	default:
		l.claim(ctx)
	}
}

// claim leases the due reminders, up to a batch, and fires them, in one
// goroutine: reminders it claimed are fired even when the actor stops
// meanwhile (shutdown waits for Work), never left to a lease running out.
// The batch's end comes back as batchDone.
func (l *loop) claim(ctx actor.Context) {
	if l.stop {
		return
	}
	now := l.o.Now()
	if !l.hint.After(now) {
		l.hint = time.Time{}
	}
	l.disarm()
	l.busy, l.op = true, ops.Add(1)
	op, store, batch, holder, lease := l.op, l.o.Store, l.o.Batch, l.o.Holder, l.o.Lease
	f, par := l.f, l.o.Parallel
	l.run(ctx, func(c context.Context) any {
		rs, err := store.ClaimDue(c, now, batch, holder, lease)
		if err != nil {
			return &batchDone{op: op, err: err}
		}
		f.fireAll(rs, par)
		return &batchDone{op: op, n: len(rs), full: len(rs) == batch}
	})
}

// fireAll fires claimed reminders, par at a time.
func (f *firer) fireAll(rs []persistence.Reminder, par int) {
	gauge := f.o.Metrics.RemindersDue
	gauge.Add(float64(len(rs)))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for _, r := range rs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done(); gauge.Dec() }()
			f.fire(r)
		}()
	}
	wg.Wait()
}

func (l *loop) done(ctx actor.Context, m *batchDone) {
	if m.op != l.op || !l.busy {
		return
	}
	l.busy = false
	switch {
	case m.err != nil:
		l.failed(ctx, "claim due reminders", m.err)
	case m.n == 0:
		l.fails, l.empty = 0, true
		l.look(ctx)
	case m.full:
		l.fails, l.empty = 0, false
		l.claim(ctx) // more may be due: no need to ask first
	default:
		l.fails, l.empty = 0, false
		l.look(ctx)
	}
}

// failed waits before looking again after a store error: 1 s, doubling
// up to 30 s. Leases keep what was claimed from other processes until
// they run out, so nothing fires twice meanwhile.
func (l *loop) failed(ctx actor.Context, what string, err error) {
	l.fails++
	wait := min(time.Second<<min(l.fails-1, 5), 30*time.Second)
	l.log.Warn(what+"; will try again", "err", err, "in", wait, "failures", l.fails)
	l.armAfter(ctx, l.o.Now(), wait)
}

// arm sets the timer for target on the process clock, at most Poll away
// (zero target: Poll).
func (l *loop) arm(ctx actor.Context, target time.Time) {
	now := l.o.Now()
	if limit := now.Add(l.o.Poll); target.IsZero() || target.After(limit) {
		target = limit
	}
	l.armAfter(ctx, now, max(target.Sub(now), minWait))
}

func (l *loop) armAfter(ctx actor.Context, now time.Time, d time.Duration) {
	l.disarm()
	l.gen++
	l.armed = now.Add(d)
	gen, system, self := l.gen, ctx.ActorSystem(), ctx.Self()
	l.timer = time.AfterFunc(d, func() { system.Root.Send(self, &tick{gen: gen}) })
}

func (l *loop) disarm() {
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
}

// run calls the store in a goroutine and sends its answer back.
func (l *loop) run(ctx actor.Context, call func(context.Context) any) {
	system, self, timeout, work := ctx.ActorSystem(), ctx.Self(), l.o.Timeout, l.o.Work
	work.Add(1)
	go func() {
		defer work.Done()
		c, cancel := context.WithTimeout(context.Background(), timeout)
		msg := call(c)
		cancel()
		system.Root.Send(self, msg)
	}()
}
