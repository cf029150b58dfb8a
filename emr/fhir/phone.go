package fhir

import "strings"

// phoneForms are the ways an EMR may have stored an E.164 mobile: as is,
// without '+', and in national form with and without a trunk 0 (when the
// number is from the hospital's country). +919800000102 with country code
// 91 gives +919800000102, 919800000102, 9800000102 and 09800000102.
func phoneForms(e164, countryCode string) []string {
	digits := strings.TrimPrefix(e164, "+")
	forms := []string{"+" + digits, digits}
	if national, ok := strings.CutPrefix(digits, countryCode); ok && countryCode != "" && national != "" {
		forms = append(forms, national, "0"+national)
	}
	return forms
}

// phoneMatches reports whether a stored phone number is one of forms once
// spaces, dashes, dots and brackets are ignored. The search already asked
// for these forms; checking again keeps a server that ignores an unknown
// search parameter (and so returns every patient) from putting strangers
// in a family chooser.
func phoneMatches(stored string, forms []string) bool {
	var b strings.Builder
	for _, r := range stored {
		if r >= '0' && r <= '9' || r == '+' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	for _, f := range forms {
		if s == f {
			return true
		}
	}
	return false
}
