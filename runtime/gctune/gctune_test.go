package gctune

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		name        string
		live, floor uint64
		base, want  int
	}{
		{"small heap: goal raised to the floor", 32 * mib, 256 * mib, 100, 700},
		{"heap at half the floor: base reaches it", 128 * mib, 256 * mib, 100, 100},
		{"heap above the floor: base", 512 * mib, 256 * mib, 100, 100},
		{"a higher GOGC is kept", 64 * mib, 256 * mib, 400, 400},
		{"a nearly empty heap is capped", 1 * mib, 256 * mib, 100, maxPercent},
		{"no live heap measured yet", 0, 256 * mib, 100, 100},
	} {
		if got := Percent(c.live, c.floor, c.base); got != c.want {
			t.Errorf("%s: Percent(%d MiB, %d MiB, %d) = %d, want %d", c.name, c.live/mib, c.floor/mib, c.base, got, c.want)
		}
	}
}

// TestTunerFollowsCollections: with a floor far above this test's heap the
// tuner raises the percent after a collection, and Stop puts GOGC back.
func TestTunerFollowsCollections(t *testing.T) {
	base := debug.SetGCPercent(100)
	defer debug.SetGCPercent(base)
	tu := Start(1 << 30)
	if tu == nil {
		t.Fatal("Start with a floor returned no tuner")
	}
	deadline := time.Now().Add(10 * time.Second)
	for tu.Current() <= 100 {
		if time.Now().After(deadline) {
			t.Fatalf("percent still %d after collections; want it raised for a 1 GiB floor", tu.Current())
		}
		runtime.GC()
	}
	if got := debug.SetGCPercent(100); got != tu.Current() {
		t.Fatalf("runtime's percent %d, tuner's %d", got, tu.Current())
	}
	debug.SetGCPercent(tu.Current())
	tu.Stop()
	tu.Stop()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("after Stop the percent is %d, want GOGC's 100", got)
	}
}

// TestStartOff: no floor, or GOGC=off, means no tuning.
func TestStartOff(t *testing.T) {
	if Start(0) != nil {
		t.Fatal("a zero floor should not tune")
	}
	base := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(base)
	if Start(1<<30) != nil {
		t.Fatal("GOGC=off should not be tuned")
	}
	var nilTuner *Tuner
	nilTuner.Stop()
}
