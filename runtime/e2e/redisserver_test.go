package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// redisServer is a private redis-server that a test stops, freezes and
// restarts under the process, on a port of its own. It keeps its data in
// an append-only file synced on every write, so a restart on the same
// directory finds everything a killed server had acknowledged.
type redisServer struct {
	t    *testing.T
	bin  string
	port int
	dir  string
	url  string
	cmd  *exec.Cmd
}

// startRedisServer starts a private redis-server from PATH. Without one the
// test is skipped, or fails when CI=true (CI must run it).
func startRedisServer(t *testing.T) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "redis-server is not on PATH: the store outage tests need a Redis of their own to stop"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &redisServer{t: t, bin: bin, port: port, dir: t.TempDir(), url: fmt.Sprintf("redis://127.0.0.1:%d/0", port)}
	s.start()
	t.Cleanup(s.kill)
	return s
}

// start runs the server (again) on its port and data directory and waits
// until it answers.
func (s *redisServer) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--appendonly", "yes", "--appendfsync", "always", "--maxmemory-policy", "noeviction")
	s.cmd.Dir = s.dir
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	c := redisClient(s.t, s.url)
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.kill()
			s.t.Fatalf("redis-server on port %d does not answer within 10 s: %v", s.port, err)
		}
		<-time.After(20 * time.Millisecond) // polling the new server with a deadline
	}
}

// kill ends the server at once, as a crash would.
func (s *redisServer) kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGCONT) // a frozen server must be able to die
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// freeze stops the server's process without closing its connections: it
// accepts bytes and answers nothing, as a hung Redis does.
func (s *redisServer) freeze() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		s.t.Fatalf("freeze redis-server: %v", err)
	}
}

// thaw lets a frozen server run again; it then runs every command it
// received meanwhile.
func (s *redisServer) thaw() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		s.t.Fatalf("thaw redis-server: %v", err)
	}
}
