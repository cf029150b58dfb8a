// Package fhir is the EMR adapter for FHIR R4 servers (emr.kind "fhir"):
// a hospital whose EMR speaks FHIR connects the bot with a base URL and
// credentials, no custom API work. docs/emr-fhir.md maps each step of the
// conversation to the resources and searches used here.
//
// Patients are found by phone (Patient?telecom= with the E.164 and
// national forms) and registered with a Patient create; departments are
// the location's HealthcareServices or the distinct specialties of its
// PractitionerRoles; doctors are PractitionerRoles with their
// Practitioner's name; times are the free Slots of the doctor's
// Schedules; a booking creates the Appointment and marks its Slot busy in
// one transaction Bundle whose Slot update carries If-Match, so two
// patients racing for one slot cannot both get it. Records are
// DocumentReferences and DiagnosticReports with an attachment URL;
// uploads and profile photos are stored as attachment URLs; address and
// photo changes update the Patient with If-Match, keeping every field this
// package does not know.
//
// Failures come back as *emr.Error: the server unreachable, slow or
// answering 5xx, 401/403 (credentials) or something unreadable is
// Unavailable; 409 and 412 are Conflict; any other 4xx is Rejected with an
// empty Display, since a server's diagnostics are not for patients. Error
// texts name the request's method, resource type, HTTP status and the
// OperationOutcome's issue severities and codes, never its diagnostics,
// ids, URLs or any patient data, so the hospital actor can log them.
package fhir
