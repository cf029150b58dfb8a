// Package v1test holds the native API (/v1) to its document,
// docs/openapi.yaml: a test client that validates every request it sends
// and every answer it gets against the document, so that a test of the API
// is also a test that the document tells an integrator the truth. Tests of
// http/emrapi use it on the handler; runtime/e2e uses it on the running
// process.
package v1test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Doc is the loaded document with a router over its paths and the error
// codes its Error schema lists, with their statuses.
type Doc struct {
	T      *openapi3.T
	Router routers.Router
	// Codes maps each documented error code to its HTTP status.
	Codes map[string]int
}

var (
	loadOnce sync.Once
	loaded   *Doc
	loadErr  error
)

// Load reads docs/openapi.yaml (found from the working directory
// upwards), checks that it is a valid OpenAPI document (examples and
// formats included) and returns it. It is read once per test binary.
func Load() (*Doc, error) {
	loadOnce.Do(func() { loaded, loadErr = load() })
	return loaded, loadErr
}

func load() (*Doc, error) {
	// kin-openapi knows no "uri" format: an absolute URL with a scheme
	// and a host is what the API means by it.
	openapi3.DefineStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
		u, err := url.Parse(s)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return errors.New("not an absolute URL")
		}
		return nil
	}))
	path, err := find("docs/openapi.yaml")
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableSchemaFormatValidation(), openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("%s is not a valid OpenAPI document: %w", path, err)
	}
	// Route by path alone: the documented server is an example host.
	bare := *doc
	bare.Servers = nil
	router, err := legacy.NewRouter(&bare)
	if err != nil {
		return nil, fmt.Errorf("route %s: %w", path, err)
	}
	codes, err := errorCodes(doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Doc{T: doc, Router: router, Codes: codes}, nil
}

// codeRow is a row of the Error schema's table: | `code` | status | ... |
var codeRow = regexp.MustCompile("(?m)^\\| `([a-z_]+)` \\| ([0-9]{3}) \\|")

// errorCodes reads the table of codes in the Error schema's description.
func errorCodes(doc *openapi3.T) (map[string]int, error) {
	s := doc.Components.Schemas["Error"]
	if s == nil || s.Value == nil {
		return nil, errors.New("no Error schema")
	}
	codes := map[string]int{}
	for _, m := range codeRow.FindAllStringSubmatch(s.Value.Description, -1) {
		status, _ := strconv.Atoi(m[2])
		if _, dup := codes[m[1]]; dup {
			return nil, fmt.Errorf("error code %s is listed twice", m[1])
		}
		codes[m[1]] = status
	}
	if len(codes) == 0 {
		return nil, errors.New("the Error schema lists no codes")
	}
	return codes, nil
}

// find looks for rel in the working directory and its parents.
func find(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find %s: %w", rel, err)
	}
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("find %s: not in any parent of the working directory", rel)
		}
		dir = parent
	}
}
