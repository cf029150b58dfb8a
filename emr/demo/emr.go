// Package demo is an in-memory EMR of a small Indian multi-speciality
// hospital: seven OPD departments, two or three consultants each with weekly
// timetables, a few pre-registered patients with health records, and slot
// booking for in-person and video visits.
//
// It is the EMR behind `go run ./cmd/frontdesk` (hospital code "demo"), the
// web simulator and the conversation tests, so it is deterministic for a
// fixed clock and lets tests inject failures and hold calls in flight
// (SetFailure, Block). All state lives in memory and is lost on restart.
package demo

import (
	"sync"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// EMR is the demo hospital's EMR. It implements emr.Client and is safe for
// concurrent use.
type EMR struct {
	opts   Options
	faults faults

	mu           sync.Mutex
	patients     []*patient          // in registration order
	byID         map[string]*patient // patient id → patient
	appointments []*Appointment      // in booking order
	taken        map[string]string   // slot id → appointment id
	records      map[string]recordRef
	nextPatient  int
	nextAppt     int
}

var _ emr.Client = (*EMR)(nil)

// patient is a registered patient and what they have sent the hospital.
type patient struct {
	emr.Patient
	mobile  string
	address string
	photo   string
	docs    []emr.Document
	records []record // newest first
}

// recordRef finds a record's owner so its PDF can be rendered.
type recordRef struct {
	patientID string
	index     int
}

// New returns a demo EMR holding the fixed seed: Asha Verma on AshaMobile,
// Ramesh and Savita Patel on FamilyMobile, their health records dated back
// from today, and Asha's follow-up SeedAppointmentID on Dr. Sanjay Gupta's
// next OPD day after today.
func New(opts Options) *EMR {
	e := &EMR{
		opts:        opts.withDefaults(),
		faults:      newFaults(),
		byID:        make(map[string]*patient),
		taken:       make(map[string]string),
		records:     make(map[string]recordRef),
		nextPatient: firstPatientNumber,
		nextAppt:    firstAppointmentNumber,
	}
	e.seed()
	return e
}

// Capabilities reports that the demo serves every optional operation, so
// every flow can be tried against it.
func (e *EMR) Capabilities() emr.Capabilities {
	return emr.Capabilities{
		Slots:          true,
		VideoVisits:    true,
		UploadDocument: true,
		UpdateAddress:  true,
		ProfilePhoto:   true,
		Cancel:         true,
	}
}

// now is the current time in the hospital's zone.
func (e *EMR) now() time.Time {
	return e.opts.Now().In(e.opts.Location)
}

// today is midnight of the current day in the hospital's zone.
func (e *EMR) today() time.Time {
	return midnight(e.now(), e.opts.Location)
}

// midnight is the start of t's calendar day (as t's own zone sees it) in loc.
func midnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// patientLocked returns a patient by id; the caller holds e.mu.
func (e *EMR) patientLocked(op, id string) (*patient, error) {
	p, ok := e.byID[id]
	if !ok {
		return nil, rejected(op, errUnknownPatient, "We could not find this patient's record at the hospital.")
	}
	return p, nil
}
