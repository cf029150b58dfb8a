package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"github.com/frontdesk-health/frontdesk/cmd/frontdesk-load/loadgen"
	"github.com/frontdesk-health/frontdesk/cmd/frontdesk-load/loadgen/startup"
)

// progress logs what a long measurement is doing, on stderr.
var progress = slog.New(slog.NewTextHandler(os.Stderr, nil))

// memoryCommand measures the memory of resident conversations.
func memoryCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("memory", flag.ContinueOnError)
	cfg := loadgen.DefaultMemoryConfig()
	var c common
	fs.StringVar(&c.serverBin, "server-bin", "bin/frontdesk", "the frontdesk binary to run (make load-bin builds it)")
	fs.StringVar(&c.redisURL, "redis-url", envOr("REDIS_URL", loadgen.DefaultRedisURL), "Redis for the product")
	fs.BoolVar(&c.embedded, "embedded", false, "run the product on the embedded store instead of Redis")
	fs.BoolVar(&c.asJSON, "json", false, "print the report as JSON")
	c.registerSenders(fs)
	fs.IntVar(&cfg.Conversations, "conversations", cfg.Conversations, "conversations to keep resident")
	fs.StringVar(&cfg.Message, "message", cfg.Message, "what each patient sends ({code} is its hospital's code)")
	fs.IntVar(&cfg.RepliesEach, "replies-each", cfg.RepliesEach, "replies each message gets (to know when all are done)")
	fs.IntVar(&cfg.Concurrency, "concurrency", cfg.Concurrency, "webhooks in flight")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "conversations made before waiting for their replies")
	fs.DurationVar(&cfg.GCWait, "gc-wait", cfg.GCWait, "wait at most this long for the server's next garbage collection before each sample")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(c.serverBin); err != nil {
		return fmt.Errorf("--server-bin: %w (build it with make load-bin)", err)
	}
	cfg.Target = c.product()
	rep, err := loadgen.MeasureMemory(ctx, cfg, progress)
	if err != nil {
		return err
	}
	if c.asJSON {
		return writeJSON(rep)
	}
	return rep.WriteText(os.Stdout)
}

// startupCommand measures start-up time with many stored conversations.
func startupCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("startup", flag.ContinueOnError)
	cfg := startup.DefaultConfig()
	var c common
	fs.StringVar(&c.serverBin, "server-bin", "bin/frontdesk", "the frontdesk binary to run (make load-bin builds it)")
	fs.StringVar(&c.redisURL, "redis-url", envOr("REDIS_URL", loadgen.DefaultRedisURL), "Redis to seed and run on (a prefix of its own, deleted at the end)")
	fs.BoolVar(&c.asJSON, "json", false, "print the report as JSON")
	fs.IntVar(&cfg.Conversations, "conversations", cfg.Conversations, "conversations to store before starting")
	fs.IntVar(&cfg.Writers, "writers", cfg.Writers, "goroutines seeding")
	fs.IntVar(&cfg.Runs, "runs", cfg.Runs, "starts to time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(c.serverBin); err != nil {
		return fmt.Errorf("--server-bin: %w (build it with make load-bin)", err)
	}
	cfg.Target = c.product()
	rep, err := startup.Measure(ctx, cfg, progress)
	if err != nil {
		return err
	}
	if c.asJSON {
		return writeJSON(rep)
	}
	return rep.WriteText(os.Stdout)
}
