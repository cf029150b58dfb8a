package demo

import (
	"context"
	"fmt"
	"sync"

	"github.com/frontdesk-health/frontdesk/emr"
)

// Operation names, as SetFailure and Block take them and as *emr.Error's Op
// reports them.
const (
	OpFindPatients   = "find_patients"
	OpRegister       = "register"
	OpUpcoming       = "upcoming"
	OpDepartments    = "departments"
	OpDoctors        = "doctors"
	OpSlots          = "slots"
	OpBook           = "book"
	OpHealthRecords  = "health_records"
	OpProfilePhoto   = "profile_photo"
	OpUploadDocument = "upload_document"
	OpUpdateAddress  = "update_address"
	OpCancel         = "cancel"
)

// knownOps guards SetFailure and Block against typos, which would otherwise
// make a fault test pass without injecting anything.
var knownOps = map[string]bool{
	OpFindPatients: true, OpRegister: true, OpUpcoming: true, OpDepartments: true,
	OpDoctors: true, OpSlots: true, OpBook: true, OpHealthRecords: true,
	OpProfilePhoto: true, OpUploadDocument: true, OpUpdateAddress: true, OpCancel: true,
}

// faults holds the injected failures and gates of one EMR.
type faults struct {
	mu      sync.Mutex
	fail    map[string]emr.Kind
	gates   map[string][]*gate
	waiting map[string]int
}

// gate holds calls of one op until released.
type gate struct {
	open chan struct{}
	once sync.Once
}

func newFaults() faults {
	return faults{
		fail:    make(map[string]emr.Kind),
		gates:   make(map[string][]*gate),
		waiting: make(map[string]int),
	}
}

// mustKnow panics on an unknown op name: it is a bug in the test calling it.
func mustKnow(op string) {
	if !knownOps[op] {
		panic(fmt.Sprintf("demo: unknown EMR operation %q", op))
	}
}

// SetFailure makes every following call of op fail with an *emr.Error of
// that kind (cause ErrInjected) until cleared with kind 0 or ClearFailure.
// It panics on an unknown op name.
func (e *EMR) SetFailure(op string, kind emr.Kind) {
	mustKnow(op)
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	if kind == 0 {
		delete(e.faults.fail, op)
		return
	}
	e.faults.fail[op] = kind
}

// ClearFailure makes op succeed again after SetFailure.
func (e *EMR) ClearFailure(op string) { e.SetFailure(op, 0) }

// Block holds every call of op that starts after Block returns until release
// is called or the call's context ends (the call then fails as Unavailable). This lets tests exercise timeouts and in-flight
// states without sleeping. release may be called more than once. It panics
// on an unknown op name.
func (e *EMR) Block(op string) (release func()) {
	mustKnow(op)
	g := &gate{open: make(chan struct{})}
	e.faults.mu.Lock()
	e.faults.gates[op] = append(e.faults.gates[op], g)
	e.faults.mu.Unlock()
	return func() {
		g.once.Do(func() {
			e.faults.mu.Lock()
			gs := e.faults.gates[op]
			for i, x := range gs {
				if x == g {
					e.faults.gates[op] = append(gs[:i:i], gs[i+1:]...)
					break
				}
			}
			e.faults.mu.Unlock()
			close(g.open)
		})
	}
}

// Waiting reports how many calls of op are currently held by Block, so a
// test can wait until its call is in flight before acting.
func (e *EMR) Waiting(op string) int {
	e.faults.mu.Lock()
	defer e.faults.mu.Unlock()
	return e.faults.waiting[op]
}

// begin runs before every operation: it honours ctx, waits at any gate and
// returns an injected failure, if one is set.
func (e *EMR) begin(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return unavailable(op, err)
	}
	if err := e.faults.pass(ctx, op); err != nil {
		return unavailable(op, err)
	}
	e.faults.mu.Lock()
	kind := e.faults.fail[op]
	e.faults.mu.Unlock()
	if kind != 0 {
		return &emr.Error{Op: op, Kind: kind, Err: ErrInjected}
	}
	return nil
}

// pass waits until every gate on op is open or ctx ends.
func (f *faults) pass(ctx context.Context, op string) error {
	f.mu.Lock()
	gs := append([]*gate(nil), f.gates[op]...)
	if len(gs) == 0 {
		f.mu.Unlock()
		return nil
	}
	f.waiting[op]++
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.waiting[op]--
		f.mu.Unlock()
	}()
	for _, g := range gs {
		select {
		case <-g.open:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
