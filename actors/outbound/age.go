package outbound

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// The age of the oldest pending message is what an operator alerts on
// (deploy/prometheus/alerts.yaml, FrontdeskOutboxNotDraining): a count can stay
// high under load while everything moves, an age only grows while
// something is stuck. It must grow while nothing happens, so a ticker
// refreshes it rather than the changes alone.

// ageTick asks the actor to refresh the age gauge.
type ageTick struct{}

// startAgeTicker sends ageTick every AgeEvery until the actor stops.
func (s *sender) startAgeTicker(ctx actor.Context) {
	quit := make(chan struct{})
	s.quit = quit
	every := s.opts.AgeEvery
	system, self := ctx.ActorSystem(), ctx.Self()
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				system.Root.Send(self, &ageTick{})
			case <-quit:
				return
			}
		}
	}()
}

func (s *sender) stopAgeTicker() {
	if s.quit != nil {
		close(s.quit)
		s.quit = nil
	}
}

// refreshAge sets the gauge to the age, by the process clock, of the
// oldest entry at the head of a lane (a lane holds its entries in
// creation order), 0 when none waits.
func (s *sender) refreshAge() {
	var oldest time.Time
	for _, q := range s.lanes {
		if len(q) > 0 && (oldest.IsZero() || q[0].CreatedAt.Before(oldest)) {
			oldest = q[0].CreatedAt
		}
	}
	age := 0.0
	if !oldest.IsZero() {
		age = max(s.opts.Now().Sub(oldest).Seconds(), 0)
	}
	s.gauges()
	s.oldestGauge.Set(age)
}
