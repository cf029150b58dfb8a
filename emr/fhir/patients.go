package fhir

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// maxFamily bounds the patients one phone can list: a family chooser
// longer than this is a sign the server did not filter.
const maxFamily = 20

var (
	errBadMobile = errors.New("mobile is not E.164")
	errBadNew    = errors.New("name, age or gender out of range")
)

// FindPatients searches Patient?telecom= with every form the number may be
// stored in (one search, the forms OR-ed) and keeps the active patients
// one of whose phone numbers really is that number, in the server's
// order.
func (c *Client) FindPatients(ctx context.Context, mobile string) ([]emr.Patient, error) {
	const op = string(emr.OpFindPatients)
	if !validE164(mobile) {
		return nil, opError(op, emr.Rejected, errBadMobile)
	}
	ctx, cancel := c.begin(ctx)
	defer cancel()
	forms := phoneForms(mobile, c.countryCode)
	f, err := c.search(ctx, op, "Patient", url.Values{"telecom": {strings.Join(forms, ",")}, "_count": {strconv.Itoa(maxFamily)}})
	if err != nil {
		return nil, err
	}
	pats, err := decodeAll[Patient](op, f.matches)
	if err != nil {
		return nil, err
	}
	out := []emr.Patient{}
	seen := map[string]bool{}
	for _, p := range pats {
		if p.ID == "" || seen[p.ID] || (p.Active != nil && !*p.Active) || !hasPhone(p, forms) {
			continue
		}
		seen[p.ID] = true
		out = append(out, c.toPatient(p))
		if len(out) == maxFamily {
			break
		}
	}
	return out, nil
}

// hasPhone reports whether one of the patient's phone numbers (or numbers
// of no stated kind) is one of forms.
func hasPhone(p Patient, forms []string) bool {
	for _, t := range p.Telecom {
		if (t.System == "" || t.System == "phone" || t.System == "sms") && phoneMatches(t.Value, forms) {
			return true
		}
	}
	return false
}

// Register creates the Patient: name, gender, birth year from the age,
// the mobile as a phone number. The conversation looks the number up
// again when the answer is lost, so a retry does not need a conditional
// create.
func (c *Client) Register(ctx context.Context, np emr.NewPatient) (emr.Patient, error) {
	const op = string(emr.OpRegister)
	name := strings.Join(strings.Fields(np.Name), " ")
	if !validE164(np.Mobile) {
		return emr.Patient{}, opError(op, emr.Rejected, errBadMobile)
	}
	if name == "" || np.Age < 0 || np.Age > 130 || (np.Gender != "" && fhirGender(np.Gender) == "") {
		return emr.Patient{}, opError(op, emr.Rejected, errBadNew)
	}
	ctx, cancel := c.begin(ctx)
	defer cancel()
	active := true
	p := Patient{
		ResourceType: "Patient",
		Active:       &active,
		Name:         []HumanName{splitName(name)},
		Telecom:      []ContactPoint{{System: "phone", Value: np.Mobile, Use: "mobile"}},
		Gender:       fhirGender(np.Gender),
		BirthDate:    strconv.Itoa(c.now().In(c.loc).Year() - np.Age),
	}
	id, err := c.create(ctx, op, "Patient", p)
	if err != nil {
		return emr.Patient{}, err
	}
	return emr.Patient{ID: id, Name: name, Age: np.Age, Gender: np.Gender}, nil
}

// splitName files a full name as text, given names and family name (the
// last word).
func splitName(name string) HumanName {
	words := strings.Fields(name)
	n := HumanName{Use: "official", Text: name}
	if len(words) > 1 {
		n.Given, n.Family = words[:len(words)-1], words[len(words)-1]
	} else {
		n.Given = words
	}
	return n
}

// toPatient is the conversation's view of a Patient.
func (c *Client) toPatient(p Patient) emr.Patient {
	return emr.Patient{ID: p.ID, Name: bestName(p.Name), Age: c.age(p.BirthDate), Gender: ourGender(p.Gender)}
}

// age is the age in whole years today of someone born on birthDate
// (YYYY, YYYY-MM or YYYY-MM-DD); 0 when unknown.
func (c *Client) age(birthDate string) int {
	today := c.today()
	for _, layout := range []string{time.DateOnly, "2006-01", "2006"} {
		b, err := time.Parse(layout, birthDate)
		if err != nil {
			continue
		}
		years := today.Year() - b.Year()
		if layout != "2006" && (today.Month() < b.Month() || today.Month() == b.Month() && layout == time.DateOnly && today.Day() < b.Day()) {
			years--
		}
		return max(years, 0)
	}
	return 0
}

func fhirGender(g emr.Gender) string {
	switch g {
	case emr.Male, emr.Female, emr.Other:
		return string(g)
	case "":
		return "unknown"
	}
	return ""
}

func ourGender(g string) emr.Gender {
	switch g {
	case "male":
		return emr.Male
	case "female":
		return emr.Female
	case "other":
		return emr.Other
	}
	return ""
}

// validE164 accepts '+' and 8 to 15 digits, the first not 0.
func validE164(m string) bool {
	if len(m) < 9 || len(m) > 16 || m[0] != '+' || m[1] == '0' {
		return false
	}
	for _, r := range m[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
