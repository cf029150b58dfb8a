package config

import (
	"regexp"
	"strings"
)

// fhirIDRe is a FHIR resource id (R4 §2.13 "id"): what emr.location may
// name directly, with or without "Location/".
var fhirIDRe = regexp.MustCompile(`^[A-Za-z0-9.-]{1,64}$`)

// validateFHIR checks the settings only kind fhir uses: OAuth2 client
// credentials (all or nothing, and not together with a fixed auth_header)
// and the mapping choices, which get their defaults here.
func validateFHIR(e *EMR, bad report) {
	e.TokenURL = strings.TrimSpace(e.TokenURL)
	e.ClientID = strings.TrimSpace(e.ClientID)
	e.Scope = strings.TrimSpace(e.Scope)
	e.Location = strings.TrimSpace(e.Location)
	e.Departments = strings.ToLower(strings.TrimSpace(e.Departments))
	e.Photo = strings.ToLower(strings.TrimSpace(e.Photo))
	switch {
	case e.TokenURL != "":
		if msg := checkHTTPURL(e.TokenURL, false); msg != "" {
			bad("emr.token_url", "%s", secretHint(msg))
		}
		if e.AuthHeader != "" {
			bad("emr.auth_header", "use either emr.auth_header or emr.token_url (OAuth2), not both")
		}
		if e.ClientID == "" {
			bad("emr.client_id", "required with emr.token_url")
		}
		if e.ClientSecret == "" {
			bad("emr.client_secret", "required with emr.token_url")
		}
	case e.ClientID != "" || e.ClientSecret != "" || e.Scope != "":
		bad("emr.token_url", "required when emr.client_id, emr.client_secret or emr.scope is set")
	}
	for _, f := range []struct{ field, value string }{
		{"emr.client_id", e.ClientID}, {"emr.client_secret", e.ClientSecret.Value()}, {"emr.scope", e.Scope},
	} {
		if strings.ContainsAny(f.value, "\r\n") {
			bad(f.field, "must be a single line")
		}
	}
	switch e.Departments {
	case "":
		e.Departments = FHIRDepartmentsService
	case FHIRDepartmentsService, FHIRDepartmentsSpecialty:
	default:
		bad("emr.departments", "%q is not one of %s, %s", e.Departments, FHIRDepartmentsService, FHIRDepartmentsSpecialty)
	}
	switch e.Photo {
	case "":
		e.Photo = FHIRPhotoPatient
	case FHIRPhotoPatient, FHIRPhotoDocument:
	default:
		bad("emr.photo", "%q is not one of %s, %s", e.Photo, FHIRPhotoPatient, FHIRPhotoDocument)
	}
	if e.Location != "" && !validLocation(e.Location) {
		bad("emr.location", "must be a Location id (abc or Location/abc) or an identifier system|value")
	}
}

// validLocation accepts a Location id, "Location/<id>" or an identifier
// "system|value" (both parts present, no spaces).
func validLocation(s string) bool {
	if system, value, ok := strings.Cut(s, "|"); ok {
		return system != "" && value != "" && !strings.ContainsAny(s, " \t")
	}
	return fhirIDRe.MatchString(strings.TrimPrefix(s, "Location/"))
}

// refuseFHIROnly reports fhir settings in another kind's entry: they
// signal a file edited for the wrong kind.
func refuseFHIROnly(e *EMR, bad report) {
	for _, f := range []struct{ field, value string }{
		{"emr.token_url", e.TokenURL}, {"emr.client_id", e.ClientID}, {"emr.client_secret", e.ClientSecret.Value()},
		{"emr.scope", e.Scope}, {"emr.departments", e.Departments}, {"emr.location", e.Location}, {"emr.photo", e.Photo},
	} {
		if strings.TrimSpace(f.value) != "" {
			bad(f.field, "only used by kind fhir")
		}
	}
}

// secretHint points credentials found in the token URL to the masked field.
func secretHint(msg string) string {
	if strings.Contains(msg, "credentials") {
		return msg + "; put them in emr.client_id and emr.client_secret"
	}
	return msg
}
