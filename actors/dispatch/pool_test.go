package dispatch

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// TestScheduleNeverWaits: with every worker blocked, scheduled work still
// runs at once, on goroutines of its own.
func TestScheduleNeverWaits(t *testing.T) {
	p := NewPool(2, 0)
	defer p.Close()
	release := make(chan struct{})
	var running sync.WaitGroup
	running.Add(10)
	for range 10 {
		p.Schedule(func() {
			running.Done()
			<-release
		})
	}
	waitGroup(t, &running, "10 blocking jobs on a pool of 2 workers")
	close(release)
	if p.spilled.Load() < 8 {
		t.Fatalf("%d jobs went to goroutines of their own, want at least 8 (2 workers)", p.spilled.Load())
	}
}

// TestWorkersAreReused: a worker goes back to its receive after each job,
// so one worker takes job after job (a worker that ran one job and quit
// would never be handed the second).
func TestWorkersAreReused(t *testing.T) {
	p := NewPool(1, 0)
	defer p.Close()
	done := make(chan struct{})
	for i := range 50 {
		deadline := time.Now().Add(5 * time.Second)
		for !p.hand(func() { done <- struct{}{} }) {
			if time.Now().After(deadline) {
				t.Fatalf("job %d: the worker never took it", i)
			}
			runtime.Gosched()
		}
		<-done
	}
}

// TestActorsOnPool: an actor system whose actors use the pool processes
// every message of every actor, each actor's in order.
func TestActorsOnPool(t *testing.T) {
	p := NewPool(4, 0)
	defer p.Close()
	system := actor.NewActorSystem()
	defer system.Shutdown()
	const actors, msgs = 20, 200
	var wg sync.WaitGroup
	wg.Add(actors)
	errs := make(chan string, actors)
	for range actors {
		next := 0
		props := actor.PropsFromFunc(func(ctx actor.Context) {
			n, ok := ctx.Message().(int)
			if !ok {
				return
			}
			if n != next {
				errs <- "out of order"
			}
			next++
			if next == msgs {
				wg.Done()
			}
		}, actor.WithDispatcher(p))
		pid := system.Root.Spawn(props)
		for i := range msgs {
			system.Root.Send(pid, i)
		}
	}
	waitGroup(t, &wg, "every actor's messages")
	select {
	case e := <-errs:
		t.Fatal(e)
	default:
	}
}

// TestCloseThenSchedule: a closed pool still runs what it is given.
func TestCloseThenSchedule(t *testing.T) {
	p := NewPool(3, 7)
	if p.Throughput() != 7 {
		t.Fatalf("throughput %d, want 7", p.Throughput())
	}
	p.Close()
	p.Close()
	ran := make(chan struct{})
	p.Schedule(func() { close(ran) })
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("work scheduled on a closed pool never ran")
	}
}

// waitGroup waits for wg with a deadline.
func waitGroup(t *testing.T, wg *sync.WaitGroup, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: not done within 10 s", what)
	}
}
