package reminder

import (
	"slices"
	"time"

	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// dateLayout is how a medicine schedule names its first day.
const dateLayout = "2006-01-02"

// occurrences lists every time a spec reminds, in order: its At, the
// appointment's start less each offset, or each medicine time of each
// day on the hospital's wall clock (so 08:00 stays 08:00 across daylight
// saving time). A stored reminder moves through them with Firing.Next.
func occurrences(s Spec, loc *time.Location) []time.Time {
	var out []time.Time
	switch {
	case s.At != nil:
		out = append(out, *s.At)
	case s.Appointment != nil:
		for _, off := range s.Appointment.Offsets {
			out = append(out, s.Appointment.Start.Add(-off))
		}
	case s.Medicine != nil:
		out = medicineTimes(s.Medicine, loc)
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

func medicineTimes(m *Medicine, loc *time.Location) []time.Time {
	from, err := time.ParseInLocation(dateLayout, m.From, loc)
	if err != nil {
		return nil
	}
	clocks := make([]int, 0, len(m.Times))
	for _, t := range m.Times {
		if c, err := config.ParseClock(t); err == nil {
			clocks = append(clocks, c)
		}
	}
	slices.Sort(clocks)
	out := make([]time.Time, 0, m.Days*len(clocks))
	for d := range m.Days {
		for _, c := range clocks {
			out = append(out, time.Date(from.Year(), from.Month(), from.Day()+d, c/60, c%60, 0, 0, loc))
		}
	}
	return out
}

// medicineNext is the first dose time after t.
func medicineNext(m *Medicine, loc *time.Location, t time.Time) (time.Time, bool) {
	return after(medicineTimes(m, loc), t)
}

// after returns the first of times (in order) later than t.
func after(times []time.Time, t time.Time) (time.Time, bool) {
	for _, o := range times {
		if o.After(t) {
			return o, true
		}
	}
	return time.Time{}, false
}

// firstDue is when a newly stored spec first fires: its first time not
// more than Tolerance ago (such a time fires at once).
func firstDue(s Spec, loc *time.Location, now time.Time) (time.Time, bool) {
	return after(occurrences(s, loc), now.Add(-Tolerance-time.Nanosecond))
}

// isOccurrence reports whether t is one of the spec's own times (a due
// time that is not was moved out of quiet hours).
func isOccurrence(s Spec, loc *time.Location, t time.Time) bool {
	return slices.ContainsFunc(occurrences(s, loc), t.Equal)
}
