package main

import (
	"context"
	"encoding/json"
	"flag"
	"os"

	"github.com/frontdesk-health/frontdesk/cmd/frontdesk-load/loadgen"
)

// runCommand is one run against the product, or the baseline.
func runCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c common
	c.register(fs)
	useBaseline := fs.Bool("baseline", false, "run the bare net/http baseline instead of the product")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t := c.product()
	if *useBaseline {
		var err error
		if t, err = baseline(); err != nil {
			return err
		}
		s, err := loadgen.ScenarioNamed(c.scenario)
		if err != nil {
			return err
		}
		c.load.Scenario = s
	} else if err := c.resolve(); err != nil {
		return err
	}
	stop, err := c.profile()
	if err != nil {
		return err
	}
	rep, err := loadgen.Run(ctx, t, c.load)
	stop()
	if err != nil {
		return err
	}
	if c.asJSON {
		return writeJSON(rep)
	}
	return loadgen.WriteText(os.Stdout, rep)
}

// compareCommand runs the baseline and the product with the same traffic.
func compareCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	var c common
	c.register(fs)
	half := fs.Bool("half", false, "then run the product open loop at half its throughput, for the ack latency there")
	rounds := fs.Int("rounds", 1, "baseline/product rounds, alternating; the ratio reported is their median")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := c.resolve(); err != nil {
		return err
	}
	base, err := baseline()
	if err != nil {
		return err
	}
	stop, err := c.profile()
	if err != nil {
		return err
	}
	defer stop()
	cmp, err := loadgen.Compare(ctx, base, c.product(), c.load, *rounds, *half)
	if err != nil {
		return err
	}
	if c.asJSON {
		return writeJSON(cmp)
	}
	return cmp.WriteText(os.Stdout)
}

// writeJSON prints v as indented JSON on stdout.
func writeJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
