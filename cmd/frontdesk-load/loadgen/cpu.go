package loadgen

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux the tool runs on).
const clockTick = 10 * time.Millisecond

// ProcessCPU reads the CPU time (user + system) pid has used so far.
func ProcessCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("read process cpu: %w", err)
	}
	// The command name (field 2) may hold spaces: count from the ')'.
	s := string(raw)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, fmt.Errorf("read process cpu: malformed stat")
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("read process cpu: malformed stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("read process cpu: malformed stat")
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// selfCPU is the CPU time this process (the load tool) has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// redisCPU is the CPU time the Redis server has used (INFO cpu), or 0.
func redisCPU(ctx context.Context, url string) time.Duration {
	r, err := OpenRedis(ctx, url, "")
	if err != nil {
		return 0
	}
	defer r.Close()
	info, err := r.Client.Info(ctx, "cpu").Result()
	if err != nil {
		return 0
	}
	var total float64
	for _, line := range strings.Split(info, "\n") {
		name, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && (name == "used_cpu_sys" || name == "used_cpu_user") {
			x, _ := strconv.ParseFloat(v, 64)
			total += x
		}
	}
	return time.Duration(total * float64(time.Second))
}

// cpuMeter measures the CPU the server, Redis and the load tool use
// between start and stop.
type cpuMeter struct {
	pid                 int
	redisURL            string
	server, redis, tool time.Duration
}

// startCPU reads the CPU counters of the server (pid), Redis (when
// redisURL is set) and this process, to be compared at stop.
func startCPU(ctx context.Context, pid int, redisURL string) *cpuMeter {
	m := &cpuMeter{pid: pid, redisURL: redisURL}
	m.server, _ = ProcessCPU(pid)
	if redisURL != "" {
		m.redis = redisCPU(ctx, redisURL)
	}
	m.tool = selfCPU()
	return m
}

// CPU is the CPU each party used during a run.
type CPU struct {
	Server time.Duration `json:"server_ns"`
	Redis  time.Duration `json:"redis_ns"` // all of Redis's work, whoever asked
	Tool   time.Duration `json:"tool_ns"`  // the load tool: senders and fake Twilio
}

// stop returns the CPU each party used since startCPU.
func (m *cpuMeter) stop(ctx context.Context) CPU {
	var c CPU
	if s, err := ProcessCPU(m.pid); err == nil {
		c.Server = s - m.server
	}
	if m.redisURL != "" {
		c.Redis = redisCPU(ctx, m.redisURL) - m.redis
	}
	c.Tool = selfCPU() - m.tool
	return c
}
