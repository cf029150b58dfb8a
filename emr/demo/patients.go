package demo

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/frontdesk-health/frontdesk/emr"
)

// firstPatientNumber numbers the first patient registered through the bot
// (DEMO-1001); the seed patients use lower numbers.
const firstPatientNumber = 1001

// FindPatients returns the patients registered under an E.164 mobile, in
// registration order; a family phone gives several. None is an empty slice.
func (e *EMR) FindPatients(ctx context.Context, mobile string) ([]emr.Patient, error) {
	if err := e.begin(ctx, OpFindPatients); err != nil {
		return nil, err
	}
	if !validMobile(mobile) {
		return nil, rejected(OpFindPatients, errBadMobile, "")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []emr.Patient{}
	for _, p := range e.patients {
		if p.mobile == mobile {
			out = append(out, p.Patient)
		}
	}
	return out, nil
}

// Register creates a patient with the next id (DEMO-1001, DEMO-1002, ...).
// Registering the same person on the same mobile again returns the existing
// record instead of a twin, so a retried registration is harmless.
func (e *EMR) Register(ctx context.Context, np emr.NewPatient) (emr.Patient, error) {
	if err := e.begin(ctx, OpRegister); err != nil {
		return emr.Patient{}, err
	}
	name := strings.Join(strings.Fields(np.Name), " ")
	switch {
	case !validMobile(np.Mobile):
		return emr.Patient{}, rejected(OpRegister, errBadMobile, "The mobile number is not valid.")
	case name == "" || utf8.RuneCountInString(name) > 100:
		return emr.Patient{}, rejected(OpRegister, errBadName, "Please give the patient's full name.")
	case np.Age < 1 || np.Age > 120:
		return emr.Patient{}, rejected(OpRegister, errBadAge, "Age must be between 1 and 120 years.")
	case np.Gender != "" && np.Gender != emr.Male && np.Gender != emr.Female && np.Gender != emr.Other:
		return emr.Patient{}, rejected(OpRegister, errBadGender, "Please choose male, female or other.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range e.patients {
		if p.mobile == np.Mobile && strings.EqualFold(p.Name, name) && p.Age == np.Age && p.Gender == np.Gender {
			return p.Patient, nil
		}
	}
	p := &patient{
		Patient: emr.Patient{ID: fmt.Sprintf("DEMO-%04d", e.nextPatient), Name: name, Age: np.Age, Gender: np.Gender},
		mobile:  np.Mobile,
	}
	e.nextPatient++
	e.addPatientLocked(p)
	return p.Patient, nil
}

// addPatientLocked files a patient; the caller holds e.mu.
func (e *EMR) addPatientLocked(p *patient) {
	e.patients = append(e.patients, p)
	e.byID[p.ID] = p
}

// validMobile accepts E.164: '+', then 8 to 15 digits, the first not 0.
func validMobile(m string) bool {
	if len(m) < 9 || len(m) > 16 || m[0] != '+' || m[1] == '0' {
		return false
	}
	for _, c := range m[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
