package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuietHoursConfig(t *testing.T) {
	const entry = "hospitals:\n  - code: abc\n    name: A\n    helpline: '1'\n    sender: 'whatsapp:+14155238886'\n    country_code: '91'\n    emr: {kind: demo}\n"
	tests := []struct{ name, yaml, want string }{
		{"good", "    quiet_hours: {start: '21:00', end: ' 08:00'}\n", ""},
		{"same day", "    quiet_hours: {start: '13:00', end: '14:30'}\n", ""},
		{"start missing", "    quiet_hours: {end: '08:00'}\n", "quiet_hours.start: required"},
		{"end malformed", "    quiet_hours: {start: '21:00', end: '8am'}\n", `quiet_hours.end: "8am" is not a time of day`},
		{"one digit hour", "    quiet_hours: {start: '9:00', end: '08:00'}\n", `quiet_hours.start: "9:00" is not a time of day`},
		{"out of range", "    quiet_hours: {start: '24:00', end: '08:00'}\n", `quiet_hours.start: "24:00" is not a time of day`},
		{"empty span", "    quiet_hours: {start: '08:00', end: '08:00'}\n", "quiet_hours.end: must differ from quiet_hours.start"},
		{"unknown field", "    quiet_hours: {start: '21:00', end: '08:00', days: [sun]}\n", "quiet_hours.days: unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs, err := LoadHospitals(writeHospitals(t, entry+tc.yaml), envOf(nil))
			if tc.want == "" {
				require.NoError(t, err)
				require.NotNil(t, hs[0].QuietHours)
				assert.Regexp(t, `^\d\d:\d\d$`, hs[0].QuietHours.End, "trimmed")
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), `hospitals[0] (code "abc"): `+tc.want)
		})
	}
}

func TestQuietHoursUntil(t *testing.T) {
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	night := &QuietHours{Start: "21:00", End: "08:00"}
	lunch := &QuietHours{Start: "13:00", End: "14:00"}
	at := func(loc *time.Location, y int, m time.Month, d, hh, mm int) time.Time {
		return time.Date(y, m, d, hh, mm, 0, 0, loc)
	}
	tests := []struct {
		name  string
		q     *QuietHours
		loc   *time.Location
		t     time.Time
		until time.Time // zero: not quiet
	}{
		{"evening before start", night, kolkata, at(kolkata, 2026, 11, 24, 20, 59), time.Time{}},
		{"at start", night, kolkata, at(kolkata, 2026, 11, 24, 21, 0), at(kolkata, 2026, 11, 25, 8, 0)},
		{"before midnight", night, kolkata, at(kolkata, 2026, 11, 24, 23, 30), at(kolkata, 2026, 11, 25, 8, 0)},
		{"after midnight", night, kolkata, at(kolkata, 2026, 11, 25, 2, 0), at(kolkata, 2026, 11, 25, 8, 0)},
		{"last minute", night, kolkata, at(kolkata, 2026, 11, 25, 7, 59), at(kolkata, 2026, 11, 25, 8, 0)},
		{"at end", night, kolkata, at(kolkata, 2026, 11, 25, 8, 0), time.Time{}},
		{"read in the hospital's zone, not UTC", night, kolkata, time.Date(2026, 11, 24, 16, 0, 0, 0, time.UTC), at(kolkata, 2026, 11, 25, 8, 0)},
		{"same-day span inside", lunch, kolkata, at(kolkata, 2026, 11, 24, 13, 30), at(kolkata, 2026, 11, 24, 14, 0)},
		{"same-day span outside", lunch, kolkata, at(kolkata, 2026, 11, 24, 12, 59), time.Time{}},
		// 2026-03-08: New York springs forward at 02:00 (EST to EDT); the
		// night before lasts an hour less, and 08:00 is still 08:00.
		{"night into spring forward", night, newYork, at(newYork, 2026, 3, 7, 22, 0), at(newYork, 2026, 3, 8, 8, 0)},
		// 2026-11-01: New York falls back at 02:00 (EDT to EST).
		{"night into fall back", night, newYork, at(newYork, 2026, 10, 31, 23, 0), at(newYork, 2026, 11, 1, 8, 0)},
		{"nil quiet hours", nil, kolkata, at(kolkata, 2026, 11, 24, 23, 0), time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			until, quiet := tc.q.Until(tc.t, tc.loc)
			assert.Equal(t, !tc.until.IsZero(), quiet)
			assert.True(t, tc.until.Equal(until), "until %v, want %v", until, tc.until)
		})
	}
	// Across daylight saving time the night is shorter or longer in real
	// time, but it ends at 08:00 on the wall clock.
	spring, _ := night.Until(at(newYork, 2026, 3, 7, 22, 0), newYork)
	assert.Equal(t, 9*time.Hour, spring.Sub(at(newYork, 2026, 3, 7, 22, 0)))
	fall, _ := night.Until(at(newYork, 2026, 10, 31, 23, 0), newYork)
	assert.Equal(t, 10*time.Hour, fall.Sub(at(newYork, 2026, 10, 31, 23, 0)))
}
