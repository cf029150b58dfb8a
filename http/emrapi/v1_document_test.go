package emrapi

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/http/emrapi/v1test"
)

// TestV1DocumentMatchesRouteTable: docs/openapi.yaml is a valid OpenAPI
// document (examples included) and documents exactly the routes the API
// serves, under the same operation ids.
func TestV1DocumentMatchesRouteTable(t *testing.T) {
	doc, err := v1test.Load()
	require.NoError(t, err)
	var documented, served []string
	for path, item := range doc.T.Paths.Map() {
		for method, op := range item.Operations() {
			documented = append(documented, method+" "+path+" "+op.OperationID)
		}
	}
	for _, r := range (&API{}).v1Table() {
		served = append(served, r.method+" "+r.pattern+" "+r.name)
	}
	slices.Sort(documented)
	slices.Sort(served)
	assert.Equal(t, served, documented)
	for _, code := range []string{"malformed_json", "unknown_field", "invalid_type", "idempotency_key_reused", "request_in_progress", "no_such_route", "unavailable"} {
		assert.Contains(t, doc.Codes, code)
	}
}

// TestV1UnknownRoutes: paths and methods under /v1 that the API does not
// have are answered 404 and 405 in the API's error shape.
func TestV1UnknownRoutes(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{http.MethodGet, "/v1/nope", http.StatusNotFound, "no_such_route", ""},
		{http.MethodPost, "/v1/reminders/r1/snooze", http.StatusNotFound, "no_such_route", ""},
		{http.MethodGet, "/v1/reminders//x", http.StatusNotFound, "no_such_route", ""},
		{http.MethodGet, "/v1/messages", http.StatusMethodNotAllowed, "method_not_allowed", "POST"},
		{http.MethodPut, "/v1/reminders/r1", http.StatusMethodNotAllowed, "method_not_allowed", "GET, PATCH, DELETE"},
		{http.MethodDelete, "/v1/reminders", http.StatusMethodNotAllowed, "method_not_allowed", "POST, GET"},
	}
	for _, c := range cases {
		res := f.client.Do(req(c.method, c.path, nil))
		assert.Equal(t, c.status, res.Status, "%s %s", c.method, c.path)
		assert.Equal(t, c.code, res.Error.Code, "%s %s", c.method, c.path)
		if c.allow != "" {
			assert.Equal(t, c.allow, res.Header.Get("Allow"))
		}
		assert.Error(t, res.RequestErr, "the document has no %s %s either", c.method, c.path)
	}
	f.requireUnchanged(t, "unknown routes")
	assert.True(t, strings.HasPrefix(f.client.Do(req(http.MethodGet, "/v1/nope", nil)).Header.Get("Content-Type"), "application/json"))
}
