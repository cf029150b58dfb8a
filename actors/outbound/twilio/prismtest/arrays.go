package prismtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// specPath is Twilio's description inside the npm package.
const specPath = "node_modules/@twilio/cli-core/src/services/twilio-api/twilio_api_v2010.json"

// arrayFields lists the form fields the description declares as arrays
// (MediaUrl, PersistentAction, ...).
//
// Twilio takes an array in a form body as repeated keys
// (MediaUrl=a&MediaUrl=b: "provide multiple media_url parameters"), which
// is also OpenAPI's default for form bodies (style form, explode true).
// Prism does not map repeated keys to an array: it keeps one string and
// then refuses it as "must be array" (stoplightio/prism issue 2473, fix
// proposed in pull request 2654, not in a release). It does read the
// bracket form MediaUrl[]=a&MediaUrl[]=b. So the proxy renames these
// fields to that form before Prism validates, and keeps the form as
// sent in Exchange.Form, where tests check the repeated keys themselves.
func arrayFields(folder string) (map[string]bool, error) {
	raw, err := os.ReadFile(filepath.Join(folder, specPath))
	if err != nil {
		return nil, fmt.Errorf("read twilio's description: %w", err)
	}
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("parse twilio's description: %w", err)
	}
	out := map[string]bool{}
	for _, item := range spec.Paths {
		for _, method := range []string{"post", "put", "patch"} {
			var op struct {
				RequestBody struct {
					Content map[string]struct {
						Schema struct {
							Properties map[string]struct {
								Type string `json:"type"`
							} `json:"properties"`
						} `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			if item[method] == nil {
				continue
			}
			if err := json.Unmarshal(item[method], &op); err != nil {
				return nil, fmt.Errorf("parse twilio's description: %w", err)
			}
			for name, p := range op.RequestBody.Content["application/x-www-form-urlencoded"].Schema.Properties {
				if p.Type == "array" {
					out[name] = true
				}
			}
		}
	}
	return out, nil
}

// formKey carries the form as sent from the proxy's rewrite to its
// recording of the answer.
type formKey struct{}

// adapt renames array fields of a form body for Prism (see arrayFields)
// and returns the request carrying the form as sent.
func adapt(r *http.Request, arrays map[string]bool) (*http.Request, error) {
	if r.Body == nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return r, nil
	}
	raw, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return r, fmt.Errorf("read form: %w", err)
	}
	sent, err := url.ParseQuery(string(raw))
	if err != nil {
		r.Body = io.NopCloser(bytes.NewReader(raw)) // Prism judges a malformed body itself
		return r, nil
	}
	out := url.Values{}
	for k, v := range sent {
		if arrays[k] {
			k += "[]"
		}
		out[k] = v
	}
	body := out.Encode()
	r.Body = io.NopCloser(strings.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return r.WithContext(context.WithValue(r.Context(), formKey{}, sent)), nil
}

// sentForm is the form a request was sent with, or nil.
func sentForm(r *http.Request) url.Values {
	f, _ := r.Context().Value(formKey{}).(url.Values)
	return f
}
