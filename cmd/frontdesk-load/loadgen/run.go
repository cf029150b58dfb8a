package loadgen

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// Label names what a target runs, for reports.
func (t Target) Label() string {
	if t.Baseline {
		return "baseline (net/http)"
	}
	return "frontdesk (" + string(t.Store) + ")"
}

// prepare gives the target what one run needs (a key, a fresh prefix or
// data directory) and returns the clean-up to call after it.
func (t *Target) prepare(ctx context.Context) (cleanup func(), err error) {
	if t.Baseline {
		return func() {}, nil
	}
	var undo []func()
	cleanup = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	if t.Senders > 1 || t.SendRate > 0 {
		dir, err := os.MkdirTemp("", "frontdesk-load-config-")
		if err != nil {
			return nil, fmt.Errorf("make config directory: %w", err)
		}
		undo = append(undo, func() { _ = os.RemoveAll(dir) })
		if t.ConfigPath, err = WriteHospitals(dir, t.Hospitals(), t.SendRate); err != nil {
			cleanup()
			return nil, err
		}
	}
	if t.EncryptionKey == "" {
		if t.EncryptionKey, err = NewKey(); err != nil {
			return nil, err
		}
	}
	if t.Store == StoreEmbedded {
		if t.DataDir, err = os.MkdirTemp("", "frontdesk-load-"); err != nil {
			cleanup()
			return nil, fmt.Errorf("make data directory: %w", err)
		}
		dir := t.DataDir
		undo = append(undo, func() { _ = os.RemoveAll(dir) })
		return cleanup, nil
	}
	if t.RedisURL == "" {
		t.RedisURL = DefaultRedisURL
	}
	t.Prefix = NewPrefix()
	r, err := OpenRedis(ctx, t.RedisURL, t.Prefix)
	if err != nil {
		cleanup()
		return nil, err
	}
	undo = append(undo, func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if _, err := r.Cleanup(cctx); err != nil {
			slog.Warn("delete the run's redis keys", "prefix", r.Prefix, "err", err)
		}
		r.Close()
	})
	return cleanup, nil
}

// Run starts the target with a fresh store, sends the load, and reports.
// The server is stopped with SIGTERM and the run's data deleted.
func Run(ctx context.Context, t Target, l Load) (rep Report, err error) {
	if err := l.check(); err != nil {
		return Report{}, err
	}
	cleanup, err := t.prepare(ctx)
	if err != nil {
		return Report{}, err
	}
	defer cleanup()
	d := newDriver(l, t.Baseline, t.Hospitals())
	sink, err := StartSink(AccountSID, AuthToken, d.onReply)
	if err != nil {
		return Report{}, err
	}
	defer func() { err = errors.Join(err, sink.Close()) }()
	addr, err := FreeAddr()
	if err != nil {
		return Report{}, err
	}
	proc, err := Start(ctx, t.Spec(addr, sink.URL()))
	if err != nil {
		return Report{}, err
	}
	redisURL := ""
	if !t.Baseline && t.Store == StoreRedis {
		redisURL = t.RedisURL
	}
	meter := startCPU(ctx, proc.Pid(), redisURL)
	d.drive(ctx, "http://"+addr)
	cpu := meter.stop(ctx)
	mem, merr := proc.Memory()
	serr := proc.Stop(30 * time.Second)
	rep = d.report(t.Label())
	rep.Server = mem
	rep.CPU = cpu
	rep.SinkRefused = sink.Refused()
	rep.WebhookConns, rep.SinkConns = d.poster.Dials(), sink.Conns()
	rep.LoadAvg = loadAvg()
	return rep, errors.Join(merr, serr)
}

// loadAvg is the 1-minute load average (0 when it cannot be read).
func loadAvg() float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	_, _ = fmt.Sscan(string(raw), &l)
	return l
}
