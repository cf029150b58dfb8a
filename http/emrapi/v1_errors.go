package emrapi

import (
	"errors"
	"net/http"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// apiError is a refused call with a stable code for the caller's program,
// the field at fault (when there is one) and a message for the person
// reading the logs. It unwraps to a *server.Error so that the seed routes,
// which speak only status and message, answer it the same way.
type apiError struct {
	code  string
	field string
	http  *server.Error
}

// Error implements error.
func (e *apiError) Error() string { return e.code + ": " + e.http.Error() }

// Unwrap returns the status and message for server.StatusOf.
func (e *apiError) Unwrap() error { return e.http }

// fail makes an apiError. The message must be safe to show the caller:
// never a phone number, a name or a value the caller sent.
func fail(status int, code, field, format string, args ...any) *apiError {
	return &apiError{code: code, field: field, http: server.Errorf(status, format, args...)}
}

// unavailable is a 503 caused by err (the store, a conversation that
// could not commit): the caller should retry the same request.
func unavailable(what string, err error) *apiError {
	return &apiError{code: "unavailable", http: &server.Error{Status: http.StatusServiceUnavailable, Message: what + ", retry", Err: err}}
}

// errorBody is the JSON of every /v1 error answer.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// schedulerStatus is the HTTP status of each scheduler refusal; codes not
// listed are validation errors (400).
var schedulerStatus = map[string]int{
	reminder.CodeNotFound:     http.StatusNotFound,
	reminder.CodeAlreadyFired: http.StatusConflict,
	reminder.CodeCancelled:    http.StatusConflict,
	// The request is well formed, but the hospital's configuration lacks
	// what it needs.
	reminder.CodeCallbackSecretMissing: http.StatusUnprocessableEntity,
}

// asAPIError turns any error of a /v1 call into its answer: our own
// apiError as it is, the scheduler's refusals by their code, a bad cursor
// as the caller's mistake, and anything else as our failure (500).
func asAPIError(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var re *reminder.Error
	if errors.As(err, &re) {
		status, ok := schedulerStatus[re.Code]
		if !ok {
			status = http.StatusBadRequest
		}
		return &apiError{code: re.Code, field: re.Field, http: &server.Error{Status: status, Message: re.Message, Err: err}}
	}
	if errors.Is(err, persistence.ErrBadCursor) {
		return fail(http.StatusBadRequest, "invalid_cursor", "cursor", "cursor is not one this API handed out")
	}
	var se *server.Error
	if errors.As(err, &se) {
		return &apiError{code: codeOfStatus(se.Status), http: se}
	}
	return &apiError{code: "internal", http: &server.Error{Status: http.StatusInternalServerError, Message: "internal error", Err: err}}
}

// codeOfStatus names an error that came without a code: only the key
// check's (Keys.hospital) do.
func codeOfStatus(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "invalid_api_key"
	case status == http.StatusForbidden:
		return "hospital_inactive"
	case status == http.StatusServiceUnavailable:
		return "unavailable"
	case status >= 500:
		return "internal"
	}
	return "invalid_request"
}
