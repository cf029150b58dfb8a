package prismtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/frontdesk-health/frontdesk/runtime/nodetest"
)

// Server is one test's view of Prism: a recording proxy in front of the
// shared Prism process.
type Server struct {
	// URL is the base URL to give the twilio client or
	// TWILIO_API_BASE_URL.
	URL string

	log       *nodetest.Tail
	mu        sync.Mutex
	exchanges []Exchange
}

// Exchange is one request Prism answered.
type Exchange struct {
	Method, Path string
	// Form is the request's form body as sent, before the proxy adapted
	// it for Prism (see arrayFields).
	Form   url.Values
	Status int
	// Violations is Prism's sl-violations header: what in the request
	// (or in its own answer) does not match the description.
	Violations string
	// Problem is the body of an answer of 400 or more (Prism's problem
	// JSON lists the violations there under --errors).
	Problem string
}

// Start returns a Server in front of this test binary's Prism, starting
// it (and running npm ci) when needed. Without node and npm the test is
// skipped with a loud message, or failed when the CI variable is set.
func Start(t testing.TB) *Server {
	t.Helper()
	if msg := nodeMissing(); msg != "" {
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if err := shared(); err != nil {
		t.Fatalf("start prism: %v", err)
	}
	base, err := url.Parse(prism.url)
	if err != nil {
		t.Fatalf("prism url %q: %v", prism.url, err)
	}
	s := &Server{log: prism.log}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(base)
			if out, err := adapt(r.Out, prism.arrays); err == nil {
				r.Out = out
			}
		},
		ModifyResponse: s.record,
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// record keeps what Prism said about one request.
func (s *Server) record(res *http.Response) error {
	ex := Exchange{Method: res.Request.Method, Path: res.Request.URL.Path, Form: sentForm(res.Request),
		Status: res.StatusCode, Violations: res.Header.Get("sl-violations")}
	if res.StatusCode >= 400 {
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		ex.Problem = string(body)
		res.Body = io.NopCloser(bytes.NewReader(body))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.exchanges = append(s.exchanges, ex)
	return nil
}

// Exchanges returns the requests Prism answered through this Server.
func (s *Server) Exchanges() []Exchange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Exchange(nil), s.exchanges...)
}

// Violations describes every exchange Prism found at fault: an answer of
// 400 or more, or an sl-violations header.
func (s *Server) Violations() []string {
	var out []string
	for _, ex := range s.Exchanges() {
		if ex.Status >= 400 || ex.Violations != "" {
			out = append(out, fmt.Sprintf("%s %s: status %d, sl-violations %q, %s", ex.Method, ex.Path, ex.Status, ex.Violations, ex.Problem))
		}
	}
	return out
}

// Check fails t when Prism found a violation, or when no request reached
// it at all (a check that saw nothing proves nothing).
func (s *Server) Check(t testing.TB) {
	t.Helper()
	if len(s.Exchanges()) == 0 {
		t.Errorf("no request reached Prism")
	}
	if v := s.Violations(); len(v) > 0 {
		t.Errorf("Twilio's OpenAPI description refuses %d request(s):\n%s\nPrism's log:\n%s",
			len(v), strings.Join(v, "\n"), s.log.String())
	}
}

// nodeMissing says what is missing to run Prism, or "".
func nodeMissing() string {
	var missing []string
	for _, bin := range []string{"node", "npm"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("!!! TWILIO CONTRACT CHECK NOT RUN: %s not on PATH. Install Node.js 20+ and npm (apt-get install nodejs npm) "+
		"to check requests against Twilio's OpenAPI description with Prism !!!", strings.Join(missing, " and "))
}
