package gctune

import (
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// cgroupMemoryMax is cgroup v2's memory limit of this process's group.
const cgroupMemoryMax = "/sys/fs/cgroup/memory.max"

// Floor is the heap floor to use for a configured one: no more than half
// the Go memory limit (GOMEMLIMIT) when one is set, and no more than a
// quarter of the container's memory limit when the cgroup has one, so that
// a floor sized for a large node cannot push a small pod over its limit.
func Floor(configured uint64) uint64 {
	return capFloor(configured, debug.SetMemoryLimit(-1), cgroupLimit(cgroupMemoryMax))
}

// capFloor is Floor with the limits given: memLimit math.MaxInt64 and
// cgroup 0 mean none.
func capFloor(configured uint64, memLimit int64, cgroup uint64) uint64 {
	floor := configured
	if memLimit > 0 && memLimit < math.MaxInt64 {
		floor = min(floor, uint64(memLimit)/2)
	}
	if cgroup > 0 {
		floor = min(floor, cgroup/4)
	}
	return floor
}

// cgroupLimit reads a cgroup v2 memory.max file: its limit in bytes, or 0
// for "max", a missing file or anything unreadable.
func cgroupLimit(path string) uint64 {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
	if err != nil {
		return 0
	}
	return n
}
