package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// driver sends one run's traffic and matches the sink's replies to it.
type driver struct {
	load     Load
	anyReply bool // the baseline answers every message with one reply
	base     string
	poster   *Poster
	hosps    []Hospital // patient i writes to hosps[i%len(hosps)]
	patients []*patient
	idle     chan *patient // free patients, FIFO, so all of them write
	runID    string
	seq      atomic.Uint64
	win      atomic.Pointer[window]
	inflight sync.WaitGroup

	ack, e2e                        samples
	codes                           counters
	sent, acked, transport, replies atomic.Int64
	turns, stray, stuck, starved    atomic.Int64
	ackedInWindow, turnsInWindow    atomic.Int64
}

// newDriver makes the patients of l, spread over hosps, all free to write;
// anyReply says every reply ends a turn (the baseline's).
func newDriver(l Load, anyReply bool, hosps []Hospital) *driver {
	id := make([]byte, 4)
	_, _ = rand.Read(id)
	conns := l.Concurrency
	if l.Rate > 0 {
		conns = 1024
	}
	d := &driver{load: l, anyReply: anyReply, poster: NewPoster(conns), runID: hex.EncodeToString(id), hosps: hosps,
		patients: make([]*patient, l.Patients), idle: make(chan *patient, l.Patients)}
	for i := range d.patients {
		d.patients[i] = &patient{phone: Phone(i), hosp: hosps[i%len(hosps)]}
		d.idle <- d.patients[i]
	}
	return d
}

// newSid is a MessageSid unique to this run.
func (d *driver) newSid() string { return fmt.Sprintf("SM%s%024x", d.runID, d.seq.Add(1)) }

// onReply is the sink's hook: it records the end-to-end latency of the
// first reply to a message and ends the turn on its last reply.
func (d *driver) onReply(r Reply) {
	d.replies.Add(1)
	i, ok := PatientIndex(r.To)
	if !ok || i >= len(d.patients) {
		d.stray.Add(1)
		return
	}
	p := d.patients[i]
	p.mu.Lock()
	if !p.inTurn || p.ended || p.dead {
		p.mu.Unlock()
		d.stray.Add(1)
		return
	}
	w := d.win.Load()
	if !p.gotFirst {
		p.gotFirst = true
		if w.contains(p.sentAt) {
			d.e2e.add(r.At.Sub(p.sentAt))
		}
	}
	if !d.anyReply && !p.step.ends(r.Body) {
		p.mu.Unlock()
		return // an earlier reply of a turn that has more
	}
	p.ended = true
	release := p.acked
	if release {
		d.finishLocked(p, w)
	}
	p.mu.Unlock()
	if release {
		d.idle <- p
	}
}

// finishLocked counts a completed turn; p.mu is held.
func (d *driver) finishLocked(p *patient, w *window) {
	d.turns.Add(1)
	if w.contains(p.sentAt) {
		d.turnsInWindow.Add(1)
	}
	p.finishLocked()
}

// send posts one message of p and records the answer.
func (d *driver) send(ctx context.Context, p *patient) {
	begin := time.Now()
	st, ok := p.begin(d.load.Scenario, begin)
	if !ok {
		return
	}
	d.sent.Add(1)
	form := Form(d.newSid(), p.phone, strings.ReplaceAll(st.Body, "{code}", p.hosp.Code))
	form.Set("To", p.hosp.Sender)
	code, err := d.poster.Post(ctx, d.base, form)
	done := time.Now()
	w := d.win.Load()
	if err != nil || code != http.StatusOK {
		if err != nil {
			d.transport.Add(1)
		} else {
			d.codes.add(code)
		}
		p.mu.Lock()
		p.inTurn = false
		p.mu.Unlock()
		time.AfterFunc(50*time.Millisecond, func() { d.idle <- p }) // try again shortly
		return
	}
	d.codes.add(code)
	d.acked.Add(1)
	if w.contains(begin) {
		d.ack.add(done.Sub(begin))
	}
	if w.contains(done) {
		d.ackedInWindow.Add(1)
	}
	p.mu.Lock()
	p.acked = true
	release := p.ended
	if release {
		d.finishLocked(p, w)
	}
	p.mu.Unlock()
	if release {
		d.idle <- p
	}
}

// watch gives up on turns that waited longer than TurnTimeout for their
// reply, until ctx ends.
func (d *driver) watch(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, p := range d.patients {
				p.mu.Lock()
				if p.inTurn && p.acked && !p.ended && !p.dead && now.Sub(p.sentAt) > d.load.TurnTimeout {
					p.dead = true
					d.stuck.Add(1)
				}
				p.mu.Unlock()
			}
		}
	}
}
