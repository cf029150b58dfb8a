package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	sidA = "HX0123456789abcdef0123456789abcdef"
	sidB = "HXfedcba9876543210fedcba9876543210"
)

// hospitalWith is a minimal valid hospital file with extra lines added to
// its one entry (indented as fields of the entry).
func hospitalWith(extra string) string {
	return "hospitals:\n  - code: abc\n    name: A\n    helpline: '1'\n    sender: 'whatsapp:+14155238886'\n" +
		"    country_code: '91'\n    emr: {kind: demo}\n" + extra
}

func TestTemplatesBothForms(t *testing.T) {
	text := hospitalWith("    templates:\n" +
		"      push: " + sidA + "\n" +
		"      appointment_reminder: {sid: ' " + sidB + " ', variables: [patient_name, ' when ']}\n" +
		"      reminder:\n        sid: ${REMINDER_SID}\n")
	hs, err := LoadHospitals(writeHospitals(t, text), envOf(map[string]string{"REMINDER_SID": sidA}))
	require.NoError(t, err)
	assert.Equal(t, Templates{
		"push":                 {SID: sidA},
		"appointment_reminder": {SID: sidB, Variables: []string{"patient_name", "when"}},
		"reminder":             {SID: sidA},
	}, hs[0].Templates, "short and long forms decode; SIDs and names are trimmed; ${VAR} expands in the long form")

	name, tpl, ok := hs[0].Templates.Lookup("medicine_reminder", "", "appointment_reminder", "reminder")
	require.True(t, ok)
	assert.Equal(t, "appointment_reminder", name, "the first name the hospital has wins")
	assert.Equal(t, sidB, tpl.SID)
	_, _, ok = hs[0].Templates.Lookup("confirmation")
	assert.False(t, ok)
}

func TestTemplatesRefused(t *testing.T) {
	tests := []struct{ name, lines, field, msg string }{
		{"bad sid", "      push: reminder_v1\n", "templates.push", "must be a Twilio Content SID"},
		{"bad sid long form", "      push: {sid: HX12, variables: [a]}\n", "templates.push", "must be a Twilio Content SID"},
		{"missing sid", "      push: {variables: [a]}\n", "templates.push", "must be a Twilio Content SID"},
		{"unknown field", "      push: {sid: " + sidA + ", vars: [a]}\n", "templates.push.vars", "unknown field (line 9)"},
		{"list", "      push: [" + sidA + "]\n", "templates.push", "must be a mapping (line 9)"},
		{"variables not a list", "      push:\n        sid: " + sidA + "\n        variables: when\n", "templates.push.variables", "must be a list (line 11)"},
		{"variable name", "      push: {sid: " + sidA + ", variables: [ok, Patient Name]}\n", "templates.push.variables[1]", "fills {{2}}"},
		{"variable twice", "      push: {sid: " + sidA + ", variables: [when, when]}\n", "templates.push.variables[1]", `"when" is listed twice`},
		{"too many", "      push: {sid: " + sidA + ", variables: [" + manyVars(MaxTemplateVariables+1) + "]}\n", "templates.push.variables", "at most 20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadHospitals(writeHospitals(t, hospitalWith("    templates:\n"+tt.lines)), envOf(nil))
			require.Error(t, err)
			assert.Contains(t, err.Error(), `hospitals[0] (code "abc"): `+tt.field+": ")
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func manyVars(n int) string {
	vs := make([]string, n)
	for i := range vs {
		vs[i] = "v" + strings.Repeat("x", i)
	}
	return strings.Join(vs, ", ")
}

func TestSendRate(t *testing.T) {
	tests := []struct {
		name, line string
		want       int
		err        string
	}{
		{"default", "", DefaultSendRate, ""},
		{"set", "    send_rate: 20\n", 20, ""},
		{"highest", "    send_rate: 1000\n", 1000, ""},
		{"negative", "    send_rate: -1\n", 0, "send_rate: must be 1-1000 messages per second"},
		{"too high", "    send_rate: 1001\n", 0, "send_rate: must be 1-1000 messages per second"},
		{"not a number", "    send_rate: fast\n", 0, "send_rate: wrong type, want int (line 8)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, err := LoadHospitals(writeHospitals(t, hospitalWith(tt.line)), envOf(nil))
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, hs[0].SendRate)
		})
	}
}

func TestSenderRatesLowestWins(t *testing.T) {
	const s1, s2, s3 = "whatsapp:+14155238886", "whatsapp:+14155238887", "whatsapp:+14155238888"
	rates := SenderRates([]Hospital{
		{Sender: s1, SendRate: 80},
		{Sender: s1, SendRate: 20},
		{Sender: s1}, // unset: the default, which does not raise 20
		{Sender: s2, SendRate: 500},
		{Sender: s3},
	})
	assert.Equal(t, map[string]int{s1: 20, s2: 500, s3: DefaultSendRate}, rates)
}
