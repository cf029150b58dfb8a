package loadgen

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// filler sends one message from each of a range of patients, to make
// conversations, and counts the replies that come back.
type filler struct {
	hosps   []Hospital // patient i writes to hosps[i%len(hosps)]
	poster  *Poster
	base    string
	runID   string
	seq     atomic.Uint64
	replies atomic.Int64
}

// newFiller returns a filler posting with up to concurrency connections.
func newFiller(concurrency int, hosps []Hospital) *filler {
	id := make([]byte, 4)
	_, _ = rand.Read(id)
	return &filler{hosps: hosps, poster: NewPoster(concurrency), runID: hex.EncodeToString(id)}
}

// onReply is the sink's hook.
func (f *filler) onReply(Reply) { f.replies.Add(1) }

// send posts body from patients [from, to), concurrency at a time, and
// fails on the first message not answered 200; "{code}" in body is the
// patient's hospital code.
func (f *filler) send(ctx context.Context, from, to, concurrency int, body string) error {
	next := atomic.Int64{}
	next.Store(int64(from))
	var wg sync.WaitGroup
	errs := make(chan error, concurrency)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= to || ctx.Err() != nil {
					return
				}
				sid := fmt.Sprintf("SM%s%024x", f.runID, f.seq.Add(1))
				h := f.hosps[i%len(f.hosps)]
				form := Form(sid, Phone(i), strings.ReplaceAll(body, "{code}", h.Code))
				form.Set("To", h.Sender)
				code, err := f.poster.Post(ctx, f.base, form)
				if err == nil && code != http.StatusOK {
					err = fmt.Errorf("webhook answered %d", code)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// waitReplies waits until at least n replies arrived, or timeout.
func (f *filler) waitReplies(ctx context.Context, n int64, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for f.replies.Load() < n {
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d replies after %s", f.replies.Load(), n, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}
