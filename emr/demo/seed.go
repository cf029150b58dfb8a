package demo

import (
	"sort"

	"github.com/frontdesk-health/frontdesk/emr"
)

// Seed patients' mobiles, for tests and the simulator: AshaMobile has one
// patient, FamilyMobile two (a family phone, so the chooser can be tried).
const (
	AshaMobile   = "+919800000001"
	FamilyMobile = "+919800000002"
)

// SeedAppointmentID is Asha Verma's pre-booked diabetes follow-up, so
// "upcoming appointments" shows something before anything is booked.
const SeedAppointmentID = "APT-4001"

// seedRecord is a record relative to the EMR's creation day.
type seedRecord struct {
	id, title string
	daysAgo   int
	lines     []string
}

// seedPatient is a pre-registered patient.
type seedPatient struct {
	patient emr.Patient
	mobile  string
	address string
	records []seedRecord
}

// seedPatients are the pre-registered patients; ids DEMO-0001.. stay below
// the numbers Register hands out.
var seedPatients = []seedPatient{
	{emr.Patient{ID: "DEMO-0001", Name: "Asha Verma", Age: 34, Gender: emr.Female}, AshaMobile,
		"Flat 302, Shanti Apartments, Baner Road, Pune 411045", []seedRecord{
			{"rec-101", "Lab report: Thyroid Profile (T3, T4, TSH)", 12, []string{
				"T3: 1.2 ng/mL (ref 0.8 - 2.0)", "T4: 8.1 ug/dL (ref 5.1 - 14.1)",
				"TSH: 5.9 uIU/mL (ref 0.27 - 4.2)  HIGH", "Remarks: mildly raised TSH; correlate clinically."}},
			{"rec-102", "Prescription: Dr. Sanjay Gupta", 11, []string{
				"Diagnosis: subclinical hypothyroidism; prediabetes",
				"1. Tab. Thyroxine 25 mcg once daily, empty stomach, 6 weeks",
				"2. Brisk walk 30 minutes daily; avoid sugary drinks", "Review with TSH and fasting sugar after 6 weeks."}},
			{"rec-103", "Lab report: HbA1c", 45, []string{
				"HbA1c: 6.1 % (ref 4.0 - 5.6)  prediabetic range", "Estimated average glucose: 128 mg/dL"}},
		}},
	{emr.Patient{ID: "DEMO-0002", Name: "Ramesh Patel", Age: 62, Gender: emr.Male}, FamilyMobile,
		"B-14, Sahyadri Society, Kothrud, Pune 411038", []seedRecord{
			{"rec-201", "Lab report: Lipid Profile", 30, []string{
				"Total cholesterol: 168 mg/dL", "LDL: 92 mg/dL (target below 70)  HIGH",
				"HDL: 41 mg/dL", "Triglycerides: 176 mg/dL (ref below 150)  HIGH"}},
			{"rec-202", "Prescription: Dr. Ashok Chatterjee", 29, []string{
				"Diagnosis: CAD, post PTCA to LAD", "1. Tab. Aspirin 75 mg once daily after lunch",
				"2. Tab. Clopidogrel 75 mg once daily", "3. Tab. Atorvastatin 40 mg at bedtime",
				"4. Tab. Metoprolol 25 mg twice daily", "Review in Cardiology OPD after 4 weeks."}},
			{"rec-203", "Discharge summary: Cardiology", 75, []string{
				"Diagnosis: unstable angina", "Procedure: coronary angiography; PTCA to LAD with one drug-eluting stent",
				"Hospital stay: 3 days, uneventful", "Condition at discharge: stable",
				"Follow up: Cardiology OPD after 2 weeks."}},
		}},
	{emr.Patient{ID: "DEMO-0003", Name: "Savita Patel", Age: 58, Gender: emr.Female}, FamilyMobile,
		"B-14, Sahyadri Society, Kothrud, Pune 411038", []seedRecord{
			{"rec-301", "Prescription: Dr. Sunita Deshpande", 19, []string{
				"Diagnosis: iron deficiency anaemia", "1. Tab. Ferrous ascorbate 100 mg once daily, 3 months",
				"2. Tab. Calcium with vitamin D3 once daily", "Review after 3 months with CBC."}},
			{"rec-302", "Lab report: Complete Blood Count (CBC)", 20, []string{
				"Haemoglobin: 11.2 g/dL (ref 12.0 - 15.5)  LOW", "WBC: 7,400 /uL (ref 4,000 - 11,000)",
				"Platelets: 2.6 lakh/uL (ref 1.5 - 4.5)"}},
		}},
}

// seed files the seed patients, their records (dated back from today) and
// Asha Verma's follow-up on Dr. Sanjay Gupta's next OPD day after today.
func (e *EMR) seed() {
	e.mu.Lock()
	defer e.mu.Unlock()
	today := e.today()
	for _, sp := range seedPatients {
		p := &patient{Patient: sp.patient, mobile: sp.mobile, address: sp.address}
		e.addPatientLocked(p)
		recs := append([]seedRecord(nil), sp.records...)
		sort.SliceStable(recs, func(i, j int) bool { return recs[i].daysAgo < recs[j].daysAgo })
		for _, sr := range recs {
			e.addRecordLocked(p, record{
				Record: emr.Record{ID: sr.id, Title: sr.title, Date: today.AddDate(0, 0, -sr.daysAgo)},
				lines:  sr.lines,
			})
		}
	}
	doc, _ := findDoctor("doc-13")
	for days := 1; days < BookingWindowDays; days++ {
		slots := e.allSlots(doc, today.AddDate(0, 0, days))
		if len(slots) == 0 {
			continue
		}
		e.addAppointmentLocked(&Appointment{
			ID: SeedAppointmentID, PatientID: "DEMO-0001", DepartmentID: doc.dept, DoctorID: doc.id,
			SlotID: slots[0].ID, Visit: emr.InPerson, Start: slots[0].Start, End: slots[0].End,
			Complaint: "Diabetes follow-up",
		})
		return
	}
}
