// Package emr defines the product's view of a hospital's EMR: patients,
// departments, doctors, slots, bookings, records and documents, and the
// capabilities an adapter reports so flows can skip what an EMR cannot serve.
//
// Adapters live in subpackages (emr/demo, emr/restapi, emr/fhir). Every
// method takes a context that carries the call's deadline; errors say which
// operation failed and are classified with Kind so the conversation can give
// the patient the right answer without ever showing or logging patient data.
package emr

import (
	"context"
	"time"
)

// Client is one hospital location's EMR as the conversation needs it.
// Implementations must be safe for concurrent use.
type Client interface {
	// Capabilities reports which optional operations this EMR serves.
	Capabilities() Capabilities
	// FindPatients returns the patients registered under a mobile number
	// (E.164 with a leading '+'); none is an empty slice and a nil error.
	FindPatients(ctx context.Context, mobile string) ([]Patient, error)
	// Register creates a patient and returns it with the EMR's id.
	Register(ctx context.Context, p NewPatient) (Patient, error)
	// Upcoming lists a patient's future appointments.
	Upcoming(ctx context.Context, p PatientRef) ([]Appointment, error)
	// Cancel cancels one of the patient's upcoming appointments
	// (Capabilities.Cancel) and frees its slot.
	Cancel(ctx context.Context, p PatientRef, appointmentID string) error
	// Departments lists the departments taking appointments on a day.
	Departments(ctx context.Context, day Day) ([]Department, error)
	// Doctors lists a department's doctors available on a day.
	Doctors(ctx context.Context, departmentID string, day Day) ([]Doctor, error)
	// Slots lists a doctor's free slots on a day (Capabilities.Slots).
	Slots(ctx context.Context, doctorID string, day Day) ([]Slot, error)
	// Book books an in-person or video appointment.
	Book(ctx context.Context, b BookingRequest) (Booking, error)
	// HealthRecords returns a patient's records, as text or as a list.
	HealthRecords(ctx context.Context, p PatientRef) (Records, error)
	// SetProfilePhoto stores the image at imageURL as the patient's photo.
	SetProfilePhoto(ctx context.Context, p PatientRef, imageURL string) error
	// UploadDocument stores a document for the patient (Capabilities.UploadDocument).
	UploadDocument(ctx context.Context, p PatientRef, d Document) error
	// UpdateAddress replaces the patient's address (Capabilities.UpdateAddress).
	UpdateAddress(ctx context.Context, p PatientRef, address string) error
}

// Capabilities says which optional operations an EMR serves. Flows skip or
// refuse (with the hospital's helpline) what is not offered.
type Capabilities struct {
	Slots          bool // doctors have bookable time slots (else a day is booked)
	VideoVisits    bool // video appointments can be booked
	UploadDocument bool // patients can upload documents
	UpdateAddress  bool // patients can change their address
	ProfilePhoto   bool // patients can set a profile photo
	Cancel         bool // patients can cancel upcoming appointments
}

// Gender is a patient's gender as the conversation collects it.
type Gender string

// The genders a patient can choose at registration.
const (
	Male   Gender = "male"
	Female Gender = "female"
	Other  Gender = "other"
)

// Patient is a patient record as the EMR returns it.
type Patient struct {
	ID     string
	Name   string
	Age    int
	Gender Gender
}

// PatientRef names the patient a call is about: the EMR's id and the
// mobile number (E.164) the conversation runs on.
type PatientRef struct {
	ID     string
	Mobile string
}

// NewPatient is what registration collects.
type NewPatient struct {
	Name   string
	Age    int
	Gender Gender
	Mobile string // E.164 with '+'
}

// Day is the day an appointment is for: Offset 0 is today, 1 tomorrow,
// 2 the day after, and Date is that day's midnight in the hospital's zone.
type Day struct {
	Offset int
	Date   time.Time
}

// Count is the seed contract's day_count: 1 today, 2 tomorrow, 3 day after.
func (d Day) Count() int { return d.Offset + 1 }

// Department is a bookable department or specialty.
type Department struct {
	ID   string
	Name string
}

// Doctor is a bookable doctor.
type Doctor struct {
	ID         string
	Name       string
	Speciality string
}

// Slot is a free appointment slot.
type Slot struct {
	ID    string
	Start time.Time
	End   time.Time
}

// Visit is the kind of appointment.
type Visit string

// The kinds of appointment a patient can book.
const (
	InPerson Visit = "in_person"
	Video    Visit = "video"
)

// BookingRequest is what the booking flow collects.
type BookingRequest struct {
	Patient      PatientRef
	Visit        Visit
	Day          Day
	DepartmentID string
	DoctorID     string
	SlotID       string // empty when the EMR books by day
	Complaint    string
}

// Booking is the EMR's answer to a booking.
type Booking struct {
	AppointmentID string
	Message       string // text the EMR wants shown to the patient, if any
	PaymentLink   string // video visits: where the patient pays
}

// Appointment is an upcoming appointment.
type Appointment struct {
	ID     string
	Text   string // the EMR's own description, when it gives one
	Start  time.Time
	Doctor string
	Video  bool
}

// Records is a patient's health records: either free text from the EMR or
// a list of documents the patient can pick from.
type Records struct {
	Text  string
	Items []Record
}

// Record is one health record document.
type Record struct {
	ID          string
	Title       string
	Date        time.Time
	URL         string
	ContentType string
}

// Document is a file a patient uploads.
type Document struct {
	URL         string
	ContentType string
	Caption     string
}
