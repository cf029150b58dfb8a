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
	"context"
	"errors"
	"io"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk-health/frontdesk/runtime/nodetest"
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
	log    *nodetest.Tail
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
		prism.log = &nodetest.Tail{Limit: 32 << 10}
		prism.url, prism.err = launch(prism.log)
		if prism.err == nil {
			folder, _ := dir()
			prism.arrays, prism.err = arrayFields(folder)
		}
	})
	return prism.err
}

func launch(log *nodetest.Tail) (string, error) {
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
		Dir: folder, Args: []string{"run.mjs"}, Log: log,
		Listening: func(line string) (string, bool) {
			_, url, ok := strings.Cut(line, "Prism is listening on ")
			return strings.TrimSpace(url), ok
		},
		Output: func(line string) {
			if !strings.Contains(line, "[CLI]") { // the start-up list of every route is noise
				log.Write([]byte(line + "\n"))
			}
		},
	})
	if err != nil {
		return "", err
	}
	prism.stdin = stdin
	return url, nil
}
