package restapitest

import (
	"slices"

	"github.com/frontdesk-health/frontdesk/emr"
)

// Facts about the seed data that tests rely on.
const (
	// HID is the fake EMR's id for the hospital; calls naming another
	// hid are rejected, as a real multi-location EMR would.
	HID = "184"
	// CountryCode is the calling code Hospital configures.
	CountryCode = "91"
	// AuthHeader is the Authorization value the fake requires.
	AuthHeader = "Bearer restapitest-token"
	// KnownMobile is the E.164 number of the registered seed patient.
	KnownMobile = "+919876543210"
	// KnownNational is KnownMobile as the EMR stores it.
	KnownNational = "9876543210"
	// KnownPatientID is the seed patient's healthcard id.
	KnownPatientID = "HC1001"
	// KnownPatientName is the seed patient's name.
	KnownPatientName = "Asha Verma"
	// KnownPatientAge is the seed patient's age.
	KnownPatientAge = 34
	// KnownUpcoming is the seed patient's one upcoming appointment.
	KnownUpcoming = "Dr. Rohan Mehta (General Medicine), tomorrow 10:30 AM, token 12, in person"
	// KnownRecords is the seed patient's health records text.
	KnownRecords = "12 Mar: Complete blood count normal, Hb 12.8 g/dL\n" +
		"02 Feb: Vitamin D 18 ng/mL (low), supplements advised\n" +
		"15 Jan: Chest X-ray normal"
	// UnknownMobile is a valid number with no patient: match_mobile
	// answers status 0 for it.
	UnknownMobile = "+919812345678"
	// PaymentLinkPrefix starts every video booking's payment link; the
	// appointment id follows.
	PaymentLinkPrefix = "https://pay.example.test/appt/"
	// NoRecords is the records text of a patient registered in a test.
	NoRecords = "No health records found."
)

// seedDepartments are the departments, the same on every day.
var seedDepartments = []emr.Department{
	{ID: "1", Name: "General Medicine"},
	{ID: "2", Name: "Paediatrics"},
	{ID: "3", Name: "Cardiology"},
	{ID: "4", Name: "Orthopaedics"},
}

// seedDoctors are the doctors by department id.
var seedDoctors = map[string][]emr.Doctor{
	"1": {
		{ID: "11", Name: "Dr. Rohan Mehta", Speciality: "General Physician"},
		{ID: "12", Name: "Dr. Kavita Rao", Speciality: "Family Medicine"},
	},
	"2": {
		{ID: "21", Name: "Dr. Sunil Nair", Speciality: "Paediatrician"},
		{ID: "22", Name: "Dr. Meera Iyer", Speciality: "Neonatologist"},
	},
	"3": {
		{ID: "31", Name: "Dr. Arjun Kapoor", Speciality: "Cardiologist"},
	},
	"4": {
		{ID: "41", Name: "Dr. Farah Khan", Speciality: "Orthopaedic Surgeon"},
		{ID: "42", Name: "Dr. Vikram Singh", Speciality: "Sports Medicine"},
	},
}

// Departments returns the seed departments in the order the fake lists
// them, as the adapter should map them.
func Departments() []emr.Department { return slices.Clone(seedDepartments) }

// Doctors returns a seed department's doctors in the order the fake lists
// them; an unknown department has none.
func Doctors(departmentID string) []emr.Doctor { return slices.Clone(seedDoctors[departmentID]) }

// doctor finds a seed doctor and its department by doctor id.
func doctor(id string) (emr.Doctor, emr.Department, bool) {
	for _, dep := range seedDepartments {
		for _, d := range seedDoctors[dep.ID] {
			if d.ID == id {
				return d, dep, true
			}
		}
	}
	return emr.Doctor{}, emr.Department{}, false
}
