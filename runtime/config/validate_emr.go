package config

import (
	"slices"
	"strings"
)

// validateEMR checks the adapter settings for its kind, so that a
// hospital whose EMR cannot work is refused at start-up instead of failing
// a patient halfway through booking. Settings another kind would use are
// refused too: they signal a file edited for the wrong kind.
func validateEMR(e *EMR, bad report) {
	e.Kind = strings.ToLower(strings.TrimSpace(e.Kind))
	e.HID = strings.TrimSpace(e.HID)
	e.BaseURL = strings.TrimSpace(e.BaseURL)
	switch {
	case e.Timeout == 0:
		e.Timeout = DefaultEMRTimeout
	case e.Timeout < 0 || e.Timeout > MaxEMRTimeout:
		bad("emr.timeout", "must be greater than 0 and at most %s", MaxEMRTimeout)
	}
	if strings.ContainsAny(e.AuthHeader.Value(), "\r\n") {
		bad("emr.auth_header", "must be a single line")
	}
	if e.Kind != EMRKindFHIR {
		refuseFHIROnly(e, bad)
	}
	switch e.Kind {
	case EMRKindRESTAPI:
		if e.HID == "" {
			bad("emr.hid", "required for kind restapi: the EMR's id for this location")
		}
		validateEndpoints(e.Endpoints, bad)
		if e.BaseURL != "" {
			bad("emr.base_url", "only used by kind fhir; restapi takes emr.endpoints")
		}
	case EMRKindFHIR:
		if e.BaseURL == "" {
			bad("emr.base_url", "required for kind fhir")
		} else if msg := checkHTTPURL(e.BaseURL, true); msg != "" {
			bad("emr.base_url", "%s", urlHint(msg))
		}
		e.BaseURL = strings.TrimRight(e.BaseURL, "/")
		if len(e.Endpoints) > 0 {
			bad("emr.endpoints", "only used by kind restapi; fhir takes emr.base_url")
		}
		validateFHIR(e, bad)
	case EMRKindDemo:
		if len(e.Endpoints) > 0 || e.BaseURL != "" {
			bad("emr", "kind demo takes no endpoints or base_url")
		}
	case "":
		bad("emr.kind", "required: one of restapi, fhir, demo")
	default:
		bad("emr.kind", "%q is not one of restapi, fhir, demo", e.Kind)
	}
}

func validateEndpoints(endpoints map[string]string, bad report) {
	for _, name := range RequiredEndpoints() {
		if strings.TrimSpace(endpoints[name]) == "" {
			bad("emr.endpoints."+name, "required for kind restapi")
		}
	}
	known := append(RequiredEndpoints(), OptionalEndpoints()...)
	for _, name := range sortedKeys(endpoints) {
		field := "emr.endpoints." + name
		if !slices.Contains(known, name) {
			bad(field, "unknown endpoint (known: %s)", strings.Join(known, ", "))
			continue
		}
		u := strings.TrimSpace(endpoints[name])
		endpoints[name] = u
		if u == "" {
			// Reported above when required; a blank optional one is
			// dropped so that presence in the map means "offered".
			delete(endpoints, name)
			continue
		}
		if msg := checkHTTPURL(u, false); msg != "" {
			bad(field, "%s", urlHint(msg))
		}
	}
}

// urlHint points credentials found in an EMR URL to the masked field.
func urlHint(msg string) string {
	if strings.Contains(msg, "credentials") {
		return msg + "; put them in emr.auth_header"
	}
	return msg
}
