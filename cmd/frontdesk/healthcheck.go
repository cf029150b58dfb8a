package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// healthcheckTimeout bounds the probe: Docker's HEALTHCHECK kills a probe
// at its own timeout, and a process that takes longer to say it is alive
// is not healthy anyway.
const healthcheckTimeout = 2 * time.Second

// healthcheck asks the process listening on addr (FRONTDESK_ADDR; empty
// means the default) for GET /healthz and reports whether it answered 200.
// It exists because the distroless image has no shell or curl: the image's
// HEALTHCHECK runs `frontdesk -healthcheck` instead. A wildcard listen host
// (0.0.0.0, ::, empty) is reached on the loopback interface.
func healthcheck(ctx context.Context, addr string, timeout time.Duration) error {
	if addr == "" {
		addr = config.DefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("read %s: %w", config.EnvAddr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("build health request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("get %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("get %s: status %d", url, resp.StatusCode)
	}
	return nil
}
