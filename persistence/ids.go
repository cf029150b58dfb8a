package persistence

import (
	"fmt"
	"sync/atomic"
	"time"
)

var idCounter atomic.Uint64

// NewID returns an identifier that sorts in creation order within a
// process and, by its time prefix, across restarts.
func NewID(now time.Time) string {
	return fmt.Sprintf("%016x%08x", uint64(now.UnixNano()), uint32(idCounter.Add(1)))
}
