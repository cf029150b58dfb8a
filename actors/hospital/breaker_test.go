package hospital

import (
	"testing"
	"time"
)

func TestBreakerOpensAfterThresholdAndRecovers(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := breaker{threshold: 3, openFor: 30 * time.Second}
	for i := 0; i < 2; i++ {
		if !b.allow(now) || b.record(now, true) {
			t.Fatalf("failure %d: breaker should stay closed", i+1)
		}
	}
	if !b.allow(now) || !b.record(now, true) || !b.open() {
		t.Fatal("third consecutive failure should open the breaker")
	}
	if b.allow(now.Add(29 * time.Second)) {
		t.Fatal("calls must fail fast while open")
	}
	later := now.Add(31 * time.Second)
	if !b.allow(later) {
		t.Fatal("one trial call is allowed after the open period")
	}
	if b.allow(later) {
		t.Fatal("only one trial call at a time")
	}
	if b.record(later, true); !b.open() || b.allow(later.Add(time.Second)) {
		t.Fatal("a failed trial reopens the breaker")
	}
	again := later.Add(31 * time.Second)
	if !b.allow(again) || !b.record(again, false) || b.open() {
		t.Fatal("a successful trial closes the breaker")
	}
}

func TestBreakerSuccessResetsCount(t *testing.T) {
	now := time.Now()
	b := breaker{threshold: 2, openFor: time.Minute}
	b.record(now, true)
	b.record(now, false)
	b.record(now, true)
	if b.open() {
		t.Fatal("failures separated by a success must not open the breaker")
	}
}
