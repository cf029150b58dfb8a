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
