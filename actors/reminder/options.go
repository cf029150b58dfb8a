package reminder

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// Store is what firing needs of the store.
type Store interface {
	persistence.Reminders
	persistence.ConsentLedger
}

// ActorOptions configures the firing loop of one process.
type ActorOptions struct {
	Store     Store
	Hospitals map[string]*config.Hospital // by code
	Sealer    persistence.Sealer
	Codec     *outbound.Codec
	Catalog   *catalog.Catalog
	// Notify hands a firing's committed outbox entries to the sender's
	// outbound actor.
	Notify func(sender string, entries []persistence.OutboxEntry)
	// Handoff hands a reminder that expects an answer (flow.ExpectsAnswer,
	// with a callback URL) to the patient's conversation on sender and
	// returns once the conversation has committed it. Optional: without
	// it such reminders are sent like the others and no answer is read.
	Handoff func(ctx context.Context, sender, phone string, due *flow.ReminderDue) error
	// Language returns the language the patient phone last used in their
	// conversation on sender ("" when unknown); reminders that expect no
	// answer are written in it when the hospital speaks it. Optional:
	// without it they are written in the hospital's default language.
	Language func(ctx context.Context, sender, phone string) (string, error)
	// Holder names this run of the loop in leases (NewHolder).
	Holder   string
	Lease    time.Duration // how long a claim holds; default 30s
	Batch    int           // reminders per claim; default 256
	Parallel int           // firings of a batch at once; default 32
	// Poll is the longest the loop waits (real time) before it reads the
	// next due time again, so it sees reminders other processes scheduled
	// and leases a dead process left; default 1s. Tests with a settable
	// clock make it short so the loop notices the clock jump.
	Poll    time.Duration
	Timeout time.Duration // per store call; default 10s
	Now     func() time.Time
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	// Work counts store calls and firings in flight, so shutdown can wait
	// for them after stopping the actor. Optional.
	Work *sync.WaitGroup
	// Fired, when set, is told of every firing once its result is known
	// (after the store answered): the reminder as claimed, the result and
	// the time then. Measurements use it (make load-reminders).
	Fired func(r persistence.Reminder, result string, at time.Time)
}

func (o *ActorOptions) defaults() {
	if o.Lease <= 0 {
		o.Lease = 30 * time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.Parallel <= 0 {
		o.Parallel = 32
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Work == nil {
		o.Work = &sync.WaitGroup{}
	}
	if o.Holder == "" {
		o.Holder = NewHolder()
	}
}

// Props returns the props of a process's reminder actor: the firing loop
// for every hospital, since the store keeps one due-time index for all.
func Props(o ActorOptions) *actor.Props {
	o.defaults()
	return actor.PropsFromProducer(func() actor.Actor { return newLoop(&o) })
}

// Wake tells the reminder actor that a reminder is due at Due (zero:
// look now). The scheduler sends it for reminders it stores, so one due
// before the actor's next look still fires on time.
type Wake struct{ Due time.Time }
