package fhir

import "encoding/json"

// The FHIR R4 resources this adapter touches, with only the fields it
// reads or creates.

// Patient is a person receiving care.
type Patient struct {
	ResourceType string         `json:"resourceType"`
	ID           string         `json:"id,omitempty"`
	Meta         *Meta          `json:"meta,omitempty"`
	Active       *bool          `json:"active,omitempty"`
	Name         []HumanName    `json:"name,omitempty"`
	Telecom      []ContactPoint `json:"telecom,omitempty"`
	Gender       string         `json:"gender,omitempty"`
	BirthDate    string         `json:"birthDate,omitempty"`
	Address      []Address      `json:"address,omitempty"`
}

// Practitioner is a doctor.
type Practitioner struct {
	ID            string          `json:"id"`
	Name          []HumanName     `json:"name,omitempty"`
	Qualification []qualification `json:"qualification,omitempty"`
}

type qualification struct {
	Code CodeableConcept `json:"code"`
}

// PractitionerRole is a doctor working for a service at locations: the
// adapter's "doctor".
type PractitionerRole struct {
	ID                string            `json:"id"`
	Active            *bool             `json:"active,omitempty"`
	Practitioner      *Reference        `json:"practitioner,omitempty"`
	Location          []Reference       `json:"location,omitempty"`
	HealthcareService []Reference       `json:"healthcareService,omitempty"`
	Specialty         []CodeableConcept `json:"specialty,omitempty"`
}

// HealthcareService is a department.
type HealthcareService struct {
	ID     string `json:"id"`
	Active *bool  `json:"active,omitempty"`
	Name   string `json:"name,omitempty"`
}

// Location is a building or site.
type Location struct {
	ID string `json:"id"`
}

// Schedule is the calendar a doctor's slots belong to.
type Schedule struct {
	ID     string      `json:"id"`
	Active *bool       `json:"active,omitempty"`
	Actor  []Reference `json:"actor,omitempty"`
}

// Slot is a bookable time.
type Slot struct {
	ID       string    `json:"id"`
	Meta     *Meta     `json:"meta,omitempty"`
	Schedule Reference `json:"schedule"`
	Status   string    `json:"status"`
	Start    string    `json:"start"`
	End      string    `json:"end"`
}

// Appointment is a booked visit.
type Appointment struct {
	ResourceType    string            `json:"resourceType"`
	ID              string            `json:"id,omitempty"`
	Meta            *Meta             `json:"meta,omitempty"`
	Status          string            `json:"status"`
	ServiceType     []CodeableConcept `json:"serviceType,omitempty"`
	Specialty       []CodeableConcept `json:"specialty,omitempty"`
	AppointmentType *CodeableConcept  `json:"appointmentType,omitempty"`
	ReasonCode      []CodeableConcept `json:"reasonCode,omitempty"`
	Description     string            `json:"description,omitempty"`
	Start           string            `json:"start,omitempty"`
	End             string            `json:"end,omitempty"`
	Created         string            `json:"created,omitempty"`
	Slot            []Reference       `json:"slot,omitempty"`
	Participant     []Participant     `json:"participant"`
}

// Participant is someone taking part in an appointment.
type Participant struct {
	Actor    Reference `json:"actor"`
	Required string    `json:"required,omitempty"`
	Status   string    `json:"status"`
}

// DocumentReference is a document about a patient.
type DocumentReference struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id,omitempty"`
	Status       string            `json:"status"`
	Type         *CodeableConcept  `json:"type,omitempty"`
	Category     []CodeableConcept `json:"category,omitempty"`
	Subject      *Reference        `json:"subject,omitempty"`
	Date         string            `json:"date,omitempty"`
	Description  string            `json:"description,omitempty"`
	Content      []DocumentContent `json:"content"`
}

// DocumentContent is one attachment of a DocumentReference.
type DocumentContent struct {
	Attachment Attachment `json:"attachment"`
}

// DiagnosticReport is a report, shown when it has a presented form.
type DiagnosticReport struct {
	ID                string          `json:"id"`
	Status            string          `json:"status"`
	Code              CodeableConcept `json:"code"`
	EffectiveDateTime string          `json:"effectiveDateTime,omitempty"`
	Issued            string          `json:"issued,omitempty"`
	PresentedForm     []Attachment    `json:"presentedForm,omitempty"`
}

// Bundle is a search result, a transaction or its response.
type Bundle struct {
	ResourceType string        `json:"resourceType"`
	Type         string        `json:"type"`
	Link         []BundleLink  `json:"link,omitempty"`
	Entry        []BundleEntry `json:"entry,omitempty"`
}

// BundleLink is a paging link.
type BundleLink struct {
	Relation string `json:"relation"`
	URL      string `json:"url"`
}

// BundleEntry is one resource, request or response of a Bundle.
type BundleEntry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Search   *EntrySearch    `json:"search,omitempty"`
	Request  *EntryRequest   `json:"request,omitempty"`
	Response *EntryResponse  `json:"response,omitempty"`
}

// EntrySearch says whether a search entry matched or was included.
type EntrySearch struct {
	Mode string `json:"mode,omitempty"`
}

// EntryRequest is what a transaction entry asks for.
type EntryRequest struct {
	Method  string `json:"method"`
	URL     string `json:"url"`
	IfMatch string `json:"ifMatch,omitempty"`
}

// EntryResponse is what a transaction entry did.
type EntryResponse struct {
	Status   string `json:"status"`
	Location string `json:"location,omitempty"`
}
