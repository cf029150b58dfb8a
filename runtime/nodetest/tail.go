package nodetest

import (
	"bytes"
	"sync"
)

// Tail keeps the last Limit bytes written to it (8 KiB when Limit is 0):
// a Node program's output, for the message when it fails. It is safe
// for concurrent use.
type Tail struct {
	Limit int

	mu  sync.Mutex
	buf bytes.Buffer
}

// Write keeps p, dropping the oldest bytes beyond the limit.
func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	limit := t.Limit
	if limit <= 0 {
		limit = 8 << 10
	}
	t.buf.Write(p)
	if over := t.buf.Len() - limit; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

// String returns what is kept.
func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
