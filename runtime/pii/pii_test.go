package pii

import (
	"sync"
	"testing"
)

// TestHash checks what callers rely on: a hash is stable for one key,
// differs between inputs and between keys, never shows the input, and
// the hasher gives the same answers from many goroutines at once.
func TestHash(t *testing.T) {
	h := NewHasher([]byte("0123456789abcdef0123456789abcdef"))
	other := NewHasher([]byte("fedcba9876543210fedcba9876543210"))
	const phone = "+919812345678"
	want := h.Hash(phone)
	if len(want) != 24 {
		t.Fatalf("hash %q: want 24 hex characters", want)
	}
	if h.Hash("+919812345679") == want || other.Hash(phone) == want {
		t.Fatal("another number or another key gave the same hash")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				if got := h.Hash(phone); got != want {
					t.Errorf("concurrent hash %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
