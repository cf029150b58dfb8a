package fhirtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"time"
)

// startTimeout bounds npm ci plus the server's start-up (it indexes the
// FHIR definitions first): generous, because `make test` runs many test
// binaries at once on two cores.
const startTimeout = 3 * time.Minute

// node is the one Node server of this test binary. Every Start shares
// it with a tenant of its own, so a suite pays for one start-up (about a
// second of indexing) instead of one per test.
var node struct {
	once sync.Once
	url  string // http://127.0.0.1:PORT
	err  error
	// stdin is never closed: the server exits when this binary does and
	// the pipe closes (--exit-with-stdin), even if it dies without cleanup.
	stdin io.WriteCloser
}

// dir is the folder holding server.mjs and the npm lock file.
func dir() (string, error) {
	_, file, _, ok := goruntime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the fhirtest folder")
	}
	return filepath.Dir(file), nil
}

// shared starts the Node server the first time it is needed and returns
// its address.
func shared() (string, error) {
	node.once.Do(func() {
		node.url, node.err = launch()
	})
	return node.url, node.err
}

func launch() (string, error) {
	folder, err := dir()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := ensureModules(ctx, folder); err != nil {
		return "", err
	}
	cmd := exec.Command("node", "server.mjs", "--port", "0", "--exit-with-stdin")
	cmd.Dir = folder
	var stderr tail
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", fmt.Errorf("node stdin: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", fmt.Errorf("node stdout: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start node server.mjs: %w", err)
	}
	node.stdin = stdin
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if url, ok := strings.CutPrefix(sc.Text(), "listening "); ok {
				lines <- url
			}
		}
	}()
	select {
	case url := <-lines:
		if err := waitReady(ctx, url); err != nil {
			return "", err
		}
		return url, nil
	case err := <-exited:
		return "", fmt.Errorf("node server.mjs exited before listening (%v): %s", err, stderr.String())
	case <-ctx.Done():
		return "", fmt.Errorf("node server.mjs did not listen within %s: %s", startTimeout, stderr.String())
	}
}

// waitReady polls the capability statement until the server answers.
func waitReady(ctx context.Context, base string) error {
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/fhir/R4/metadata", nil)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the FHIR server at %s does not answer GET /fhir/R4/metadata: %v", base, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// ensureModules runs `npm ci` when node_modules is missing or does not
// hold what package-lock.json pins. Test binaries of several packages may
// start at once, so the check and the install run under a file lock.
func ensureModules(ctx context.Context, folder string) error {
	unlock, err := lockFolder(folder)
	if err != nil {
		return err
	}
	defer unlock()
	if fresh, err := modulesFresh(folder); err != nil || fresh {
		return err
	}
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = folder
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("npm ci in %s: %w\n%s", folder, err, out)
	}
	return nil
}

// modulesFresh reports whether every package the lock file pins is
// installed at its pinned version.
func modulesFresh(folder string) (bool, error) {
	raw, err := os.ReadFile(filepath.Join(folder, "package-lock.json"))
	if err != nil {
		return false, fmt.Errorf("read package-lock.json: %w", err)
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(raw, &lock); err != nil {
		return false, fmt.Errorf("parse package-lock.json: %w", err)
	}
	for path, p := range lock.Packages {
		if path == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(folder, path, "package.json"))
		if err != nil {
			return false, nil
		}
		var installed struct {
			Version string `json:"version"`
		}
		if json.Unmarshal(b, &installed) != nil || installed.Version != p.Version {
			return false, nil
		}
	}
	return true, nil
}

// tail keeps the last few kilobytes of the server's standard error, for
// the message when it fails to start.
type tail struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if over := t.buf.Len() - 8<<10; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}
