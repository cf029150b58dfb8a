package restapitest

import (
	"strconv"
)

// patient is a patient the fake EMR knows, with the wire values it
// answers for them.
type patient struct {
	id       any // healthcard id as sent: a string for the seed, a number once registered
	name     string
	age      any // "34" for the seed (PHP style), a number once registered
	gender   string
	national string
	records  string
}

// idString is the patient id as requests carry it.
func (p patient) idString() string {
	switch v := p.id.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	}
	return ""
}

// state is the fake EMR's data; Server.mu guards it.
type state struct {
	patients    []patient
	nextPatient int
	upcoming    map[string][]map[string]any // by patient id: appointments.results entries
	nextAppt    int
}

// newState is the seed data.
func newState() *state {
	return &state{
		patients: []patient{{
			id:       KnownPatientID,
			name:     KnownPatientName,
			age:      strconv.Itoa(KnownPatientAge),
			gender:   "Female",
			national: KnownNational,
			records:  KnownRecords,
		}},
		nextPatient: 5001,
		upcoming: map[string][]map[string]any{
			KnownPatientID: {{"id": 6001, "message": KnownUpcoming}},
		},
		nextAppt: 7001,
	}
}

// byMobile returns the first patient on a national number.
func (st *state) byMobile(national string) (patient, bool) {
	for _, p := range st.patients {
		if p.national == national {
			return p, true
		}
	}
	return patient{}, false
}

// byID returns the patient with an id as requests carry it.
func (st *state) byID(id string) (patient, bool) {
	for _, p := range st.patients {
		if p.idString() == id {
			return p, true
		}
	}
	return patient{}, false
}

// onMobile returns every patient on a national number.
func (st *state) onMobile(national string) []patient {
	var out []patient
	for _, p := range st.patients {
		if p.national == national {
			out = append(out, p)
		}
	}
	return out
}
