package demo

import (
	"errors"

	"github.com/frontdesk-health/frontdesk/emr"
)

// ErrInjected is the cause of failures made by SetFailure, so tests can tell
// them from real ones with errors.Is.
var ErrInjected = errors.New("injected failure")

// Causes of refusals. They name what was wrong, never whose data it was.
var (
	errUnknownPatient    = errors.New("unknown patient")
	errUnknownDepartment = errors.New("unknown department")
	errUnknownDoctor     = errors.New("unknown doctor")
	errUnknownSlot       = errors.New("unknown slot")
	errSlotTaken         = errors.New("slot already booked")
	errSlotPassed        = errors.New("slot already started")
	errNoFreeSlot        = errors.New("no free slot left")
	errBadDay            = errors.New("day outside the booking window")
	errBadVisit          = errors.New("unknown visit kind")
	errBadMobile         = errors.New("mobile is not E.164")
	errBadName           = errors.New("name missing or too long")
	errBadAge            = errors.New("age outside 1-120")
	errBadGender         = errors.New("unknown gender")
	errBadURL            = errors.New("not an http(s) URL")
	errBadAddress        = errors.New("address empty or too long")
	errUnknownAppt       = errors.New("unknown appointment")
	errNotVideo          = errors.New("not a video appointment")
)

// rejected is the EMR refusing a request, with a text for the patient.
func rejected(op string, cause error, display string) error {
	return &emr.Error{Op: op, Kind: emr.Rejected, Err: cause, Display: display}
}

// conflict is the EMR refusing because someone else got there first.
func conflict(op string, cause error, display string) error {
	return &emr.Error{Op: op, Kind: emr.Conflict, Err: cause, Display: display}
}

// unavailable is a call that did not happen (cancelled or timed out).
func unavailable(op string, cause error) error {
	return &emr.Error{Op: op, Kind: emr.Unavailable, Err: cause}
}
