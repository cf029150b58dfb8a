package emrapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"
)

// decodeJSON reads a /v1 body into dst strictly: one JSON object, no
// field dst does not have, every value of its field's type. Each refusal
// names the field when there is one.
func decodeJSON(body []byte, dst any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return fail(http.StatusBadRequest, "malformed_json", "", "body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fail(http.StatusBadRequest, "malformed_json", "", "body must be one JSON object and nothing after it")
	}
	return nil
}

// decodeError explains a decoding failure without quoting the body.
func decodeError(err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && typ.Field != "" {
		return fail(http.StatusBadRequest, "invalid_type", typ.Field, "field %q must be %s", typ.Field, jsonKind(typ.Type))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return fail(http.StatusBadRequest, "unknown_field", name, "unknown field %q", name)
	}
	return fail(http.StatusBadRequest, "malformed_json", "", "body is not valid JSON")
}

// jsonKind names the JSON type a Go type is read from.
func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "of another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "of another type"
}

// need refuses a blank field.
func need(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fail(http.StatusBadRequest, "required", field, "field %q is required", field)
	}
	return nil
}

// atMost refuses a field longer than n characters.
func atMost(field, v string, n int) error {
	if utf8.RuneCountInString(v) > n {
		return fail(http.StatusBadRequest, "too_long", field, "field %q is longer than %d characters", field, n)
	}
	return nil
}

// phoneField reads a required phone number (E.164, or national in the
// hospital's country) as E.164.
func phoneField(field, v, countryCode string) (string, error) {
	if err := need(field, v); err != nil {
		return "", err
	}
	p, err := e164(v, countryCode)
	if err != nil {
		return "", fail(http.StatusBadRequest, "invalid_phone", field, "field %q is not a phone number", field)
	}
	return p, nil
}

// urlField refuses a field that is set but not an absolute http(s) URL.
func urlField(field, v string) error {
	if v != "" && (!isHTTPURL(v) || len(v) > 2048) {
		return fail(http.StatusBadRequest, "invalid_url", field, "field %q must be an http(s) URL of at most 2048 characters", field)
	}
	return nil
}
