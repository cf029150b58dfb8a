package reminder

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestOccurrences(t *testing.T) {
	utc := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, time.UTC) }
	start := utc(2026, 11, 30, 4, 30) // 10:00 in Kolkata
	tests := []struct {
		name string
		spec Spec
		loc  *time.Location
		want []time.Time
	}{
		{"at", Spec{At: ptr(start)}, kolkata, []time.Time{start}},
		{"appointment offsets in time order", Spec{Appointment: &Appointment{Start: start, Offsets: []time.Duration{2 * time.Hour, 24 * time.Hour, 30 * time.Minute}}}, kolkata,
			[]time.Time{start.Add(-24 * time.Hour), start.Add(-2 * time.Hour), start.Add(-30 * time.Minute)}},
		{"medicine doses in Kolkata, unordered times", Spec{Medicine: &Medicine{Times: []string{"20:00", "08:00"}, Days: 2, From: "2026-11-24"}}, kolkata,
			[]time.Time{utc(2026, 11, 24, 2, 30), utc(2026, 11, 24, 14, 30), utc(2026, 11, 25, 2, 30), utc(2026, 11, 25, 14, 30)}},
		// New York springs forward on 2026-03-08: 08:00 is 13:00 UTC before and 12:00 UTC after.
		{"medicine across spring forward", Spec{Medicine: &Medicine{Times: []string{"08:00"}, Days: 3, From: "2026-03-07"}}, newYork,
			[]time.Time{utc(2026, 3, 7, 13, 0), utc(2026, 3, 8, 12, 0), utc(2026, 3, 9, 12, 0)}},
		// And falls back on 2026-11-01: a 01:30 dose exists twice that night; it is reminded once.
		{"medicine across fall back", Spec{Medicine: &Medicine{Times: []string{"01:30", "21:00"}, Days: 2, From: "2026-10-31"}}, newYork,
			[]time.Time{utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 1, 0), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 2, 0)}},
		{"medicine over a month end", Spec{Medicine: &Medicine{Times: []string{"09:00"}, Days: 2, From: "2026-11-30"}}, kolkata,
			[]time.Time{utc(2026, 11, 30, 3, 30), utc(2026, 12, 1, 3, 30)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := occurrences(tc.spec, tc.loc)
			assert.Len(t, got, len(tc.want))
			for i := range min(len(got), len(tc.want)) {
				assert.True(t, tc.want[i].Equal(got[i]), "occurrence %d: %v, want %v", i, got[i].UTC(), tc.want[i])
			}
		})
	}
}

func TestNextAndFirstDue(t *testing.T) {
	s := Spec{Medicine: &Medicine{Times: []string{"08:00", "20:00"}, Days: 2, From: "2026-11-24"}}
	dose := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, kolkata) }
	occ := occurrences(s, kolkata)

	next, ok := after(occ, dose(24, 8))
	assert.True(t, ok)
	assert.True(t, dose(24, 20).Equal(next), "strictly after")
	_, ok = after(occ, dose(25, 20))
	assert.False(t, ok, "nothing after the last dose")

	first, ok := firstDue(s, kolkata, dose(24, 8).Add(30*time.Second))
	assert.True(t, ok)
	assert.True(t, dose(24, 8).Equal(first), "a dose within the tolerance still counts")
	first, _ = firstDue(s, kolkata, dose(24, 8).Add(2*time.Minute))
	assert.True(t, dose(24, 20).Equal(first))

	assert.True(t, isOccurrence(s, kolkata, dose(25, 8)))
	assert.False(t, isOccurrence(s, kolkata, dose(25, 9)), "a time moved out of quiet hours is no dose time")
}
