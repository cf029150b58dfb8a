package deploy

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// buildFrontdesk compiles cmd/frontdesk into a temporary directory.
func buildFrontdesk(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "frontdesk")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append(args, "./cmd/frontdesk")...)
	cmd.Dir = repoRoot
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build ./cmd/frontdesk:\n%s", out)
	return bin
}

// TestImageHealthcheck runs the Dockerfile's HEALTHCHECK command line
// against the real binary: healthy when /healthz answers 200 on the port
// of FRONTDESK_ADDR, unhealthy (exit 1) when it answers otherwise or
// nothing listens.
func TestImageHealthcheck(t *testing.T) {
	stages := parseDockerfile(t, string(readRepoFile(t, "deploy/Dockerfile")))
	argv := healthcheckArgv(t, stages[len(stages)-1])
	bin := buildFrontdesk(t)

	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer healthy.Close()
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	require.NoError(t, ln.Close())

	_, port, err := net.SplitHostPort(healthy.Listener.Addr().String())
	require.NoError(t, err)
	tests := []struct {
		name string
		addr string
		exit int
	}{
		{"healthy, wildcard address as in the image", "0.0.0.0:" + port, 0},
		{"answers 503", sick.Listener.Addr().String(), 1},
		{"nothing listening", closed, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, argv[1:]...)
			cmd.Env = append(os.Environ(), "FRONTDESK_ADDR="+tc.addr)
			out, err := cmd.CombinedOutput()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tc.exit, code, "exit code; output:\n%s", out)
		})
	}
}
