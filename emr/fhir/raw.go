package fhir

import (
	"encoding/json"
	"errors"
	"strings"
)

// raw is a resource exactly as the server sent it. Updates change a field
// or two of it and send it back, so that extensions, identifiers and
// every other field this package has no struct for are kept.
type raw struct {
	fields  map[string]json.RawMessage
	version string // meta.versionId, else the ETag's
}

var errNotResource = errors.New("answer is not a FHIR resource")

// parseRaw reads a resource; etag is the response's ETag header, used
// when the resource carries no meta.versionId.
func parseRaw(body []byte, etag string) (raw, error) {
	r := raw{}
	if err := json.Unmarshal(body, &r.fields); err != nil || r.fields["resourceType"] == nil {
		return raw{}, errNotResource
	}
	var m struct {
		Meta Meta `json:"meta"`
	}
	_ = json.Unmarshal(body, &m)
	r.version = m.Meta.VersionID
	if r.version == "" {
		r.version = versionFromETag(etag)
	}
	return r, nil
}

// versionFromETag reads W/"3" or "3" as 3.
func versionFromETag(etag string) string {
	etag = strings.TrimPrefix(strings.TrimSpace(etag), "W/")
	return strings.Trim(etag, `"`)
}

// decode reads the resource into one of the structs of resources.go.
func (r raw) decode(v any) error {
	b, err := json.Marshal(r.fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// set replaces one field; a nil value removes it.
func (r raw) set(key string, v any) error {
	if v == nil {
		delete(r.fields, key)
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	r.fields[key] = b
	return nil
}

// str is a top-level string field, "" when missing.
func (r raw) str(key string) string {
	var s string
	_ = json.Unmarshal(r.fields[key], &s)
	return s
}

// MarshalJSON writes the resource back.
func (r raw) MarshalJSON() ([]byte, error) { return json.Marshal(r.fields) }
