package emr

import (
	"context"
	"fmt"
)

// Op names an EMR operation. Calls are data so that a conversation can
// record what it is waiting for in its snapshot and the hospital actor can
// run it elsewhere.
type Op string

// The operations a conversation asks the EMR for.
const (
	OpFindPatients   Op = "find_patients"
	OpRegister       Op = "register"
	OpUpcoming       Op = "upcoming"
	OpDepartments    Op = "departments"
	OpDoctors        Op = "doctors"
	OpSlots          Op = "slots"
	OpBook           Op = "book"
	OpHealthRecords  Op = "health_records"
	OpProfilePhoto   Op = "profile_photo"
	OpUploadDocument Op = "upload_document"
	OpUpdateAddress  Op = "update_address"
	OpCancel         Op = "cancel"
)

// Writes reports whether the operation changes the EMR, so that it must not
// be repeated blindly when its outcome is unknown.
func (o Op) Writes() bool {
	switch o {
	case OpRegister, OpBook, OpProfilePhoto, OpUploadDocument, OpUpdateAddress, OpCancel:
		return true
	}
	return false
}

// Cacheable reports whether a successful answer may be reused briefly.
func (o Op) Cacheable() bool { return o == OpDepartments || o == OpDoctors }

// Call is one EMR request with its arguments. Only the fields the
// operation needs are set.
type Call struct {
	ID           string // unique per conversation turn; answers carry it back
	Op           Op
	Mobile       string
	Patient      PatientRef
	NewPatient   NewPatient
	Day          Day
	DepartmentID string
	DoctorID     string
	Booking      BookingRequest
	URL          string
	Document     Document
	Address      string
	Appointment  string // the appointment to cancel
}

// CacheKey identifies a cacheable call's answer within one hospital.
func (c Call) CacheKey() string {
	return fmt.Sprintf("%s|%s|%s", c.Op, c.Day.Date.Format("2006-01-02"), c.DepartmentID)
}

// Result is the answer to a Call. Err is nil on success.
type Result struct {
	CallID       string
	Err          error
	Patients     []Patient
	Patient      Patient
	Appointments []Appointment
	Departments  []Department
	Doctors      []Doctor
	Slots        []Slot
	Booking      Booking
	Records      Records
}

// Do performs a call on a client.
func Do(ctx context.Context, c Client, call Call) Result {
	r := Result{CallID: call.ID}
	switch call.Op {
	case OpFindPatients:
		r.Patients, r.Err = c.FindPatients(ctx, call.Mobile)
	case OpRegister:
		r.Patient, r.Err = c.Register(ctx, call.NewPatient)
	case OpUpcoming:
		r.Appointments, r.Err = c.Upcoming(ctx, call.Patient)
	case OpDepartments:
		r.Departments, r.Err = c.Departments(ctx, call.Day)
	case OpDoctors:
		r.Doctors, r.Err = c.Doctors(ctx, call.DepartmentID, call.Day)
	case OpSlots:
		r.Slots, r.Err = c.Slots(ctx, call.DoctorID, call.Day)
	case OpBook:
		r.Booking, r.Err = c.Book(ctx, call.Booking)
	case OpHealthRecords:
		r.Records, r.Err = c.HealthRecords(ctx, call.Patient)
	case OpProfilePhoto:
		r.Err = c.SetProfilePhoto(ctx, call.Patient, call.URL)
	case OpUploadDocument:
		r.Err = c.UploadDocument(ctx, call.Patient, call.Document)
	case OpUpdateAddress:
		r.Err = c.UpdateAddress(ctx, call.Patient, call.Address)
	case OpCancel:
		r.Err = c.Cancel(ctx, call.Patient, call.Appointment)
	default:
		r.Err = &Error{Op: string(call.Op), Kind: NotSupported, Err: fmt.Errorf("unknown operation")}
	}
	return r
}
