package restapi

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// matchAnswer is match_mobile's success answer: one patient.
type matchAnswer struct {
	HealthcardID flexID   `json:"healthcard_id"`
	Name         flexText `json:"name"`
	Age          flexAge  `json:"age"`
	Gender       flexText `json:"gender"`
}

// FindPatients asks match_mobile for the patient on a mobile number. The
// seed EMR answers status 0 (or "0", false) when the number is unknown, so
// that is "not registered": an empty slice and no error, which starts
// registration. Every other status is Rejected and every HTTP or
// transport failure Unavailable, so an EMR outage never sends a known
// patient into registering a duplicate.
func (c *Client) FindPatients(ctx context.Context, mobile string) ([]emr.Patient, error) {
	op := config.EndpointMatchMobile
	ans, err := c.exchange(ctx, op, map[string]string{"mobile": c.mobile(mobile)})
	if err != nil {
		return nil, err
	}
	switch ans.status {
	case statusZero:
		return []emr.Patient{}, nil
	case statusOther:
		return nil, rejected(op, ans)
	}
	var m matchAnswer
	if err := ans.decode(op, &m); err != nil {
		return nil, err
	}
	if m.HealthcardID == "" {
		return nil, opError(op, emr.Unavailable, errors.New("answer has no healthcard_id"))
	}
	return []emr.Patient{{
		ID:     string(m.HealthcardID),
		Name:   string(m.Name),
		Age:    int(m.Age),
		Gender: parseGender(string(m.Gender)),
	}}, nil
}

// parseGender maps the seed EMR's "Male"/"Female" (any case); anything
// else, including nothing, is Other.
func parseGender(s string) emr.Gender {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "male":
		return emr.Male
	case "female":
		return emr.Female
	}
	return emr.Other
}

// wireGender is the register request's gender: the seed EMR knows only
// male and female and takes an empty string for anything else.
func wireGender(g emr.Gender) string {
	switch g {
	case emr.Male:
		return "male"
	case emr.Female:
		return "female"
	}
	return ""
}

// registerAnswer is register's success answer.
type registerAnswer struct {
	PatientID flexID `json:"patient_id"`
}

// Register creates the patient and returns it with the EMR's patient_id.
// A success without a patient_id is Unavailable: the flow cannot go on
// without an id, and the patient is asked to try later.
func (c *Client) Register(ctx context.Context, p emr.NewPatient) (emr.Patient, error) {
	op := config.EndpointRegister
	fields := map[string]string{
		"name":   p.Name,
		"mobile": c.mobile(p.Mobile),
		"age":    strconv.Itoa(p.Age),
		"gender": wireGender(p.Gender),
		"hid":    c.hid,
	}
	var r registerAnswer
	if err := c.post(ctx, op, fields, &r); err != nil {
		return emr.Patient{}, err
	}
	if r.PatientID == "" {
		return emr.Patient{}, opError(op, emr.Unavailable, errors.New("answer has no patient_id"))
	}
	return emr.Patient{ID: string(r.PatientID), Name: p.Name, Age: p.Age, Gender: p.Gender}, nil
}

// upcomingAnswer is upcoming's success answer.
type upcomingAnswer struct {
	Appointments struct {
		Results []struct {
			ID      flexID   `json:"id"`
			Message flexText `json:"message"`
		} `json:"results"`
	} `json:"appointments"`
}

// Upcoming lists the EMR's own descriptions of the patient's upcoming
// appointments. The seed EMR answers status 0 when there are none, so
// that is an empty list; entries without text are skipped.
func (c *Client) Upcoming(ctx context.Context, p emr.PatientRef) ([]emr.Appointment, error) {
	op := config.EndpointUpcoming
	ans, err := c.exchange(ctx, op, map[string]string{"mobile": c.mobile(p.Mobile), "hid": c.hid})
	if err != nil {
		return nil, err
	}
	switch ans.status {
	case statusZero:
		return []emr.Appointment{}, nil
	case statusOther:
		return nil, rejected(op, ans)
	}
	var u upcomingAnswer
	if err := ans.decode(op, &u); err != nil {
		return nil, err
	}
	out := make([]emr.Appointment, 0, len(u.Appointments.Results))
	for _, r := range u.Appointments.Results {
		if r.Message == "" {
			continue
		}
		out = append(out, emr.Appointment{ID: string(r.ID), Text: string(r.Message)})
	}
	return out, nil
}

// recordsAnswer is health_records' success answer.
type recordsAnswer struct {
	Message flexText `json:"message"`
}

// HealthRecords returns the text the EMR wants shown for the patient's
// records.
func (c *Client) HealthRecords(ctx context.Context, p emr.PatientRef) (emr.Records, error) {
	var r recordsAnswer
	if err := c.post(ctx, config.EndpointHealthRecords, map[string]string{"pid": p.ID}, &r); err != nil {
		return emr.Records{}, err
	}
	return emr.Records{Text: string(r.Message)}, nil
}
