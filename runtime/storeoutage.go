package runtime

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// isOutage reports whether a store error means the store could not be
// reached or could not answer in time (so it probably cannot serve anyone
// now), rather than an answer about this one request: a version conflict,
// a missing snapshot, a refused script. Unknown errors do not count, so a
// bug in one commit cannot turn the whole process away.
func isOutage(err error) bool {
	switch {
	case err == nil,
		errors.Is(err, persistence.ErrConflict),
		errors.Is(err, persistence.ErrNotFound),
		errors.Is(err, context.Canceled): // the caller gave up (shutdown)
		return false
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, redis.ErrPoolTimeout),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.EIO),    // the embedded store's disk
		errors.Is(err, syscall.ENOSPC), // full: no commit can be written
		errors.Is(err, syscall.EROFS):
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true // dial failures, timeouts, resets
	}
	// Redis answered, but cannot serve: still loading its data after a
	// restart, a replica after a failover, a replica without its master.
	for _, prefix := range []string{"LOADING", "READONLY", "MASTERDOWN"} {
		if redis.HasErrorPrefix(err, prefix) {
			return true
		}
	}
	return false
}
