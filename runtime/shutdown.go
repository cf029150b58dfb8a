package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Shutdown stops the process gracefully: readiness goes false, the HTTP
// server stops accepting and lets webhooks in progress finish (each waits
// for its commit), the reminder actor stops after the firings it began,
// conversation actors stop, commits, callback posts and sends in flight
// complete, then the store closes. ctx bounds the whole sequence.
func (a *App) Shutdown(ctx context.Context) error {
	a.stopping.Store(true)
	a.stopBackground()
	var errs []error
	if err := wait(ctx, &a.background); err != nil {
		errs = append(errs, fmt.Errorf("wait for start-up work: %w", err))
	}
	if err := a.server.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop http server: %w", err))
	}
	a.statuses.Close() // status callbacks being retried give up
	// Reminders stop first: their firings hand reminders to
	// conversations and notify the outbound actors, which still run.
	if err := a.stopReminders(ctx); err != nil {
		errs = append(errs, err)
	}
	for _, pid := range a.router.Shards() {
		if err := a.system.Root.StopFuture(pid).Wait(); err != nil {
			errs = append(errs, fmt.Errorf("stop conversations: %w", err))
		}
	}
	if err := wait(ctx, &a.commits); err != nil {
		errs = append(errs, fmt.Errorf("wait for commits: %w", err))
	}
	// No conversation can tell the callback actor of an answer any more.
	if err := a.stopCallbacks(ctx); err != nil {
		errs = append(errs, err)
	}
	// Outbound actors stop first so that no new send starts while the
	// ones in flight are waited for.
	for _, pid := range a.outbound.all() {
		if err := a.system.Root.StopFuture(pid).Wait(); err != nil {
			errs = append(errs, fmt.Errorf("stop outbound actor: %w", err))
		}
	}
	if err := wait(ctx, &a.sends); err != nil {
		errs = append(errs, fmt.Errorf("wait for outbound sends: %w", err))
	}
	if a.beat != nil {
		// Stopped cleanly, nothing in flight: other processes may take
		// what is left at once. Otherwise the beat is left to lapse.
		if err := a.beat.close(ctx, len(errs) == 0); err != nil {
			errs = append(errs, fmt.Errorf("retire lease holder: %w", err))
		}
	}
	for _, pid := range a.hospitals {
		a.system.Root.Stop(pid)
	}
	a.system.Shutdown()
	a.mailboxes.Close()
	a.sendPool.Close()
	if err := a.store.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close store: %w", err))
	}
	return errors.Join(errs...)
}

// wait waits for wg or the end of ctx.
func wait(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
