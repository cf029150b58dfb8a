package loadgen

import (
	"context"
	"sync"
	"time"
)

// drive sends the load to base: warm-up, the measured window, then the
// drain, after which every acknowledged turn has ended or is reported.
func (d *driver) drive(ctx context.Context, base string) {
	d.base = base
	start := time.Now()
	w := &window{from: start.Add(d.load.Warmup)}
	w.to = w.from.Add(d.load.Duration)
	d.win.Store(w)
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go d.watch(wctx)

	if d.load.Rate > 0 {
		d.openLoop(ctx, start, w.to)
	} else {
		d.closedLoop(ctx, w.to)
	}
	d.inflight.Wait()
	d.drain(ctx, w.to.Add(d.load.Drain))
}

// closedLoop runs Concurrency senders until end: each takes the next free
// patient, posts its message and waits for the answer.
func (d *driver) closedLoop(ctx context.Context, end time.Time) {
	stop := make(chan struct{})
	timer := time.AfterFunc(time.Until(end), func() { close(stop) })
	defer timer.Stop()
	var wg sync.WaitGroup
	for range d.load.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-ctx.Done():
					return
				case p := <-d.idle:
					if !time.Now().Before(end) {
						d.idle <- p
						return
					}
					d.send(ctx, p)
				}
			}
		}()
	}
	wg.Wait()
}

// maxOpenInFlight bounds the open loop's webhooks in flight, so an
// overloaded server shows as starved ticks rather than as a client that
// runs out of sockets.
const maxOpenInFlight = 4096

// openLoop sends Rate messages per second until end, each from a free
// patient, whatever the server answers; a tick with no free patient or
// with too many webhooks in flight is counted as starved.
func (d *driver) openLoop(ctx context.Context, start, end time.Time) {
	sem := make(chan struct{}, maxOpenInFlight)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	dispatched := int64(0)
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			if !now.Before(end) {
				return
			}
			due := int64(now.Sub(start).Seconds() * d.load.Rate)
			for ; dispatched < due; dispatched++ {
				var p *patient
				select {
				case p = <-d.idle:
				default:
					d.starved.Add(1)
					continue
				}
				select {
				case sem <- struct{}{}:
				default:
					d.idle <- p
					d.starved.Add(1)
					continue
				}
				d.inflight.Add(1)
				go func() {
					defer func() { <-sem; d.inflight.Done() }()
					d.send(ctx, p)
				}()
			}
		}
	}
}

// drain waits until no acknowledged turn waits for its reply (stuck ones
// aside), or until deadline.
func (d *driver) drain(ctx context.Context, deadline time.Time) {
	for time.Now().Before(deadline) && ctx.Err() == nil {
		waiting := false
		for _, p := range d.patients {
			p.mu.Lock()
			w := p.inTurn && !p.ended && !p.dead
			p.mu.Unlock()
			if w {
				waiting = true
				break
			}
		}
		if !waiting {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// unanswered counts acknowledged messages whose turn never ended.
func (d *driver) unanswered() int64 {
	var n int64
	for _, p := range d.patients {
		if p.awaiting() {
			n++
		}
	}
	return n
}
