package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/frontdesk-health/frontdesk/cmd/frontdesk-load/loadgen"
)

// common holds the flags every traffic command takes.
type common struct {
	serverBin   string
	redisURL    string
	embedded    bool
	scenario    string
	asJSON      bool
	load        loadgen.Load
	passivation string
	serverEnv   envFlags
	cpuProfile  string
	senders     int
	sendRate    int
}

// envFlags collects repeated NAME=value flags.
type envFlags map[string]string

// String prints the variables, for the flag package.
func (e *envFlags) String() string { return fmt.Sprint(map[string]string(*e)) }

// Set adds one NAME=value.
func (e *envFlags) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=value, got %q", v)
	}
	if *e == nil {
		*e = envFlags{}
	}
	(*e)[name] = value
	return nil
}

// register adds the common flags to fs.
func (c *common) register(fs *flag.FlagSet) {
	c.load = loadgen.DefaultLoad()
	fs.StringVar(&c.serverBin, "server-bin", "bin/frontdesk", "the frontdesk binary to run (make load-bin builds it)")
	fs.StringVar(&c.redisURL, "redis-url", envOr("REDIS_URL", loadgen.DefaultRedisURL), "Redis for the product; each run uses its own key prefix and deletes it")
	fs.BoolVar(&c.embedded, "embedded", false, "run the product on the embedded store (a temporary data directory) instead of Redis")
	fs.StringVar(&c.scenario, "scenario", "hello", "what patients send: hello (one reply each, no EMR) or browse (registration, then the menu)")
	fs.BoolVar(&c.asJSON, "json", false, "print the report as JSON")
	fs.IntVar(&c.load.Patients, "patients", c.load.Patients, "distinct patient numbers")
	fs.IntVar(&c.load.Concurrency, "concurrency", c.load.Concurrency, "webhooks in flight at most (closed loop)")
	fs.Float64Var(&c.load.Rate, "rate", 0, "messages per second, open loop (overrides --concurrency)")
	fs.DurationVar(&c.load.Warmup, "warmup", c.load.Warmup, "traffic before the measured window")
	fs.DurationVar(&c.load.Duration, "duration", c.load.Duration, "the measured window")
	fs.DurationVar(&c.load.Drain, "drain", c.load.Drain, "wait at most this long for the last replies")
	fs.DurationVar(&c.load.TurnTimeout, "turn-timeout", c.load.TurnTimeout, "give up on a patient whose reply has not come in this time")
	fs.StringVar(&c.passivation, "passivate-after", "", "FRONTDESK_PASSIVATE_AFTER for the server (default: the product's)")
	c.registerSenders(fs)
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write the load tool's own CPU profile here (to check the tool is not the bottleneck)")
	fs.Var(&c.serverEnv, "server-env", "NAME=value added to the server's environment (repeatable), e.g. FRONTDESK_COMMIT_MAX_WAIT=1ms")
}

// Default sender flags: a measurement of the machine, not of WhatsApp's
// per-sender limit. One sender at the product's default send_rate (80/s)
// would cap replies at 80 per second; 16 senders at the highest send_rate
// (1000/s; each reaches about 600/s on this machine, see
// docs/performance.md) keep the rate limit out of the figures.
const (
	defaultSenders  = 16
	defaultSendRate = 1000
)

// registerSenders adds --senders and --send-rate to fs.
func (c *common) registerSenders(fs *flag.FlagSet) {
	fs.IntVar(&c.senders, "senders", defaultSenders, "hospitals on senders of their own (copies of the demo hospital); patients are spread over them; 1 with --send-rate 0 is the built-in demo hospital")
	fs.IntVar(&c.sendRate, "send-rate", defaultSendRate, "each sender's send_rate in messages/s (1-1000; 0: the product's default, 80)")
}

// resolve fills what the flags imply.
func (c *common) resolve() error {
	s, err := loadgen.ScenarioNamed(c.scenario)
	if err != nil {
		return err
	}
	c.load.Scenario = s
	if _, err := os.Stat(c.serverBin); err != nil {
		return fmt.Errorf("--server-bin: %w (build it with make load-bin)", err)
	}
	return nil
}

// product is the product target the flags describe.
func (c *common) product() loadgen.Target {
	t := loadgen.Target{ServerBin: c.serverBin, Store: loadgen.StoreRedis, RedisURL: c.redisURL,
		Senders: c.senders, SendRate: c.sendRate}
	if c.embedded {
		t.Store = loadgen.StoreEmbedded
	}
	t.Extra = map[string]string{}
	for k, v := range c.serverEnv {
		t.Extra[k] = v
	}
	if c.passivation != "" {
		t.Extra["FRONTDESK_PASSIVATE_AFTER"] = c.passivation
	}
	return t
}

// baseline is the baseline target: this binary's baseline-server command.
func baseline() (loadgen.Target, error) {
	self, err := os.Executable()
	if err != nil {
		return loadgen.Target{}, fmt.Errorf("find this binary for the baseline: %w", err)
	}
	return loadgen.Target{Baseline: true, BaselineBin: self, BaselineArgs: []string{"baseline-server"}}, nil
}

// envOr is the variable name, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// profile starts the load tool's own CPU profile when asked; the returned
// function stops it.
func (c *common) profile() (stop func(), err error) {
	if c.cpuProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(c.cpuProfile)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
