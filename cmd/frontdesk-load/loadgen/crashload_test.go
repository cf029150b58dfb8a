package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// crashLoad is the traffic of the crash test. Each patient behaves like a
// person on WhatsApp running the browse scenario: it sends a message,
// waits for the reply that ends the turn, then sends the next. A message
// not answered 200 is posted again with the same MessageSid until it is,
// as Twilio retries; and now and then a message already answered 200 is
// posted once more, as Twilio does when our answer got lost on the way,
// which must change nothing.
type crashLoad struct {
	srv         *crashServer
	poster      *Poster
	runID       string
	patients    []*crashPatient
	turnTimeout time.Duration

	sent    atomic.Int64 // distinct messages
	retries atomic.Int64 // extra posts of a message not yet answered 200
	retried atomic.Int64 // messages that needed at least one retry
	resent  atomic.Int64 // messages posted again after their 200
	stray   atomic.Int64 // replies to no patient's message

	mu       sync.Mutex
	failures []string // why patients stopped early, for the test's error
}

// resendOneIn is how often an acknowledged message is posted again.
const resendOneIn = 8

// newCrashLoad makes the patients, spread over hosps.
func newCrashLoad(srv *crashServer, hosps []Hospital, patients int, turnTimeout time.Duration) *crashLoad {
	id := make([]byte, 4)
	_, _ = rand.Read(id)
	l := &crashLoad{srv: srv, poster: NewPoster(patients), runID: hex.EncodeToString(id), turnTimeout: turnTimeout}
	for i := range patients {
		l.patients = append(l.patients, &crashPatient{i: i, hosp: hosps[i%len(hosps)]})
	}
	return l
}

// run makes every patient go through the scenario's introduction (the
// registration), marks intro done, then loop until stop closes; each
// patient finishes the turn it is on.
func (l *crashLoad) run(ctx context.Context, intro *sync.WaitGroup, stop <-chan struct{}) {
	var wg sync.WaitGroup
	for _, p := range l.patients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			introDone := false
			defer func() {
				if !introDone {
					intro.Done()
				}
			}()
			for len(Browse.Intro) > p.n {
				if !l.turn(ctx, p) {
					return
				}
			}
			introDone = true
			intro.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if !l.turn(ctx, p) {
					return
				}
			}
		}()
	}
	wg.Wait()
}

// final sends every patient's next message and reports how many did not
// end their turn (stuck conversations).
func (l *crashLoad) final(ctx context.Context) int {
	var stuck atomic.Int64
	var wg sync.WaitGroup
	for _, p := range l.patients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !l.turn(ctx, p) {
				stuck.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(stuck.Load())
}

// turn sends p's next message and waits for the reply that ends its turn;
// false means the patient stopped (the reason is in failures).
func (l *crashLoad) turn(ctx context.Context, p *crashPatient) bool {
	if p.stopped {
		return false
	}
	step := Browse.Step(p.n)
	sid := fmt.Sprintf("SM%s%08x%016x", l.runID, p.i, p.n)
	body := strings.ReplaceAll(step.Body, "{code}", p.hosp.Code)
	ended := p.begin(step)
	l.sent.Add(1)
	if err := l.deliver(ctx, p, sid, body, false); err != nil {
		return l.fail(p, err.Error())
	}
	p.acked()
	select {
	case <-ended:
	case <-time.After(l.turnTimeout):
		return l.fail(p, fmt.Sprintf("no reply ending turn %d (%q, want one containing %q) in %s; got %q",
			p.n, body, step.Ends, l.turnTimeout, p.bodies()))
	case <-ctx.Done():
		return l.fail(p, ctx.Err().Error())
	}
	if mrand.N(resendOneIn) == 0 {
		l.resent.Add(1)
		if err := l.deliver(ctx, p, sid, body, true); err != nil {
			return l.fail(p, err.Error())
		}
	}
	p.n++
	return true
}

// fail stops p and records why.
func (l *crashLoad) fail(p *crashPatient, why string) bool {
	p.stopped = true
	l.mu.Lock()
	l.failures = append(l.failures, fmt.Sprintf("patient %d: %s", p.i, why))
	l.mu.Unlock()
	return false
}

// deliver posts one message until the server answers 200 (or ctx ends);
// again says the message was answered 200 before.
func (l *crashLoad) deliver(ctx context.Context, p *crashPatient, sid, body string, again bool) error {
	form := Form(sid, Phone(p.i), body)
	form.Set("To", p.hosp.Sender)
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			if !again {
				l.retries.Add(1)
				if attempt == 1 {
					l.retried.Add(1)
				}
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
		code, err := l.poster.Post(ctx, *l.srv.base.Load(), form)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			l.poster.CloseIdle() // the server may be gone: do not reuse its connections
		case code == http.StatusOK:
			return nil
		case code >= 400 && code < 500:
			return fmt.Errorf("the server refused message %d (%q) with %d", p.n, body, code)
		}
	}
}

// failed returns why patients stopped early.
func (l *crashLoad) failed() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.failures...)
}
