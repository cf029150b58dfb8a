package demo

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

func TestConcurrentBookingsOfOneSlotYieldOneWinner(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	const n = 32
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			p, err := e.Register(context.Background(), emr.NewPatient{
				Name: fmt.Sprintf("Patient %d", i), Age: 30, Gender: emr.Other, Mobile: fmt.Sprintf("+9198100%05d", i)})
			if err != nil {
				errs <- err
				return
			}
			_, err = e.Book(context.Background(), emr.BookingRequest{Patient: emr.PatientRef{ID: p.ID}, Visit: emr.InPerson,
				Day: dayFrom(tuesday0930, 1), DepartmentID: "dept-derm", DoctorID: "doc-52", SlotID: "doc-52-20250108-1600"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	var ok, conflicts int
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case emr.KindOf(err) == emr.Conflict:
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	assert.Equal(t, 1, ok)
	assert.Equal(t, n-1, conflicts)
}

func TestConcurrentMixedUseIsRaceFree(t *testing.T) {
	e, clk := newAt(t, tuesday0930)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, call := range calls(e, tuesday0930) {
				_ = call(ctx) // outcomes vary with interleaving; the race detector judges
			}
			_ = e.Appointments(asha.ID)
			_ = e.Documents(asha.ID)
			_, _ = e.RecordPDF("rec-101")
		})
	}
	wg.Go(func() { e.SetFailure(OpSlots, emr.Unavailable); e.ClearFailure(OpSlots) })
	wg.Go(func() { clk.Set(tuesday0930) })
	wg.Wait()
	upcoming, err := e.Upcoming(ctx, asha)
	require.NoError(t, err)
	assert.Len(t, upcoming, 8, "one booking per worker; the seed follow-up was cancelled")
}
