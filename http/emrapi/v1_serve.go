package emrapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// answer is a /v1 response as sent (and as remembered for an
// Idempotency-Key): status and JSON body (empty for 204).
type answer struct {
	status int
	body   []byte
}

// serve runs one /v1 request: route, authenticate, read the body, honour
// Idempotency-Key, do the work, answer.
func (d *v1Dispatcher) serve(c *gin.Context) {
	a := d.api
	r, params, allowed := d.match(c.Request.Method, c.Request.URL.Path)
	name := "v1_unmatched"
	var ans answer
	switch {
	case r == nil && len(allowed) == 0:
		ans = a.errorAnswer(c, name, fail(http.StatusNotFound, "no_such_route", "", "no such route"))
	case r == nil:
		c.Header("Allow", strings.Join(allowed, ", "))
		ans = a.errorAnswer(c, name, fail(http.StatusMethodNotAllowed, "method_not_allowed", "", "method not allowed; allowed: %s", strings.Join(allowed, ", ")))
	default:
		name = r.name
		ans = a.run(c, r, params)
	}
	a.write(c, ans)
	a.opts.Metrics.APIRequests.WithLabelValues(name, strconv.Itoa(ans.status)).Inc()
}

// run authenticates and reads the call, then does its work under its
// Idempotency-Key when it has one.
func (a *API) run(c *gin.Context, r *v1Route, params map[string]string) answer {
	call, err := a.v1Request(c, params)
	if err != nil {
		return a.errorAnswer(c, r.name, err)
	}
	work := func() answer {
		status, out, err := r.handle(c.Request.Context(), call)
		if err != nil {
			return a.errorAnswer(c, r.name, err)
		}
		return jsonAnswer(status, out)
	}
	if r.method == http.MethodGet {
		return work()
	}
	return a.idempotent(c, call, work)
}

// v1Request authenticates the caller, checks that the store can take the
// call and reads a JSON body of at most maxBody bytes.
func (a *API) v1Request(c *gin.Context, params map[string]string) (*v1Call, error) {
	h, err := a.opts.Keys.hospital(c)
	if err != nil {
		return nil, authError(c, err)
	}
	if a.opts.Available != nil {
		if err := a.opts.Available(); err != nil {
			return nil, unavailable("temporarily unavailable", err)
		}
	}
	call := &v1Call{gin: c, hospital: h, params: params}
	req := c.Request
	if req.Method == http.MethodGet || req.Method == http.MethodDelete {
		return call, nil // no body: a DELETE's is ignored
	}
	if ct, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		return nil, fail(http.StatusUnsupportedMediaType, "unsupported_media_type", "", "Content-Type must be application/json")
	}
	call.body, err = io.ReadAll(http.MaxBytesReader(c.Writer, req.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, fail(http.StatusRequestEntityTooLarge, "body_too_large", "", "body larger than %d bytes", maxBody)
		}
		return nil, fail(http.StatusBadRequest, "malformed_json", "", "body could not be read")
	}
	return call, nil
}

// authError gives Keys.hospital's refusal its code: no bearer key at all,
// a key that is not any hospital's, or an inactive hospital's.
func authError(c *gin.Context, err error) error {
	ae := asAPIError(err)
	if ae.http.Status == http.StatusUnauthorized {
		scheme, key, _ := strings.Cut(c.GetHeader("Authorization"), " ")
		if strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(key) != "" {
			ae.code = "invalid_api_key"
		} else {
			ae.code = "missing_api_key"
		}
	}
	return ae
}

// errorAnswer renders err, logging our own failures (never the request).
func (a *API) errorAnswer(c *gin.Context, route string, err error) answer {
	ae := asAPIError(err)
	if ae.http.Status >= 500 {
		c.Header("Retry-After", "5")
		a.opts.Logger.Error("emr api call failed", "component", "emrapi", "route", route, "err", err)
	}
	return jsonAnswer(ae.http.Status, errorBody{Error: errorDetail{Code: ae.code, Message: ae.http.Message, Field: ae.field}})
}

// jsonAnswer encodes out; a nil out answers no body.
func jsonAnswer(status int, out any) answer {
	if out == nil {
		return answer{status: status}
	}
	b, err := json.Marshal(out)
	if err != nil {
		// Only our own types are encoded here: a failure is a bug.
		b, _ = json.Marshal(errorBody{Error: errorDetail{Code: "internal", Message: "internal error"}})
		return answer{status: http.StatusInternalServerError, body: b}
	}
	return answer{status: status, body: b}
}

// write sends ans.
func (a *API) write(c *gin.Context, ans answer) {
	if len(ans.body) == 0 {
		c.Status(ans.status)
		c.Writer.WriteHeaderNow()
		return
	}
	c.Data(ans.status, "application/json; charset=utf-8", ans.body)
}
