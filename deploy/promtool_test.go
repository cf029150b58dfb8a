package deploy

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// promtool returns the path of promtool (Debian package "prometheus").
// Without it the test fails under CI=true (.ci/run installs it) and is
// skipped, loudly, on a developer's machine.
func promtool(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("promtool not found: CI must install Debian's prometheus package (.ci/run does)")
	}
	msg := "promtool not found: SKIPPING the Prometheus rule and metric checks; install it with `apt-get install prometheus`"
	// t.Skip alone is silent without -v; this line shows in every run.
	fmt.Fprintln(os.Stderr, "deploy: "+msg)
	t.Skip(msg)
	return ""
}

// runPromtool runs promtool with args (and stdin when non-empty) from
// this directory and returns its combined output; a non-zero exit fails
// the test with that output.
func runPromtool(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	bin := promtool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "promtool %s:\n%s", strings.Join(args, " "), out)
	return string(out)
}

// TestPromtoolCheckRules: Prometheus itself accepts the rules file.
func TestPromtoolCheckRules(t *testing.T) {
	runPromtool(t, "", "check", "rules", "prometheus/alerts.yaml")
}

// TestPromtoolTestRules: the alert unit tests pass: each alert fires on
// its failure and not on the look-alikes.
func TestPromtoolTestRules(t *testing.T) {
	runPromtool(t, "", "test", "rules", "prometheus/alerts_test.yaml")
}
