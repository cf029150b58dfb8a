// Package prismtest checks frontdesk's Twilio requests against Twilio's
// own contract: it runs Prism (npm @stoplight/prism-cli) as a mock of
// Twilio's REST API serving Twilio's OpenAPI description of the
// 2010-04-01 API (twilio_api_v2010.json, shipped in npm @twilio/cli-core
// under src/services/twilio-api/), both pinned in this folder's
// package-lock.json. Prism validates every request against the
// description (parameters, formats, patterns, required fields, basic
// auth); started with --errors it answers a request that breaks it with
// 422 and the violations, instead of a mock answer.
//
// One Prism runs per test binary (npm ci first when node_modules is
// missing or stale); each Start puts a recording proxy of its own in
// front of it, so a test sees only its own requests. Point the twilio
// client (or TWILIO_API_BASE_URL) at Server.URL, send, then Check.
package prismtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"time"
)

// startTimeout bounds npm ci plus Prism's start-up (it indexes the whole
// 1.8 MB description first): generous, because `make test` runs many
// test binaries at once on two cores.
const startTimeout = 4 * time.Minute

// prism is the one Prism of this test binary.
var prism struct {
	once   sync.Once
	url    string
	err    error
	log    *lineLog
	arrays map[string]bool // see arrayFields
	// stdin is never closed: run.mjs stops Prism when this binary exits
	// and the pipe closes, even if it dies without cleanup.
	stdin io.WriteCloser
}

// dir is the folder holding run.mjs and the npm lock file.
func dir() (string, error) {
	_, file, _, ok := goruntime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the prismtest folder")
	}
	return filepath.Dir(file), nil
}

// shared starts Prism the first time it is needed.
func shared() error {
	prism.once.Do(func() {
		prism.log = &lineLog{}
		prism.url, prism.err = launch(prism.log)
		if prism.err == nil {
			folder, _ := dir()
			prism.arrays, prism.err = arrayFields(folder)
		}
	})
	return prism.err
}

func launch(log *lineLog) (string, error) {
	folder, err := dir()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := ensureModules(ctx, folder); err != nil {
		return "", err
	}
	cmd := exec.Command("node", "run.mjs")
	cmd.Dir = folder
	cmd.Stderr = log
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", fmt.Errorf("prism stdin: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", fmt.Errorf("prism stdout: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start prism (node run.mjs): %w", err)
	}
	prism.stdin = stdin
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if _, url, ok := strings.Cut(line, "Prism is listening on "); ok {
				select {
				case listening <- strings.TrimSpace(url):
				default:
				}
				continue
			}
			if !strings.Contains(line, "[CLI]") { // the start-up list of every route is noise
				log.Write([]byte(line + "\n"))
			}
		}
	}()
	select {
	case url := <-listening:
		return url, nil
	case err := <-exited:
		return "", fmt.Errorf("prism exited before listening (%v): %s", err, log.tail())
	case <-ctx.Done():
		return "", fmt.Errorf("prism did not listen within %s: %s", startTimeout, log.tail())
	}
}

// ensureModules runs `npm ci` when node_modules does not hold what
// package-lock.json pins. Test binaries of several packages may start at
// once, so the check and the install run under a file lock.
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
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in %s: %w\n%s", folder, err, out)
	}
	return nil
}

// modulesFresh reports whether every package the lock file pins is
// installed at its version.
func modulesFresh(folder string) (bool, error) {
	raw, err := os.ReadFile(filepath.Join(folder, "package-lock.json"))
	if err != nil {
		return false, fmt.Errorf("read package-lock.json: %w", err)
	}
	var lock struct {
		Packages map[string]struct {
			Version  string `json:"version"`
			Optional bool   `json:"optional"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(raw, &lock); err != nil {
		return false, fmt.Errorf("parse package-lock.json: %w", err)
	}
	for path, want := range lock.Packages {
		if path == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(folder, path, "package.json"))
		if err != nil {
			if want.Optional && errors.Is(err, os.ErrNotExist) {
				continue // another platform's build (fsevents, ...)
			}
			return false, nil
		}
		var got struct {
			Version string `json:"version"`
		}
		if json.Unmarshal(b, &got) != nil || got.Version != want.Version {
			return false, nil
		}
	}
	return true, nil
}

// lineLog keeps the last lines Prism printed, for failure messages.
type lineLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if over := l.buf.Len() - 32<<10; over > 0 {
		l.buf.Next(over)
	}
	return len(p), nil
}

func (l *lineLog) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
