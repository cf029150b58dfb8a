package redisstore

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// An op moves from queued to taken (the writer will send it) or to
// abandoned (its caller gave up first); whoever moves it first decides.
const (
	opQueued int32 = iota
	opTaken
	opAbandoned
)

// op is one script run waiting for the group writer.
type op struct {
	ctx    context.Context
	script *script
	keys   []string
	args   []any
	state  atomic.Int32
	done   chan opResult // buffered; the writer sends exactly once if taken
	// then, when set instead of done, is called with the outcome on the
	// writer's goroutine (runAsync); it must return quickly.
	then func(opResult)
}

// finish hands an op its outcome.
func (o *op) finish(r opResult) {
	if o.then != nil {
		o.then(r)
		return
	}
	o.done <- r
}

// opResult is a script's reply or the error that stopped it.
type opResult struct {
	reply any
	err   error
}

// run queues a script for the group writer and waits for its outcome. Until
// the writer takes it, an ended ctx withdraws it (nothing is written); once
// taken it is on the wire, and run waits for the answer (bounded by
// Options.Timeout) so that a write which happened is never reported as
// failed.
func (s *Store) run(ctx context.Context, sc *script, keys []string, args []any) (any, error) {
	o, err := s.submit(ctx, sc, keys, args, func(o *op) error {
		select {
		case s.queue <- o:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	if err != nil {
		return nil, err
	}
	return s.await(ctx, o)
}

// submit makes an op and, holding queueMu so that Close waits for it,
// hands it to put unless the store is closed.
func (s *Store) submit(ctx context.Context, sc *script, keys []string, args []any, put func(*op) error) (*op, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	o := &op{ctx: ctx, script: sc, keys: keys, args: args, done: make(chan opResult, 1)}
	s.queueMu.RLock()
	defer s.queueMu.RUnlock()
	if s.closed.Load() {
		return nil, errClosed
	}
	if err := put(o); err != nil {
		return nil, err
	}
	return o, nil
}

// await waits for a queued op's outcome; see run.
func (s *Store) await(ctx context.Context, o *op) (any, error) {
	select {
	case r := <-o.done:
		return r.reply, r.err
	case <-ctx.Done():
		if o.state.CompareAndSwap(opQueued, opAbandoned) {
			return nil, ctx.Err()
		}
		r := <-o.done
		return r.reply, r.err
	}
}

// writeLoop is the group writer: it sends queued scripts in pipelines, one
// pipeline at a time, until Close has closed the queue and it is empty.
func (s *Store) writeLoop() {
	defer close(s.written)
	for first := range s.queue {
		s.send(s.gather(first))
	}
}

// gather collects up to MaxBatch ops: whatever is queued now, or, with a
// positive MaxWait, whatever arrives within MaxWait of the first; then
// lazy ops waiting for a pipeline fill what room is left (lazy.go).
func (s *Store) gather(first *op) []*op {
	batch := s.gatherQueued(first)
	return append(batch, s.takeLazy(s.opts.MaxBatch-len(batch))...)
}

// gatherQueued collects the queued ops of a batch.
func (s *Store) gatherQueued(first *op) []*op {
	batch := make([]*op, 1, s.opts.MaxBatch)
	batch[0] = first
	var timeout <-chan time.Time
	if s.opts.MaxWait > 0 {
		timer := time.NewTimer(s.opts.MaxWait)
		defer timer.Stop()
		timeout = timer.C
	}
	for len(batch) < s.opts.MaxBatch {
		if timeout == nil {
			select {
			case o, ok := <-s.queue:
				if !ok {
					return batch
				}
				batch = append(batch, o)
			default:
				return batch
			}
			continue
		}
		select {
		case o, ok := <-s.queue:
			if !ok {
				return batch
			}
			batch = append(batch, o)
		case <-timeout:
			return batch
		}
	}
	return batch
}

// send takes the ops whose callers still wait and runs them in one
// pipeline, then reports the batch to the observer.
func (s *Store) send(batch []*op) {
	live := batch[:0]
	for _, o := range batch {
		if !o.state.CompareAndSwap(opQueued, opTaken) {
			continue // abandoned: its caller has returned
		}
		if err := o.ctx.Err(); err != nil {
			o.finish(opResult{err: err})
			continue
		}
		live = append(live, o)
	}
	if len(live) == 0 {
		return
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.Timeout)
	defer cancel()
	results, err := s.pipeline(ctx, live, false)
	// Observe before answering, so a caller's next step sees the figures.
	s.opts.Observer.batch(len(live), time.Since(start), err)
	for i, o := range live {
		o.finish(results[i])
	}
}

// pipeline sends ops by EVALSHA (or by EVAL when eval is set) in one round
// trip and returns each op's own result. Ops that met NOSCRIPT did not run
// and go again by EVAL, which also puts the script back in the cache. The
// error returned is one that failed the round trip as a whole (connection,
// timeout), for the observer; Redis's answers to single scripts are not.
func (s *Store) pipeline(ctx context.Context, ops []*op, eval bool) ([]opResult, error) {
	cmds := make([]*redis.Cmd, len(ops))
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, o := range ops {
			if eval {
				cmds[i] = p.Eval(ctx, o.script.src, o.keys, o.args...)
			} else {
				cmds[i] = p.EvalSha(ctx, o.script.sha, o.keys, o.args...)
			}
		}
		return nil
	})
	var answered redis.Error
	if errors.As(err, &answered) {
		err = nil
	}
	results := make([]opResult, len(ops))
	var again []*op
	var at []int
	for i, cmd := range cmds {
		reply, cerr := cmd.Result()
		if !eval && redis.HasErrorPrefix(cerr, "NOSCRIPT") {
			again, at = append(again, ops[i]), append(at, i)
			continue
		}
		results[i] = opResult{reply: reply, err: cerr}
	}
	if len(again) > 0 {
		retried, evalErr := s.pipeline(ctx, again, true)
		for j, i := range at {
			results[i] = retried[j]
		}
		if err == nil {
			err = evalErr
		}
	}
	return results, err
}
