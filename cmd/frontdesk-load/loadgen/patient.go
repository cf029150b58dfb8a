package loadgen

import (
	"sync"
	"time"
)

// patient is one load number and where it is in its scenario. The sender
// that posts its message and the sink that receives its replies both
// update it, under mu.
type patient struct {
	mu       sync.Mutex
	phone    string
	hosp     Hospital // where this patient writes
	n        int      // messages completed: the index of the next step
	step     Step     // the step in flight
	inTurn   bool     // a message is out and its turn has not ended
	acked    bool     // the message in flight was answered 200
	ended    bool     // the turn-ending reply arrived
	gotFirst bool     // a reply to the message in flight arrived
	dead     bool     // gave up after TurnTimeout
	sentAt   time.Time
}

// begin starts a turn and returns the message to send.
func (p *patient) begin(s *Scenario, now time.Time) (Step, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead {
		return Step{}, false
	}
	p.step = s.Step(p.n)
	p.inTurn, p.acked, p.ended, p.gotFirst = true, false, false, false
	p.sentAt = now
	return p.step, true
}

// finishLocked closes a turn whose message was acknowledged and whose
// last reply arrived; the caller then hands the patient back.
func (p *patient) finishLocked() {
	p.inTurn = false
	p.n++
}

// awaiting reports whether an acknowledged message still waits for its
// turn-ending reply.
func (p *patient) awaiting() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inTurn && p.acked && !p.ended
}
