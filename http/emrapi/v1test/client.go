package v1test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Client calls the API, either a handler in memory (Handler set) or a
// server (Base set), with Key as its bearer key, and checks each exchange
// against the document: a response that the document does not describe
// (an undocumented status, a body that does not match its schema, an error
// code missing from the table or listed with another status) fails the
// test. Whether the request itself conforms is reported, not enforced, so
// that tests of bad input can check that the document refuses it too.
type Client struct {
	T       testing.TB
	Doc     *Doc
	Handler http.Handler
	Base    string
	Key     string
}

// New returns a client for handler (or, when handler is nil, the server
// at base) that sends key.
func New(t testing.TB, handler http.Handler, base, key string) *Client {
	t.Helper()
	doc, err := Load()
	if err != nil {
		t.Fatalf("openapi document: %v", err)
	}
	return &Client{T: t, Doc: doc, Handler: handler, Base: base, Key: key}
}

// Request is one call. Body is sent as it is when it is a string or
// []byte and encoded as JSON otherwise; nil sends none. Header entries
// replace the defaults (Authorization from the client's key, Content-Type
// application/json with a body); an empty value removes the header.
type Request struct {
	Method string
	Path   string // with the query
	Body   any
	Header map[string]string
}

// Response is what came back.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Error is the decoded error answer (zero for success).
	Error ErrorDetail
	// RequestErr says why the request does not conform to the document
	// (nil when it does).
	RequestErr error
}

// ErrorDetail is the "error" object of an error answer.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// JSON decodes the body into v, failing the test when it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode answer %d %s: %v", r.Status, r.Body, err)
	}
}

// Do sends r and checks the exchange against the document.
func (c *Client) Do(r Request) *Response {
	c.T.Helper()
	body := encode(c.T, r.Body)
	req := c.newRequest(r, body)
	res := &Response{RequestErr: c.validateRequest(req, body)}
	c.send(c.newRequest(r, body), res)
	c.checkResponse(req, body, res)
	return res
}

func encode(t testing.TB, b any) []byte {
	switch b := b.(type) {
	case nil:
		return nil
	case string:
		return []byte(b)
	case []byte:
		return b
	}
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatalf("encode request body: %v", err)
	}
	return raw
}

func (c *Client) newRequest(r Request, body []byte) *http.Request {
	c.T.Helper()
	base := c.Base
	if base == "" {
		base = "http://frontdesk.test"
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(r.Method, base+r.Path, rd)
	if err != nil {
		c.T.Fatalf("build request %s %s: %v", r.Method, r.Path, err)
	}
	if c.Key != "" {
		req.Header.Set("Authorization", "Bearer "+c.Key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.Header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return req
}

func (c *Client) send(req *http.Request, res *Response) {
	c.T.Helper()
	if c.Handler != nil {
		rec := httptest.NewRecorder()
		c.Handler.ServeHTTP(rec, req)
		res.Status, res.Header, res.Body = rec.Code, rec.Header(), rec.Body.Bytes()
		return
	}
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer hr.Body.Close()
	b, err := io.ReadAll(hr.Body)
	if err != nil {
		c.T.Fatalf("%s %s: read answer: %v", req.Method, req.URL.Path, err)
	}
	res.Status, res.Header, res.Body = hr.StatusCode, hr.Header, b
}

// options validate formats too, and take any bearer key as authenticated
// (the document cannot know the keys; the server decides).
func options() *openapi3filter.Options {
	return &openapi3filter.Options{
		IncludeResponseStatus:   true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()},
		AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
				return fmt.Errorf("no bearer key")
			}
			return nil
		},
	}
}

// findRoute is the router's FindRoute, less its leniency: a path
// parameter never matches an empty segment.
func (c *Client) findRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := c.Doc.Router.FindRoute(req)
	if err != nil {
		return nil, nil, err
	}
	for name, v := range params {
		if v == "" {
			return nil, nil, fmt.Errorf("path parameter %s is empty", name)
		}
	}
	return route, params, nil
}

func (c *Client) validateRequest(req *http.Request, body []byte) error {
	route, params, err := c.findRoute(req)
	if err != nil {
		return fmt.Errorf("no documented route: %w", err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: options()}
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return openapi3filter.ValidateRequest(context.Background(), in)
}

// checkResponse fails the test when the answer is not what the document
// describes for the request.
func (c *Client) checkResponse(req *http.Request, reqBody []byte, res *Response) {
	c.T.Helper()
	what := fmt.Sprintf("%s %s answered %d %s", req.Method, req.URL.RequestURI(), res.Status, res.Body)
	if res.Status >= 400 {
		var e struct {
			Error ErrorDetail `json:"error"`
		}
		if err := json.Unmarshal(res.Body, &e); err != nil {
			c.T.Errorf("%s: not an error object: %v", what, err)
		}
		res.Error = e.Error
		if status, ok := c.Doc.Codes[e.Error.Code]; !ok || status != res.Status {
			c.T.Errorf("%s: the document's Error table does not list code %q with status %d", what, e.Error.Code, res.Status)
		}
	}
	for status, header := range map[int]string{http.StatusUnauthorized: "WWW-Authenticate", http.StatusMethodNotAllowed: "Allow", http.StatusServiceUnavailable: "Retry-After"} {
		if res.Status == status && res.Header.Get(header) == "" {
			c.T.Errorf("%s: no %s header", what, header)
		}
	}
	route, params, err := c.findRoute(req)
	if err != nil {
		// A path or method the document does not have: answered as the
		// document's introduction says.
		if res.Status != http.StatusNotFound && res.Status != http.StatusMethodNotAllowed {
			c.T.Errorf("%s: an undocumented route must answer 404 or 405", what)
		}
		if err := c.Doc.T.Components.Schemas["Error"].Value.VisitJSON(decodeAny(res.Body)); err != nil {
			c.T.Errorf("%s: not the Error schema: %v", what, err)
		}
		return
	}
	if reqBody != nil {
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: options()}
	out := (&openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.Status, Header: res.Header, Options: options()}).SetBodyBytes(res.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.T.Errorf("%s: the document does not describe this answer: %v", what, err)
	}
	if res.Status == http.StatusNoContent && len(res.Body) != 0 {
		c.T.Errorf("%s: 204 with a body", what)
	}
}

func decodeAny(b []byte) any {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return string(b)
	}
	return v
}
