package emrapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/http/server"
)

// maxBody bounds an API request body.
const maxBody = 64 << 10

// decode reads a JSON object of string-ish values into a map. For the PHP
// bot's EMRs, a form body is read the same way. Numbers are accepted and
// kept as their text; nested objects are refused.
func decode(c *gin.Context) (map[string]string, error) {
	r := c.Request
	r.Body = http.MaxBytesReader(c.Writer, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" || ct == "multipart/form-data" {
		// ParseMultipartForm hides ParseForm's errors (a body over the
		// limit reads as an empty form), so url-encoded bodies use ParseForm.
		var err error
		if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(maxBody)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return nil, bodyError(err)
		}
		out := map[string]string{}
		for k, v := range r.PostForm {
			out[k] = v[0]
		}
		return out, nil
	}
	var raw map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, bodyError(err)
	}
	if dec.More() {
		return nil, server.Errorf(http.StatusBadRequest, "body must be one JSON object")
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch v := v.(type) {
		case string:
			out[k] = v
		case json.Number:
			out[k] = v.String()
		case bool:
			out[k] = fmt.Sprint(v)
		case nil:
		default:
			return nil, server.Errorf(http.StatusBadRequest, "field %q must be a string", k)
		}
	}
	return out, nil
}

func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return server.Errorf(http.StatusRequestEntityTooLarge, "body larger than %d bytes", maxBody)
	}
	return &server.Error{Status: http.StatusBadRequest, Message: "body is not a JSON object", Err: err}
}

// required returns a trimmed field or a 400 naming it.
func required(f map[string]string, name string) (string, error) {
	v := strings.TrimSpace(f[name])
	if v == "" {
		return "", server.Errorf(http.StatusBadRequest, "field %q is required", name)
	}
	return v, nil
}
