// Package fhirtest runs a real FHIR R4 server for tests: Medplum's
// @medplum/fhir-router over its in-memory repository, wrapped in a small
// Node HTTP server (server.mjs in this folder, npm versions pinned in
// package-lock.json), seeded with a small hospital (seed.json).
//
// Start gives each test an isolated server: the Node process is started
// once per test binary (npm ci first when node_modules is missing or
// stale) and every Start gets a tenant of its own, with its own data,
// faults and request log, dropped at the test's cleanup. The process ends
// with the test binary. Without node and npm on the PATH, Start skips the
// test with a loud message, or fails it when CI is set.
package fhirtest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Server is one test's FHIR server.
type Server struct {
	t     testing.TB
	admin string // http://127.0.0.1:PORT/t/NAME/admin
	base  string // http://127.0.0.1:PORT/t/NAME/fhir/R4
	seed  Seeded
}

// Option tunes Start.
type Option func(*options)

type options struct {
	today time.Time
	zone  *time.Location
	empty bool
}

// Today anchors the seed: slots run for seven days from t's date in the
// hospital's zone, records date back from it. Default: now.
func Today(t time.Time) Option { return func(o *options) { o.today = t } }

// Zone is the hospital's time zone, in which OPD hours are written.
// Default Asia/Kolkata.
func Zone(loc *time.Location) Option { return func(o *options) { o.zone = loc } }

// Empty starts without the seed.
func Empty() Option { return func(o *options) { o.empty = true } }

// Start returns a seeded FHIR server for this test and drops it at
// cleanup.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	requireNode(t)
	o := options{today: time.Now(), zone: kolkata()}
	for _, opt := range opts {
		opt(&o)
	}
	root, err := shared()
	if err != nil {
		t.Fatalf("fhirtest: %v", err)
	}
	name := newTenant()
	s := &Server{t: t, admin: root + "/t/" + name + "/admin", base: root + "/t/" + name + "/fhir/R4"}
	t.Cleanup(func() { s.call(http.MethodDelete, s.admin+"/tenant", nil, nil) })
	if !o.empty {
		tpl, err := template(root, o.today, o.zone)
		if err != nil {
			t.Fatalf("fhirtest: seed: %v", err)
		}
		s.call(http.MethodPost, s.admin+"/clone", map[string]string{"from": tpl.tenant}, nil)
		s.seed = tpl.seeded
	}
	return s
}

// requireNode skips (or, under CI, fails) the test when node or npm is
// missing, saying so loudly: a silently skipped suite reads as a pass.
func requireNode(t testing.TB) {
	t.Helper()
	msg, fail := nodeMissing(os.Getenv("CI") != "")
	switch {
	case msg == "":
	case fail:
		t.Fatal(msg)
	default:
		t.Skip(msg)
	}
}

// nodeMissing says what is missing to run the Node server ("" when
// nothing) and whether that fails the test (under CI) or skips it.
func nodeMissing(ci bool) (msg string, fail bool) {
	var missing []string
	for _, bin := range []string{"node", "npm"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	if len(missing) == 0 {
		return "", false
	}
	return fmt.Sprintf("!!! FHIR TESTS NOT RUN: %s not on PATH. Install Node.js 20+ and npm (apt-get install nodejs npm) to test the FHIR adapter against a real FHIR server !!!",
		strings.Join(missing, " and ")), ci
}

// newTenant is a fresh tenant name.
func newTenant() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// URL is the FHIR base URL (no trailing slash), what emr.base_url takes.
func (s *Server) URL() string { return s.base }

// Seeded describes what the seed filed, for assertions.
func (s *Server) Seeded() Seeded { return s.seed }

// FaultMode is how a faulted request fails.
type FaultMode string

// The ways a request can be made to fail.
const (
	// Error answers HTTP 500 (or Fault.Status) with an OperationOutcome.
	Error FaultMode = "error"
	// Hang never answers; the client's timeout ends the request.
	Hang FaultMode = "hang"
	// Outcome answers HTTP 422 (or Fault.Status) with an OperationOutcome
	// whose diagnostics hold patient data, which must never be logged.
	Outcome FaultMode = "outcome"
)

// Fault makes the next Count FHIR requests that match Method and Resource
// fail. Empty Method or Resource match any; Resource is the first path
// segment ("Slot", "Patient"), "Bundle" for a batch or transaction.
type Fault struct {
	Mode     FaultMode `json:"mode"`
	Count    int       `json:"count,omitempty"` // default 1
	Method   string    `json:"method,omitempty"`
	Resource string    `json:"resource,omitempty"`
	Status   int       `json:"status,omitempty"`
	Issues   []Issue   `json:"issue,omitempty"` // Outcome: the issues to answer
}

// Issue is one OperationOutcome issue a fault answers with.
type Issue struct {
	Severity    string `json:"severity"`
	Code        string `json:"code"`
	Diagnostics string `json:"diagnostics,omitempty"`
}

// Fail adds a fault.
func (s *Server) Fail(f Fault) {
	s.t.Helper()
	s.call(http.MethodPost, s.admin+"/fault", f, nil)
}

// ClearFaults removes every fault not yet used up.
func (s *Server) ClearFaults() {
	s.t.Helper()
	s.call(http.MethodDelete, s.admin+"/fault", nil, nil)
}

// Request is one FHIR request the server got.
type Request struct {
	Method string `json:"method"`
	Path   string `json:"path"`   // relative to the base, with the query
	Status int    `json:"status"` // -1: hung
	Auth   string `json:"auth"`   // the Authorization header
}

// Resource is the resource type the request's path names ("Bundle" for
// the base).
func (r Request) Resource() string {
	p, _, _ := strings.Cut(r.Path, "?")
	first, _, _ := strings.Cut(p, "/")
	if first == "" {
		return "Bundle"
	}
	return first
}

// Requests lists the FHIR requests served so far, oldest first; reads
// and writes made through Read, Search and Put are not among them.
func (s *Server) Requests() []Request {
	s.t.Helper()
	var out []Request
	s.call(http.MethodGet, s.admin+"/requests", nil, &out)
	return out
}

// Count is how many requests matched method and resource ("" matches
// any).
func (s *Server) Count(method, resource string) int {
	s.t.Helper()
	n := 0
	for _, r := range s.Requests() {
		if (method == "" || r.Method == method) && (resource == "" || r.Resource() == resource) {
			n++
		}
	}
	return n
}

// Read returns a resource, or nil when there is none.
func (s *Server) Read(resourceType, id string) map[string]any {
	s.t.Helper()
	var out map[string]any
	if status := s.fhir(http.MethodGet, resourceType+"/"+id, nil, &out); status == http.StatusNotFound {
		return nil
	}
	return out
}

// Search returns the resources a search matches (not those it includes).
func (s *Server) Search(resourceType string, query url.Values) []map[string]any {
	s.t.Helper()
	var b struct {
		Entry []struct {
			Resource map[string]any `json:"resource"`
			Search   struct {
				Mode string `json:"mode"`
			} `json:"search"`
		} `json:"entry"`
	}
	s.fhir(http.MethodGet, resourceType+"?"+query.Encode(), nil, &b)
	var out []map[string]any
	for _, e := range b.Entry {
		if e.Search.Mode != "include" {
			out = append(out, e.Resource)
		}
	}
	return out
}

// Put creates or replaces a resource (its id is required).
func (s *Server) Put(resource map[string]any) {
	s.t.Helper()
	s.fhir(http.MethodPut, fmt.Sprintf("%s/%s", resource["resourceType"], resource["id"]), resource, nil)
}

// fhir makes a FHIR request that is neither logged nor faulted; it fails
// the test on anything but 2xx and 404, and returns the status.
func (s *Server) fhir(method, path string, body, out any) int {
	s.t.Helper()
	return s.do(method, s.base+"/"+path, body, out, true)
}

// call makes an admin request and fails the test on anything but 2xx.
func (s *Server) call(method, u string, body, out any) {
	s.t.Helper()
	if status := s.do(method, u, body, out, false); status == http.StatusNotFound {
		s.t.Fatalf("fhirtest: %s %s: not found", method, u)
	}
}

func (s *Server) do(method, u string, body, out any, quiet bool) int {
	s.t.Helper()
	status, err := exchange(method, u, body, out, quiet)
	if err != nil {
		s.t.Fatalf("fhirtest: %v", err)
	}
	return status
}

// exchange makes one request to the Node server; anything but 2xx and
// 404 is an error. quiet requests are neither logged nor faulted.
func exchange(method, u string, body, out any, quiet bool) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, fmt.Errorf("encode: %w", err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/fhir+json")
	if quiet {
		req.Header.Set("X-Fhirtest-Admin", "1")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, u, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode == http.StatusNotFound {
		return res.StatusCode, nil
	}
	if res.StatusCode/100 != 2 {
		return 0, fmt.Errorf("%s %s: HTTP %d %s", method, u, res.StatusCode, raw)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return 0, fmt.Errorf("%s %s: decode: %w", method, u, err)
		}
	}
	return res.StatusCode, nil
}

// kolkata is Asia/Kolkata, or its fixed offset without a zone database.
func kolkata() *time.Location {
	if loc, err := time.LoadLocation("Asia/Kolkata"); err == nil {
		return loc
	}
	return time.FixedZone("IST", 5*60*60+30*60)
}
