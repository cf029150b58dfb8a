package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hospitalYAML is one valid demo-kind hospital whose name and welcome
// are given, to exercise expansion in isolation.
func hospitalYAML(name, welcome string) string {
	return "hospitals:\n  - code: abc\n    name: '" + name + "'\n    welcome: '" + welcome + "'\n" +
		"    helpline: '+919800000000'\n    sender: 'whatsapp:+14155238886'\n    country_code: '91'\n" +
		"    emr: {kind: demo}\n    messages: {en: {welcome: 'Hi ${name}'}}\n"
}

// writeHospitals writes text to a hospitals file in a fresh temporary
// directory, removed when the test ends.
func writeHospitals(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hospitals.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func TestExpansion(t *testing.T) {
	tests := []struct {
		name, field string
		env         map[string]string
		want        string
	}{
		{"one variable", "${CITY} Hospital", map[string]string{"CITY": "Pune"}, "Pune Hospital"},
		{"two variables", "${A}-${B}", map[string]string{"A": "x", "B": "y"}, "x-y"},
		{"no braces is literal", "$HOME Clinic", map[string]string{"HOME": "/root"}, "$HOME Clinic"},
		{"value cannot add yaml", "${INJECT}", map[string]string{"INJECT": "x\n    colour: blue"}, "x\n    colour: blue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, err := LoadHospitals(writeHospitals(t, hospitalYAML(tt.field, "")), envOf(tt.env))
			require.NoError(t, err)
			assert.Equal(t, tt.want, hs[0].Name)
			assert.Equal(t, "Hi ${name}", hs[0].Messages["en"]["welcome"], "messages are not expanded")
		})
	}
}

func TestExpansionErrors(t *testing.T) {
	tests := []struct{ name, welcome, want string }{
		{"unset variable", "Hello ${CITY_UNSET}", `hospitals[0] (code "abc"): welcome: environment variable CITY_UNSET is unset or empty`},
		{"empty variable", "Hello ${EMPTY}", `hospitals[0] (code "abc"): welcome: environment variable EMPTY is unset or empty`},
		{"malformed reference", "Hello ${1CITY}", `hospitals[0] (code "abc"): welcome: malformed ${...} reference`},
		{"unterminated reference", "Hello ${CITY", `hospitals[0] (code "abc"): welcome: malformed ${...} reference`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeHospitals(t, hospitalYAML("ABC", tt.welcome))
			_, err := LoadHospitals(path, envOf(map[string]string{"EMPTY": ""}))
			require.Error(t, err)
			assert.Contains(t, err.Error(), path+": "+tt.want)
		})
	}
}

func TestExpandedValuesAreValidated(t *testing.T) {
	text := "hospitals:\n  - code: abc\n    name: ABC\n    helpline: '1'\n    sender: ${SENDER}\n    country_code: '91'\n" +
		"    emr: {kind: fhir, base_url: '${FHIR_URL}'}\n"
	path := writeHospitals(t, text)
	hs, err := LoadHospitals(path, envOf(map[string]string{"SENDER": "whatsapp:+14155238886", "FHIR_URL": "https://fhir.example/R4/"}))
	require.NoError(t, err)
	assert.Equal(t, "https://fhir.example/R4", hs[0].EMR.BaseURL)

	_, err = LoadHospitals(path, envOf(map[string]string{"SENDER": "whatsapp:+14155238886", "FHIR_URL": "fhir.example"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `hospitals[0] (code "abc"): emr.base_url: must be an absolute http:// or https:// URL`)
}
