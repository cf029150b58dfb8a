// Command frontdesk-load measures a frontdesk process from the outside:
// it starts the server as a child process, sends it signed Twilio
// webhooks for many patients, receives its replies on a fake Twilio API and
// reports throughput, ack and end-to-end latency, errors and memory.
//
//	frontdesk-load run      [flags]   one run against the product (or --baseline)
//	frontdesk-load compare  [flags]   the baseline, then the product, same traffic; the ratio
//	frontdesk-load memory   [flags]   bytes per resident conversation
//	frontdesk-load startup  [flags]   time to ready with many stored conversations
//
// Run `frontdesk-load <command> -h` for the flags; docs/performance.md has
// the commands behind every published figure.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/frontdesk-health/frontdesk/cmd/frontdesk-load/loadgen"
)

// main runs the command and exits non-zero on error.
func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "frontdesk-load:", err)
		os.Exit(1)
	}
}

// commands maps each subcommand to its implementation.
var commands = map[string]func(ctx context.Context, args []string) error{
	"run":     runCommand,
	"compare": compareCommand,
	"memory":  memoryCommand,
	"startup": startupCommand,
	// baseline-server is the child process of a baseline run, not a
	// command for people.
	"baseline-server": func(ctx context.Context, _ []string) error { return loadgen.ServeBaseline(ctx, os.Getenv) },
}

// run dispatches to a subcommand; SIGINT and SIGTERM end it cleanly (the
// server is stopped and the run's data deleted).
func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: frontdesk-load run|compare|memory|startup [flags] (-h for the flags)")
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return fmt.Errorf("unknown command %q (want run, compare, memory or startup)", args[0])
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cmd(ctx, args[1:])
}
