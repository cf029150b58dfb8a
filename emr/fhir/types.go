package fhir

import (
	"strings"
)

// The FHIR R4 data types this adapter reads and writes, with only the
// fields it uses. Decoding ignores every other field; updates never go
// through these structs (see raw.go), so fields unknown here survive.

// Meta is a resource's version information.
type Meta struct {
	VersionID   string `json:"versionId,omitempty"`
	LastUpdated string `json:"lastUpdated,omitempty"`
}

// Reference points at another resource ("Patient/123").
type Reference struct {
	Reference string `json:"reference,omitempty"`
	Display   string `json:"display,omitempty"`
}

// Coding is one code from a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is codes plus text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// label is what a person reads for the concept: its text, else the first
// display.
func (c CodeableConcept) label() string {
	if c.Text != "" {
		return c.Text
	}
	for _, cd := range c.Coding {
		if cd.Display != "" {
			return cd.Display
		}
	}
	return ""
}

// has reports whether the concept carries system|code.
func (c CodeableConcept) has(system, code string) bool {
	for _, cd := range c.Coding {
		if cd.System == system && cd.Code == code {
			return true
		}
	}
	return false
}

// HumanName is a person's name.
type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
	Prefix []string `json:"prefix,omitempty"`
}

// String writes the name as it is addressed: its text, else prefix, given
// and family names.
func (n HumanName) String() string {
	if t := strings.TrimSpace(n.Text); t != "" {
		return t
	}
	parts := append(append(append([]string{}, n.Prefix...), n.Given...), n.Family)
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// bestName picks the name in use: official, then usual, then any that is
// not old.
func bestName(names []HumanName) string {
	for _, use := range []string{"official", "usual", ""} {
		for _, n := range names {
			if (use == "" && n.Use != "old" && n.Use != "maiden") || n.Use == use {
				if s := n.String(); s != "" {
					return s
				}
			}
		}
	}
	return ""
}

// ContactPoint is a phone number, email and the like.
type ContactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
	Use    string `json:"use,omitempty"`
}

// Address is a postal address.
type Address struct {
	Use  string   `json:"use,omitempty"`
	Text string   `json:"text,omitempty"`
	Line []string `json:"line,omitempty"`
}

// Attachment is a document's content or where to get it.
type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	URL         string `json:"url,omitempty"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

// OperationOutcome is a server's account of what went wrong.
type OperationOutcome struct {
	ResourceType string  `json:"resourceType"`
	Issue        []Issue `json:"issue"`
}

// Issue is one problem an OperationOutcome reports. Diagnostics is read
// so that it can be left out on purpose: it may quote patient data.
type Issue struct {
	Severity    string `json:"severity"`
	Code        string `json:"code"`
	Diagnostics string `json:"diagnostics,omitempty"`
}
