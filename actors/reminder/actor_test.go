package reminder

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// proc is one process's reminder actor.
type proc struct {
	t      *testing.T
	system *actor.ActorSystem
	pid    *actor.PID
	work   *sync.WaitGroup
}

// startLoop runs a reminder actor over e's store (or st), recording what
// it hands to the outbound actors in sent.
func (e *env) startLoop(st Store, sent *outbox, now func() time.Time, mod func(*ActorOptions)) *proc {
	e.t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	system := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return quiet }))
	p := &proc{t: e.t, system: system, work: &sync.WaitGroup{}}
	o := ActorOptions{
		Store: st, Hospitals: e.hospitals, Sealer: e.sealer, Codec: e.codec, Catalog: catalog.MustLoad(),
		Notify: sent.add, Now: now, Metrics: e.metrics, Work: p.work,
	}
	if mod != nil {
		mod(&o)
	}
	p.pid = p.system.Root.Spawn(Props(o))
	e.t.Cleanup(p.stop)
	return p
}

// stop stops the actor and waits for the firings it started.
func (p *proc) stop() {
	if p.pid == nil {
		return
	}
	require.NoError(p.t, p.system.Root.StopFuture(p.pid).Wait())
	p.work.Wait()
	p.system.Shutdown()
	p.pid = nil
}

// wake returns a scheduler wake function aimed at p.
func (p *proc) wake(due time.Time) { p.system.Root.Send(p.pid, &Wake{Due: due}) }

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	require.Eventuallyf(t, cond, within, 5*time.Millisecond, "%s: not within %v", what, within)
}

func TestActorFollowsTheProcessClock(t *testing.T) {
	e := newEnv(t)
	sent := newOutbox(e.codec)
	// A short poll: the actor notices the test's clock jumps soon.
	e.startLoop(e.store, sent, e.clock.Now, func(o *ActorOptions) { o.Poll = 5 * time.Millisecond })
	dose := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, kolkata) }
	e.schedule("abc", Spec{Kind: KindMedicine, Phone: patient, Medicine: &Medicine{Name: "M", Times: []string{"08:00", "20:00"}, Days: 2}})
	ny := e.schedule("ny", Spec{Kind: KindFollowUp, Phone: "+12125550123", At: ptr(time.Date(2026, 11, 24, 22, 0, 0, 0, newYork))})
	nyMorning := time.Date(2026, 11, 25, 8, 0, 0, 0, newYork)

	expect := func(at time.Time, n int) {
		t.Helper()
		e.clock.Set(at)
		eventually(t, 10*time.Second, fmt.Sprintf("%d messages at %v", n, at), func() bool { return len(sent.messages()) >= n })
		assert.Len(t, sent.messages(), n)
		got := sent.firedAt()
		assert.True(t, at.Equal(got[n-1]), "fired at %v, want %v", got[n-1], at)
	}
	expect(dose(24, 20), 1)
	expect(dose(25, 8), 2)
	// 22:00 in New York is quiet: the follow-up moves to 08:00 there.
	e.clock.Set(time.Date(2026, 11, 24, 22, 0, 0, 0, newYork))
	eventually(t, 10*time.Second, "deferral", func() bool { return e.stored("ny", ny.ID).Due.Equal(nyMorning) })
	assert.Len(t, sent.messages(), 2)
	expect(nyMorning, 3)
	expect(dose(25, 20), 4)

	msgs := sent.messages()
	assert.Equal(t, []string{KindMedicine, KindMedicine, KindFollowUp, KindMedicine},
		[]string{msgs[0].ReminderKind, msgs[1].ReminderKind, msgs[2].ReminderKind, msgs[3].ReminderKind})
	for _, id := range []string{ny.ID} {
		assert.Equal(t, persistence.ReminderFired, e.stored("ny", id).State)
	}
}

// A reminder stored by this process wakes the actor: with a poll of an
// hour, only the scheduler's Wake can make it fire on time.
func TestSchedulerWakesTheActor(t *testing.T) {
	e := newEnv(t)
	sent := newOutbox(e.codec)
	p := e.startLoop(e.store, sent, time.Now, func(o *ActorOptions) { o.Poll = time.Hour })
	sched := NewScheduler(SchedulerOptions{Store: e.store, Sealer: e.sealer, Hasher: e.hasher, Wake: p.wake})
	due := time.Now().Add(300 * time.Millisecond)
	_, err := sched.Schedule(context.Background(), e.hospitals["abc"], Spec{Kind: KindFollowUp, Phone: patient, At: &due})
	require.NoError(t, err)
	eventually(t, 10*time.Second, "the reminder", func() bool { return len(sent.messages()) == 1 })
	fired := sent.firedAt()[0]
	assert.False(t, fired.Before(due), "not early")
	assert.Less(t, fired.Sub(due), 2*time.Second, "on time")
}
