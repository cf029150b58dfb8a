package demo

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

func TestEveryOpIsCovered(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	c := calls(e, tuesday0930)
	assert.Len(t, c, len(knownOps))
	for op := range knownOps {
		assert.Contains(t, c, op)
	}
}

func TestSetFailureFailsOnlyThatOpUntilCleared(t *testing.T) {
	for op := range knownOps {
		t.Run(op, func(t *testing.T) {
			e, _ := newAt(t, tuesday0930)
			c := calls(e, tuesday0930)
			ctx := context.Background()
			e.SetFailure(op, emr.Unavailable)
			for range 2 {
				err := c[op](ctx)
				requireKind(t, err, op, emr.Unavailable)
				assert.ErrorIs(t, err, ErrInjected)
			}
			for other, call := range c {
				if other != op {
					assert.NoError(t, call(ctx), other)
				}
			}
			e.ClearFailure(op)
			assert.NoError(t, c[op](ctx))
		})
	}
}

func TestSetFailureKinds(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	for _, kind := range []emr.Kind{emr.Rejected, emr.Conflict, emr.NotSupported, emr.OutcomeUnknown} {
		e.SetFailure(OpBook, kind)
		_, err := e.Book(ctx, inPerson(0, ""))
		requireKind(t, err, OpBook, kind)
	}
	e.SetFailure(OpBook, 0)
	_, err := e.Book(ctx, inPerson(0, ""))
	require.NoError(t, err)
	assert.Len(t, e.Appointments(asha.ID), 2, "failed calls booked nothing")
}

func TestUnknownOpPanics(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	assert.Panics(t, func() { e.SetFailure("bookk", emr.Unavailable) })
	assert.Panics(t, func() { e.Block("slot") })
}

func TestCancelledContextFailsEveryOp(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for op, call := range calls(e, tuesday0930) {
		err := call(ctx)
		requireKind(t, err, op, emr.Unavailable)
		assert.ErrorIs(t, err, context.Canceled)
	}
	assert.Len(t, e.Appointments(asha.ID), 1, "nothing booked")
	assert.Empty(t, e.Address("DEMO-1001"), "nobody registered")
}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 5*time.Second, time.Millisecond, what)
}

func TestBlockHoldsCallsUntilReleased(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	release := e.Block(OpBook)

	type result struct {
		b   emr.Booking
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := e.Book(context.Background(), inPerson(0, "doc-11-20250107-1000"))
		done <- result{b, err}
	}()
	waitFor(t, "book is held", func() bool { return e.Waiting(OpBook) == 1 })
	select {
	case r := <-done:
		t.Fatalf("book returned while blocked: %+v", r)
	default:
	}
	_, err := e.Slots(context.Background(), "doc-11", dayFrom(tuesday0930, 0))
	require.NoError(t, err, "other ops are not held")

	release()
	r := <-done
	require.NoError(t, r.err)
	assert.Equal(t, "APT-5001", r.b.AppointmentID)
	assert.Equal(t, 0, e.Waiting(OpBook))

	release() // a second release is harmless
	_, err = e.Book(context.Background(), inPerson(0, ""))
	assert.NoError(t, err, "calls after release are not held")
}

func TestBlockHonoursContextDeadline(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	release := e.Block(OpFindPatients)
	defer release()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.FindPatients(ctx, AshaMobile)
		done <- err
	}()
	waitFor(t, "lookup is held", func() bool { return e.Waiting(OpFindPatients) == 1 })
	cancel()
	err := <-done
	requireKind(t, err, OpFindPatients, emr.Unavailable)
	assert.True(t, errors.Is(err, context.Canceled))
	waitFor(t, "waiter gone", func() bool { return e.Waiting(OpFindPatients) == 0 })

	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	_, err = e.FindPatients(expired, AshaMobile)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestTwoBlocksNeedTwoReleases(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	r1 := e.Block(OpUpcoming)
	r2 := e.Block(OpUpcoming)
	done := make(chan error, 1)
	go func() {
		_, err := e.Upcoming(context.Background(), asha)
		done <- err
	}()
	waitFor(t, "upcoming is held", func() bool { return e.Waiting(OpUpcoming) == 1 })
	r1()
	select {
	case err := <-done:
		t.Fatalf("returned with one block left: %v", err)
	default:
	}
	r2()
	require.NoError(t, <-done)
}
