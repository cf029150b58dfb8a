package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/actors/hospital"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// newActorSystem returns an actor system that logs through our redacting
// handler and has protoactor's own metrics off (they leak and bind a port).
func (a *App) newActorSystem() *actor.ActorSystem {
	log := actorLogger(a.log)
	return actor.NewActorSystem(
		actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return log }),
		actor.WithDeadLetterRequestLogging(false),
	)
}

// spawnHospitals starts one hospital actor per location.
func (a *App) spawnHospitals(clients map[string]emr.Client) error {
	a.hospitals = make(map[string]*actor.PID, len(clients))
	for _, h := range a.cfg.Hospitals {
		props := hospital.Props(hospital.Options{
			Code: h.Code, Client: clients[h.Code], Timeout: h.EMR.Timeout, Media: a.media.preparer,
			Now: a.now, Metrics: a.metrics, Logger: a.log,
		})
		pid, err := a.system.Root.SpawnNamed(props, "hospital-"+h.Code)
		if err != nil {
			return fmt.Errorf("spawn hospital actor %s: %w", h.Code, err)
		}
		a.hospitals[h.Code] = pid
	}
	return nil
}

// outboundRegistry gets or spawns the outbound actor of a sender.
type outboundRegistry struct {
	mu    sync.Mutex
	pids  map[string]*actor.PID
	spawn func(sender string) (*actor.PID, error)
}

func (r *outboundRegistry) pid(sender string) *actor.PID {
	r.mu.Lock()
	defer r.mu.Unlock()
	if pid, ok := r.pids[sender]; ok {
		return pid
	}
	pid, err := r.spawn(sender)
	if err != nil && !errors.Is(err, actor.ErrNameExists) {
		return nil
	}
	r.pids[sender] = pid
	return pid
}

func (r *outboundRegistry) all() []*actor.PID {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*actor.PID, 0, len(r.pids))
	for _, p := range r.pids {
		out = append(out, p)
	}
	return out
}

// newOutbound prepares the outbound registry; every hospital's sender is
// started at once so outbox entries left by a previous run go out.
func (a *App) newOutbound(transport outbound.Transport, s *settings) {
	a.outbound = &outboundRegistry{pids: map[string]*actor.PID{}, spawn: func(sender string) (*actor.PID, error) {
		props := outbound.Props(a.outboundOptions(sender, transport, s))
		return a.system.Root.SpawnNamed(props, "outbound-"+sender)
	}}
	a.statuses = a.newStatuses()
	for _, h := range a.cfg.Hospitals {
		a.outbound.pid(h.Sender)
	}
}

// notify hands committed entries to their sender's outbound actor.
func (a *App) notify(sender string, entries []persistence.OutboxEntry) {
	if pid := a.outbound.pid(sender); pid != nil {
		a.system.Root.Send(pid, &outbound.Notify{Entries: entries})
	}
}
