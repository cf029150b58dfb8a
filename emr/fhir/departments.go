package fhir

import (
	"context"
	"errors"
	"net/url"
	"slices"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

var errNoDepartment = errors.New("no department id")

// Departments lists the departments with at least one doctor who has a
// free slot on the day: the location's active HealthcareServices in the
// server's order, or (emr.departments: specialty) the distinct
// specialties of its PractitionerRoles in order of first appearance.
func (c *Client) Departments(ctx context.Context, day emr.Day) ([]emr.Department, error) {
	const op = string(emr.OpDepartments)
	ctx, cancel := c.begin(ctx)
	defer cancel()
	docs, err := c.roles(ctx, op, nil)
	if err != nil {
		return nil, err
	}
	if docs, err = c.available(ctx, op, docs, day); err != nil {
		return nil, err
	}
	out := []emr.Department{}
	if c.departments == config.FHIRDepartmentsSpecialty {
		seen := map[string]bool{}
		for _, d := range docs {
			for _, s := range d.role.Specialty {
				if key := specialtyKey(s); key != "" && !seen[key] && s.label() != "" {
					seen[key] = true
					out = append(out, emr.Department{ID: key, Name: s.label()})
				}
			}
		}
		return out, nil
	}
	services, err := c.services(ctx, op)
	if err != nil {
		return nil, err
	}
	for _, s := range services {
		if slices.ContainsFunc(docs, func(d doctor) bool { return d.inService(s.ID) }) {
			out = append(out, emr.Department{ID: s.ID, Name: s.Name})
		}
	}
	return out, nil
}

// Doctors lists the department's doctors (PractitionerRoles, named after
// their Practitioner) who have a free slot on the day.
func (c *Client) Doctors(ctx context.Context, departmentID string, day emr.Day) ([]emr.Doctor, error) {
	const op = string(emr.OpDoctors)
	if departmentID == "" {
		return nil, opError(op, emr.Rejected, errNoDepartment)
	}
	ctx, cancel := c.begin(ctx)
	defer cancel()
	narrow := url.Values{}
	in := func(d doctor) bool { return d.inService(departmentID) }
	if c.departments == config.FHIRDepartmentsSpecialty {
		if system, code, ok := parseSpecialtyKey(departmentID); ok {
			narrow.Set("specialty", system+"|"+code)
		}
		in = func(d doctor) bool {
			return slices.ContainsFunc(d.role.Specialty, func(s CodeableConcept) bool { return specialtyKey(s) == departmentID })
		}
	} else {
		narrow.Set("service", "HealthcareService/"+departmentID)
	}
	docs, err := c.roles(ctx, op, narrow)
	if err != nil {
		return nil, err
	}
	docs = slices.DeleteFunc(docs, func(d doctor) bool { return !in(d) })
	if docs, err = c.available(ctx, op, docs, day); err != nil {
		return nil, err
	}
	out := make([]emr.Doctor, len(docs))
	for i, d := range docs {
		out[i] = emr.Doctor{ID: d.role.ID, Name: d.name, Speciality: d.speciality}
	}
	return out, nil
}

// services lists the location's active HealthcareServices.
func (c *Client) services(ctx context.Context, op string) ([]HealthcareService, error) {
	q := url.Values{"active": {"true"}, "_count": {"200"}}
	loc, err := c.locationRef(ctx, op)
	if err != nil {
		return nil, err
	}
	if loc != "" {
		q.Set("location", loc)
	}
	f, err := c.search(ctx, op, "HealthcareService", q)
	if err != nil {
		return nil, err
	}
	all, err := decodeAll[HealthcareService](op, f.matches)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(s HealthcareService) bool {
		return s.ID == "" || s.Name == "" || (s.Active != nil && !*s.Active)
	}), nil
}

// specialtyKey identifies a specialty as system|code (its first coding
// with a code), "" when it has none.
func specialtyKey(s CodeableConcept) string {
	for _, cd := range s.Coding {
		if cd.Code != "" {
			return cd.System + "|" + cd.Code
		}
	}
	return ""
}

// parseSpecialtyKey splits a specialtyKey.
func parseSpecialtyKey(key string) (system, code string, ok bool) {
	for i := len(key) - 1; i >= 0; i-- {
		if key[i] == '|' {
			return key[:i], key[i+1:], key[i+1:] != ""
		}
	}
	return "", "", false
}
