package restapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// TestMobileNumber checks the national number the EMR receives: the
// E.164 number without '+' and the hospital's country code; a number from
// another country, or a hospital without a country code, gets its digits
// unchanged rather than a wrong truncation.
func TestMobileNumber(t *testing.T) {
	tests := []struct {
		name, countryCode, e164, want string
	}{
		{"Indian number", "91", "+919876543210", "9876543210"},
		{"country code with plus", "+91", "+919876543210", "9876543210"},
		{"no plus", "91", "919876543210", "9876543210"},
		{"spaces and dashes", "91", "+91 98765-43210", "9876543210"},
		{"foreign number", "91", "+14155550100", "14155550100"},
		{"Indian patient at a US hospital", "1", "+919876543210", "919876543210"},
		{"hospital without country code", "", "+919876543210", "919876543210"},
		{"only the country code", "91", "+91", "91"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newClient(t, func(h *config.Hospital) { h.CountryCode = tc.countryCode })

			_, err := c.FindPatients(t.Context(), tc.e164)
			require.NoError(t, err)
			_, err = c.Upcoming(t.Context(), emr.PatientRef{ID: "1", Mobile: tc.e164})
			require.NoError(t, err)
			_, err = c.Register(t.Context(), emr.NewPatient{Name: "N", Age: 30, Mobile: tc.e164})
			if len(tc.want) >= 6 { // the fake refuses implausible numbers
				require.NoError(t, err)
			}

			for _, op := range []string{"match_mobile", "upcoming", "register"} {
				calls := fake.CallsTo(op)
				require.Len(t, calls, 1, op)
				assert.Equal(t, tc.want, calls[0].Fields["mobile"], op)
			}
		})
	}
}
