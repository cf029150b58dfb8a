package embedded

import (
	"context"
	"errors"

	bolt "go.etcd.io/bbolt"
)

// maxGroup bounds how many writes share one transaction.
const maxGroup = 1024

// errClosed is returned for writes after Close.
var errClosed = errors.New("store is closed")

// write is one transaction body waiting for the group writer.
type write struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// batch runs fn in a group-committed transaction. One writer goroutine
// takes every write that arrived while the previous transaction was being
// written and commits them together, so N concurrent commits cost one
// fsync rather than N (bbolt's own Batch groups only what arrives within a
// fixed delay, which on a slow disk is a small fraction of the writes).
// fn may run more than once and must start from scratch each time; an
// error from fn fails that write alone.
func (s *Store) batch(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w := write{fn: fn, done: make(chan error, 1)}
	s.writeMu.RLock()
	if s.closed {
		s.writeMu.RUnlock()
		return errClosed
	}
	s.writes <- w // the writer drains the queue until Close
	s.writeMu.RUnlock()
	// Once queued the write will happen; wait for its outcome even if ctx
	// ends, so the caller never reports failure for a committed write.
	return <-w.done
}

// writeLoop is the group writer.
func (s *Store) writeLoop() {
	defer close(s.written)
	for {
		var first write
		select {
		case first = <-s.writes:
		case <-s.closing:
			return
		}
		group := []write{first}
	gather:
		for len(group) < maxGroup {
			select {
			case w := <-s.writes:
				group = append(group, w)
			default:
				break gather
			}
		}
		s.commitGroup(group)
	}
}

// commitGroup writes a group in one transaction. When one body fails, the
// group is written again without it, and that body runs alone to report
// its own error.
func (s *Store) commitGroup(group []write) {
	for len(group) > 0 {
		failed := -1
		err := s.db.Update(func(tx *bolt.Tx) error {
			for i, w := range group {
				if err := w.fn(tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, w := range group {
				w.done <- err
			}
			return
		}
		bad := group[failed]
		group = append(group[:failed:failed], group[failed+1:]...)
		bad.done <- s.db.Update(bad.fn)
	}
}

// finishWrites waits until the writer has taken every queued write; called
// by Close after queueing has stopped.
func (s *Store) finishWrites() {
	done := make(chan error, 1)
	s.writes <- write{fn: func(*bolt.Tx) error { return nil }, done: done}
	<-done
}
