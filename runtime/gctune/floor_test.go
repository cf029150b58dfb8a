package gctune

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestCapFloor(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		name     string
		memLimit int64
		cgroup   uint64
		want     uint64
	}{
		{"no limits", math.MaxInt64, 0, 256 * mib},
		{"GOMEMLIMIT 400MiB: half of it", 400 * mib, 0, 200 * mib},
		{"a 512Mi pod: a quarter of it", math.MaxInt64, 512 * mib, 128 * mib},
		{"both: the lower", 400 * mib, 2048 * mib, 200 * mib},
		{"limits far above: as configured", 8192 * mib, 16384 * mib, 256 * mib},
	} {
		if got := capFloor(256*mib, c.memLimit, c.cgroup); got != c.want {
			t.Errorf("%s: %d MiB, want %d MiB", c.name, got/mib, c.want/mib)
		}
	}
}

func TestCgroupLimit(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if got := cgroupLimit(write("limited", "536870912\n")); got != 512<<20 {
		t.Errorf("limited: %d", got)
	}
	if got := cgroupLimit(write("unlimited", "max\n")); got != 0 {
		t.Errorf("max: %d, want 0", got)
	}
	if got := cgroupLimit(filepath.Join(dir, "missing")); got != 0 {
		t.Errorf("missing file: %d, want 0", got)
	}
}
