package emrapi

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// v1Call is one authenticated /v1 request: its hospital (the key's
// owner), the path parameters and the body, already read.
type v1Call struct {
	gin      *gin.Context
	hospital *config.Hospital
	params   map[string]string
	body     []byte
}

// v1Handler does the work of a route and returns the status and the value
// to answer as JSON (nil for no body), or an error to answer as /v1 errors
// are answered.
type v1Handler func(ctx context.Context, call *v1Call) (int, any, error)

// v1Route is one row of the /v1 route table. Pattern segments in braces
// match any one non-empty path segment, named by the braces.
type v1Route struct {
	method, pattern string
	name            string // the operationId in docs/openapi.yaml; the metric's route label
	handle          v1Handler
}

// v1Table is the native API, route by route, as docs/openapi.yaml
// documents it.
func (a *API) v1Table() []v1Route {
	return []v1Route{
		{http.MethodPost, "/v1/messages", "sendMessage", a.sendMessage},
		{http.MethodGet, "/v1/messages/{id}", "getMessage", a.getMessage},
		{http.MethodPost, "/v1/reminders", "scheduleReminder", a.scheduleReminder},
		{http.MethodGet, "/v1/reminders", "listReminders", a.listReminders},
		{http.MethodGet, "/v1/reminders/{id}", "getReminder", a.getReminder},
		{http.MethodPatch, "/v1/reminders/{id}", "updateReminder", a.updateReminder},
		{http.MethodDelete, "/v1/reminders/{id}", "cancelReminder", a.cancelReminder},
		{http.MethodPost, "/v1/appointments/{id}/confirm-video", "confirmVideoAppointment", a.confirmVideoAppointment},
	}
}

// V1Routes is the native API's part of the process's route table: one
// catch-all under /v1 per method, dispatched by v1Table, so that unknown
// routes and methods under /v1 are answered in the API's own error shape
// (gin allows no catch-all beside the routes themselves).
func (a *API) V1Routes() []server.Route {
	d := &v1Dispatcher{api: a, table: a.v1Table()}
	var out []server.Route
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		out = append(out, server.Route{Method: m, Path: "/v1/*path", Handler: d.serve})
	}
	return out
}

// v1Dispatcher finds a request's row of the table.
type v1Dispatcher struct {
	api   *API
	table []v1Route
}

// match returns the route for method and path with its parameters, or
// nil and the methods the path allows (none: no such route). One trailing
// slash is ignored.
func (d *v1Dispatcher) match(method, path string) (*v1Route, map[string]string, []string) {
	if len(path) > len("/v1/") {
		path = strings.TrimSuffix(path, "/")
	}
	var allowed []string
	for i := range d.table {
		r := &d.table[i]
		params, ok := matchPattern(r.pattern, path)
		if !ok {
			continue
		}
		if r.method == method {
			return r, params, nil
		}
		if !slices.Contains(allowed, r.method) {
			allowed = append(allowed, r.method)
		}
	}
	return nil, nil, allowed
}

// matchPattern matches path against a pattern segment by segment.
func matchPattern(pattern, path string) (map[string]string, bool) {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range ps {
		if name, ok := strings.CutPrefix(p, "{"); ok {
			if xs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[strings.TrimSuffix(name, "}")] = xs[i]
			continue
		}
		if p != xs[i] {
			return nil, false
		}
	}
	return params, true
}
