package persistence

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"sync/atomic"
	"time"
)

var idCounter atomic.Uint64

// idProcess tells apart two processes that make an id in the same
// nanosecond with the same counter value (outbox ids are keys: a clash
// would make the store keep one entry of the two).
var idProcess = func() uint32 {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return uint32(time.Now().UnixNano())
	}
	return binary.BigEndian.Uint32(b[:])
}()

// NewID returns an identifier that sorts in creation order within a
// process and, by its time prefix, across restarts and processes.
func NewID(now time.Time) string {
	return fmt.Sprintf("%016x%08x%08x", uint64(now.UnixNano()), uint32(idCounter.Add(1)), idProcess)
}
