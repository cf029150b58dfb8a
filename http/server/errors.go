package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Error is an HTTP answer for a failed request: Status and a message that
// is safe to show the caller (no patient data, no internals).
type Error struct {
	Status  int
	Message string
	Err     error // the cause, for logs
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Message, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an *Error with a caller-safe message.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

// StatusOf maps an error to its HTTP status: an *Error's own, else 500
// (anything not explained as the caller's mistake is ours).
func StatusOf(err error) (int, string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Status, e.Message
	}
	return http.StatusInternalServerError, "internal error"
}

// Abort answers a failed request as JSON with its status.
func Abort(c *gin.Context, err error) {
	status, msg := StatusOf(err)
	c.AbortWithStatusJSON(status, gin.H{"error": msg})
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }
