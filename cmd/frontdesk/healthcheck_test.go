package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHealthcheck: the image's HEALTHCHECK passes only when the process at
// FRONTDESK_ADDR answers /healthz with 200, and fails fast otherwise.
func TestHealthcheck(t *testing.T) {
	var (
		mu      sync.Mutex // the handler runs on the server's goroutines
		gotPath string
		status  int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		gotPath = r.URL.Path
		w.WriteHeader(status)
	}))
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)

	// A port nothing listens on: take one and release it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	require.NoError(t, ln.Close())

	tests := []struct {
		name   string
		addr   string
		status int
		ok     bool
	}{
		{"healthy", "127.0.0.1:" + port, http.StatusOK, true},
		{"wildcard listen address is reached on loopback", "0.0.0.0:" + port, http.StatusOK, true},
		{"empty host is reached on loopback", ":" + port, http.StatusOK, true},
		{"unhealthy status", "127.0.0.1:" + port, http.StatusServiceUnavailable, false},
		{"nothing listening", closed, http.StatusOK, false},
		{"address without port", "127.0.0.1", http.StatusOK, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			status, gotPath = tc.status, ""
			mu.Unlock()
			err := healthcheck(context.Background(), tc.addr, healthcheckTimeout)
			if tc.ok {
				require.NoError(t, err)
				mu.Lock()
				defer mu.Unlock()
				assert.Equal(t, "/healthz", gotPath)
			} else {
				require.Error(t, err)
			}
		})
	}
}

// TestHealthcheckTimeout: a process that hangs is reported unhealthy
// within the timeout instead of hanging the probe.
func TestHealthcheckTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	begin := time.Now()
	err := healthcheck(context.Background(), srv.Listener.Addr().String(), 100*time.Millisecond)
	require.Error(t, err)
	assert.Less(t, time.Since(begin), 2*time.Second)
}
