package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Process is a server (the product or the baseline) running as a child
// process, listening on Addr.
type Process struct {
	cmd     *exec.Cmd
	Addr    string
	Started time.Time // just before exec
	Ready   time.Time // first /readyz answered 200
	stderr  *tailBuffer
	exited  chan struct{}
	waitErr error
}

// Spec says how to start a server.
type Spec struct {
	Bin  string
	Args []string
	// Env is the whole environment of the child (nothing is inherited but
	// PATH and HOME), so a variable set in the caller's shell cannot change
	// what is measured.
	Env map[string]string
	// ReadyTimeout bounds the wait for /readyz; default 30 s.
	ReadyTimeout time.Duration
}

// Start execs the server and waits until GET /readyz answers 200. Addr is
// read from FRONTDESK_ADDR in the spec's environment.
func Start(ctx context.Context, spec Spec) (*Process, error) {
	addr := spec.Env["FRONTDESK_ADDR"]
	if addr == "" {
		return nil, errors.New("start server: FRONTDESK_ADDR is not set")
	}
	p := &Process{Addr: addr, stderr: &tailBuffer{max: 64 << 10}, exited: make(chan struct{})}
	p.cmd = exec.Command(spec.Bin, spec.Args...)
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range spec.Env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout = p.stderr
	p.cmd.Stderr = p.stderr
	p.Started = time.Now()
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server %s: %w", spec.Bin, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	timeout := spec.ReadyTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	if err := p.waitReady(ctx, timeout); err != nil {
		_ = p.Kill()
		return nil, fmt.Errorf("start server: %w; its output ends with:\n%s", err, p.Output())
	}
	return p, nil
}

// waitReady polls /readyz until 200, the process exits or timeout passes.
func (p *Process) waitReady(ctx context.Context, timeout time.Duration) error {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(timeout)
	url := "http://" + p.Addr + "/readyz"
	for {
		res, err := client.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				p.Ready = time.Now()
				return nil
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("server exited before it was ready: %v", p.waitErr)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server not ready after %s", timeout)
		}
	}
}

// Pid is the child's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Kill sends SIGKILL and waits for the process to be gone.
func (p *Process) Kill() error {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("kill server: %w", err)
	}
	<-p.exited
	return nil
}

// Stop sends SIGTERM and waits up to timeout for a graceful exit, then
// kills. It reports a non-zero exit.
func (p *Process) Stop(timeout time.Duration) error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop server: %w", err)
	}
	select {
	case <-p.exited:
	case <-time.After(timeout):
		_ = p.Kill()
		return fmt.Errorf("stop server: still running %s after SIGTERM; killed", timeout)
	}
	if p.waitErr != nil {
		return fmt.Errorf("stop server: %w; its output ends with:\n%s", p.waitErr, p.Output())
	}
	return nil
}

// Output is the end of what the server wrote to stdout and stderr.
func (p *Process) Output() string { return p.stderr.String() }

// Memory is a process's resident memory from /proc/<pid>/status.
type Memory struct {
	RSS int64 `json:"rss_bytes"` // VmRSS: resident now
	HWM int64 `json:"hwm_bytes"` // VmHWM: the peak resident size
}

// Memory reads the child's VmRSS and VmHWM.
func (p *Process) Memory() (Memory, error) { return ReadMemory(p.Pid()) }

// ReadMemory reads VmRSS and VmHWM of pid (Linux only).
func ReadMemory(pid int) (Memory, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return Memory{}, fmt.Errorf("read process memory: %w", err)
	}
	var m Memory
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		fields := strings.Fields(rest) // "123456 kB"
		if len(fields) != 2 || fields[1] != "kB" {
			return Memory{}, fmt.Errorf("read process memory: unexpected %s line", name)
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return Memory{}, fmt.Errorf("read process memory: %s: %w", name, err)
		}
		if name == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.HWM = kb << 10
		}
	}
	return m, nil
}

// FreeAddr returns a loopback address with a port free right now.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

// Write appends p, dropping the oldest bytes beyond max.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// String is what the buffer holds.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
