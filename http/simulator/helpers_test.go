package simulator

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// submitter is a fake Options.Submit that records the forms it gets.
type submitter struct {
	mu     sync.Mutex
	forms  []url.Values
	status int
	err    error
}

func (s *submitter) submit(_ context.Context, form url.Values) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forms = append(s.forms, form)
	if s.status == 0 {
		return http.StatusOK, s.err
	}
	return s.status, s.err
}

func (s *submitter) got() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.forms...)
}

// testHospitals are a demo hospital and a file-configured one.
func testHospitals() []config.Hospital {
	return []config.Hospital{
		config.DemoHospital(),
		{Code: "abc", Name: "ABC Hospital", Sender: "whatsapp:+14155550100", EMR: config.EMR{Kind: config.EMRKindRESTAPI}},
	}
}

// harness is a running simulator on a loopback server.
type harness struct {
	srv  *httptest.Server
	h    *handlers
	sub  *submitter
	sink *Sink
}

// newHarness serves the simulator's routes; opts fills in what the test
// does not set. PublicURL is the server's own URL.
func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	if opts.Sink == nil {
		opts.Sink = NewSink()
	}
	return serve(t, opts)
}

// newHarnessNoSink serves the simulator as it runs when Twilio sends the
// replies: no sink.
func newHarnessNoSink(t *testing.T, opts Options) *harness {
	t.Helper()
	return serve(t, opts)
}

func serve(t *testing.T, opts Options) *harness {
	t.Helper()
	e := gin.New()
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	hs := &harness{srv: srv, sub: &submitter{}}
	if opts.Submit == nil {
		opts.Submit = hs.sub.submit
	}
	if opts.Hospitals == nil {
		opts.Hospitals = testHospitals()
	}
	opts.PublicURL = srv.URL + "/"
	hs.sink = opts.Sink
	hs.h = newHandlers(opts)
	for _, r := range hs.h.routes() {
		e.Handle(r.Method, r.Path, r.Handler)
	}
	return hs
}

// postJSON posts v (or a raw string) and decodes the JSON answer.
func (hs *harness) postJSON(t *testing.T, path string, v any) (int, map[string]any) {
	t.Helper()
	var body []byte
	if s, ok := v.(string); ok {
		body = []byte(s)
	} else {
		var err error
		body, err = json.Marshal(v)
		require.NoError(t, err)
	}
	res, err := http.Post(hs.srv.URL+path, "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	return decode(t, res)
}

// upload posts data as the multipart "file" field.
func (hs *harness) upload(t *testing.T, data []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", "upload.bin")
	require.NoError(t, err)
	_, err = fw.Write(data)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	res, err := http.Post(hs.srv.URL+"/simulator/media", mw.FormDataContentType(), &buf)
	require.NoError(t, err)
	return decode(t, res)
}

// get fetches a URL and returns status, content type and body.
func get(t *testing.T, u string) (int, string, []byte) {
	t.Helper()
	res, err := http.Get(u)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, res.Header.Get("Content-Type"), body
}

func decode(t *testing.T, res *http.Response) (int, map[string]any) {
	t.Helper()
	defer res.Body.Close()
	out := map[string]any{}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out), "answer must be JSON")
	return res.StatusCode, out
}

// Small valid files of each accepted type, as http.DetectContentType
// recognises them by their first bytes.
var (
	pngFile  = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	jpegFile = append([]byte("\xff\xd8\xff\xe0"), make([]byte, 64)...)
	gifFile  = append([]byte("GIF89a"), make([]byte, 64)...)
	pdfFile  = []byte("%PDF-1.4\n%fake\n")
)
