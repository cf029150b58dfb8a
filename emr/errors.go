package emr

import (
	"errors"
	"fmt"
)

// Kind classifies an EMR failure by what the patient should be told.
type Kind int

// The kinds of EMR failure.
const (
	// Unavailable: transport error, timeout, 5xx, unreadable answer or an
	// open circuit breaker. The patient is asked to try later.
	Unavailable Kind = iota + 1
	// Rejected: the EMR answered and refused (status not 1).
	Rejected
	// NotSupported: the hospital's EMR does not offer this operation.
	NotSupported
	// Conflict: the EMR refused because of a race, e.g. a slot just taken.
	Conflict
	// OutcomeUnknown: the call may or may not have happened (the process
	// restarted while a write was in flight).
	OutcomeUnknown
	// BadMedia: the patient's file could not be passed to the EMR (too
	// big, not an accepted type, or not fetchable from Twilio); the EMR
	// was not called. Its Err holds a *MediaError saying why.
	BadMedia
)

// String names the kind for logs and metric labels.
func (k Kind) String() string {
	switch k {
	case Unavailable:
		return "unavailable"
	case Rejected:
		return "rejected"
	case NotSupported:
		return "not_supported"
	case Conflict:
		return "conflict"
	case OutcomeUnknown:
		return "outcome_unknown"
	case BadMedia:
		return "bad_media"
	}
	return "unknown"
}

// Error is an EMR failure. Its text names the operation and the cause but
// never patient data; Display is the EMR's own explanation for the patient
// (for example "doctor on leave"), shown to the patient and never logged.
type Error struct {
	Op      string
	Kind    Kind
	Err     error
	Display string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("emr %s: %s", e.Op, e.Kind)
	}
	return fmt.Sprintf("emr %s: %s: %v", e.Op, e.Kind, e.Err)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of an EMR error; errors not made by this package
// count as Unavailable.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Unavailable
}

// DisplayOf returns the EMR's explanation for the patient, if any.
func DisplayOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Display
	}
	return ""
}

// MediaReason says why a patient's file was refused, so that the
// conversation can word it in the patient's language.
type MediaReason string

// The reasons a file is refused.
const (
	// MediaTooBig: larger than the limit (MediaError.Limit bytes).
	MediaTooBig MediaReason = "too_big"
	// MediaWrongType: its content is not one of the accepted types,
	// whatever type Twilio announced.
	MediaWrongType MediaReason = "wrong_type"
	// MediaUnreachable: it could not be downloaded (Twilio error,
	// timeout, or a URL or redirect outside the allowed hosts).
	MediaUnreachable MediaReason = "unreachable"
)

// MediaError is the cause of a BadMedia failure. Its text never holds the
// file's URL or content.
type MediaError struct {
	Reason MediaReason
	Limit  int64 // bytes, for MediaTooBig
	Err    error
}

// Error implements error.
func (e *MediaError) Error() string {
	if e.Err == nil {
		return "media " + string(e.Reason)
	}
	return fmt.Sprintf("media %s: %v", e.Reason, e.Err)
}

// Unwrap returns the cause.
func (e *MediaError) Unwrap() error { return e.Err }
