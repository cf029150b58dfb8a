package fhirtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk-health/frontdesk/runtime/nodetest"
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
	if err := nodetest.Modules(ctx, folder); err != nil {
		return "", err
	}
	url, stdin, err := nodetest.Start(ctx, nodetest.Server{
		Dir: folder, Args: []string{"server.mjs", "--port", "0", "--exit-with-stdin"}, Log: &nodetest.Tail{},
		Listening: func(line string) (string, bool) { return strings.CutPrefix(line, "listening ") },
	})
	if err != nil {
		return "", err
	}
	node.stdin = stdin
	if err := waitReady(ctx, url); err != nil {
		return "", err
	}
	return url, nil
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
