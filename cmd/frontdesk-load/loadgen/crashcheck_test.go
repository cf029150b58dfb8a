package loadgen

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence/seal"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// crashPatient is one patient of the crash test and every turn it took.
// The goroutine running the patient owns n and stopped; the sink's hook
// and that goroutine share the rest under mu.
type crashPatient struct {
	i       int
	hosp    Hospital
	n       int  // the next step
	stopped bool // gave up: see crashLoad.failures

	mu       sync.Mutex
	turns    []crashTurn
	ends     string        // what the current turn's last reply contains
	ended    chan struct{} // closed when it arrived
	isEnded  bool
	received []string // the current turn's replies, for a failure message
}

// crashTurn is one message and the replies that arrived while it was the
// patient's latest: the patient sends the next message only after the
// reply that ends this one, so a reply counted here that is not one of its
// own is a reply sent twice.
type crashTurn struct {
	want, got int
	acked     bool
}

// begin starts a turn for step; the channel closes when its last reply
// arrives.
func (p *crashPatient) begin(step Step) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.turns = append(p.turns, crashTurn{want: step.replies()})
	p.ends, p.ended, p.isEnded, p.received = step.Ends, make(chan struct{}), false, nil
	return p.ended
}

// acked records that the current turn's message was answered 200.
func (p *crashPatient) acked() {
	p.mu.Lock()
	p.turns[len(p.turns)-1].acked = true
	p.mu.Unlock()
}

// reply counts a reply that reached the fake Twilio against the current
// turn, and ends the turn when it is the awaited one; it reports false for
// a reply before the patient's first message.
func (p *crashPatient) reply(body string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.turns) == 0 {
		return false
	}
	p.turns[len(p.turns)-1].got++
	p.received = append(p.received, body)
	if !p.isEnded && strings.Contains(body, p.ends) {
		p.isEnded = true
		close(p.ended)
	}
	return true
}

// bodies returns the current turn's replies.
func (p *crashPatient) bodies() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.received...)
}

// onReply is the sink's hook: it hands each reply to its patient.
func (l *crashLoad) onReply(r Reply) {
	i, ok := PatientIndex(r.To)
	if !ok || i >= len(l.patients) || !l.patients[i].reply(r.Body) {
		l.stray.Add(1)
	}
}

// quiesce waits until no sender has anything left to send (the pending
// outboxes are empty) and no reply arrived for a while, or until timeout.
func quiesce(ctx context.Context, r *Redis, sink *Sink, hosps []Hospital, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	last, since := int64(-1), time.Now()
	for {
		var pending int64
		for _, h := range hosps {
			n, err := r.PendingOutbox(ctx, h.Sender)
			if err != nil {
				return err
			}
			pending += n
		}
		if n := sink.Replies(); n != last {
			last, since = n, time.Now()
		}
		if pending == 0 && time.Since(since) > 500*time.Millisecond {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not quiet after %s: %d replies still pending", timeout, pending)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// lanes returns each patient's outbox lane, the keyed hash the server
// files its replies under, from the run's hash key in Redis (sealed with
// the run's encryption key; see docs/storage.md).
func lanes(ctx context.Context, r *Redis, encryptionKey string, patients int) ([]string, error) {
	key, err := base64.StdEncoding.DecodeString(encryptionKey)
	if err != nil {
		return nil, fmt.Errorf("decode encryption key: %w", err)
	}
	kr, err := seal.NewKeyring(key)
	if err != nil {
		return nil, fmt.Errorf("make keyring: %w", err)
	}
	sealed, err := r.Client.Get(ctx, r.Prefix+"x:hash-key").Bytes()
	if err != nil {
		return nil, fmt.Errorf("read hash key: %w", err)
	}
	hashKey, err := kr.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("open hash key: %w", err)
	}
	h := pii.NewHasher(hashKey)
	out := make([]string, patients)
	for i := range out {
		out[i] = h.Hash(Phone(i))
	}
	return out, nil
}

// tally is the crash test's verdict over all patients.
type tally struct {
	acked, unacked             int64 // messages answered 200 / never (a patient stopped)
	want, replies              int64 // replies expected for the acked messages / received
	lost, duplicates           int64 // replies missing / extra at the fake Twilio
	entries                    int64 // outbox entries the server committed
	uncommitted, doubleCommits int64 // outbox entries missing / extra in the store
}

// String is the verdict in one line, for the test log.
func (t tally) String() string {
	return fmt.Sprintf("%d acked (%d not), %d replies expected, %d received: lost %d, duplicates %d; outbox entries %d (missing %d, extra %d)",
		t.acked, t.unacked, t.want, t.replies, t.lost, t.duplicates, t.entries, t.uncommitted, t.doubleCommits)
}

// count compares, turn by turn, the replies each acknowledged message
// should have got with those that reached the fake Twilio, and per
// patient with the outbox entries the server committed.
func count(patients []*crashPatient, entries map[string]int, lanes []string) tally {
	var t tally
	for i, p := range patients {
		p.mu.Lock()
		var want int64
		for _, tu := range p.turns {
			t.replies += int64(tu.got)
			if !tu.acked {
				t.unacked++
				// Its replies may or may not have been committed: neither
				// lost nor duplicate; the test fails on the patient anyway.
				continue
			}
			t.acked++
			want += int64(tu.want)
			t.lost += int64(max(0, tu.want-tu.got))
			t.duplicates += int64(max(0, tu.got-tu.want))
		}
		p.mu.Unlock()
		e := int64(entries[lanes[i]])
		t.want += want
		t.entries += e
		t.uncommitted += max(0, want-e)
		t.doubleCommits += max(0, e-want)
	}
	return t
}
