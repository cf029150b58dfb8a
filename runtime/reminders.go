package runtime

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// reminderLoop is the process's reminder actor and the work it has in
// flight (store calls and firings), which shutdown waits for.
type reminderLoop struct {
	pid  *actor.PID
	work sync.WaitGroup
}

// WithReminderPoll sets the longest real-time wait of the reminder actor
// between two reads of the next due time (default 1 s). Tests that move a
// settable clock make it short, so due reminders fire soon after the jump.
func WithReminderPoll(d time.Duration) Option {
	return func(s *settings) { s.reminderPoll = d }
}

// WithReminderObserver has fired called after every reminder firing
// with its result (actors/reminder: ActorOptions.Fired); the reminder
// lateness measurement uses it.
func WithReminderObserver(fired func(r persistence.Reminder, result string, at time.Time)) Option {
	return func(s *settings) { s.reminderFired = fired }
}

// startReminders spawns the reminder actor (one per process: the store
// keeps one due-time index for every hospital, and leases keep processes
// from firing a reminder twice) and builds the Scheduler the EMR-facing
// API uses; the scheduler wakes the actor for each reminder it stores.
func (a *App) startReminders(s *settings, sealer persistence.Sealer, cat *catalog.Catalog) error {
	hospitals := make(map[string]*config.Hospital, len(a.cfg.Hospitals))
	for i := range a.cfg.Hospitals {
		h := &a.cfg.Hospitals[i]
		hospitals[h.Code] = h
	}
	a.reminders = &reminderLoop{}
	props := reminder.Props(reminder.ActorOptions{
		Store: a.store, Hospitals: hospitals, Sealer: sealer, Codec: a.codec, Catalog: cat,
		Notify: a.notify, Handoff: a.handoff, Holder: a.holder, Poll: s.reminderPoll,
		Language: conversation.Languages{Store: a.store, Sealer: sealer, Hasher: a.hasher}.Of,
		Now:      a.now, Metrics: a.metrics, Logger: a.log, Work: &a.reminders.work, Fired: s.reminderFired,
	})
	pid, err := a.system.Root.SpawnNamed(props, "reminders")
	if err != nil {
		return fmt.Errorf("spawn reminder actor: %w", err)
	}
	a.reminders.pid = pid
	a.scheduler = reminder.NewScheduler(reminder.SchedulerOptions{
		Store: a.store, Sealer: sealer, Hasher: a.hasher, Now: a.now,
		Wake: func(due time.Time) { a.system.Root.Send(pid, &reminder.Wake{Due: due}) },
	})
	return nil
}

// Reminders is the process's reminder scheduler (what /v1 serves; tests
// schedule through it directly).
func (a *App) Reminders() reminder.Scheduler { return a.scheduler }

// wakeReminders has the reminder actor look at once (the store answers
// again after an outage).
func (a *App) wakeReminders() {
	if a.reminders != nil && a.reminders.pid != nil {
		a.system.Root.Send(a.reminders.pid, &reminder.Wake{})
	}
}

// stopReminders stops the reminder actor, then waits for the firings it
// started: a claimed batch is fired rather than left leased, so the next
// process finds nothing waiting for a lease to run out.
func (a *App) stopReminders(ctx context.Context) error {
	if a.reminders == nil || a.reminders.pid == nil {
		return nil
	}
	if err := a.system.Root.StopFuture(a.reminders.pid).Wait(); err != nil {
		return fmt.Errorf("stop reminder actor: %w", err)
	}
	if err := wait(ctx, &a.reminders.work); err != nil {
		return fmt.Errorf("wait for reminder firings: %w", err)
	}
	return nil
}
