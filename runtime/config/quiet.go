package config

import (
	"fmt"
	"strings"
	"time"
)

// QuietHours is the part of each day, in the hospital's timezone, when
// reminders wait: one due from Start on is sent at End instead (deferred,
// never dropped). End before Start spans midnight ("21:00" to "08:00").
type QuietHours struct {
	Start string `yaml:"start"` // "HH:MM", 24-hour clock
	End   string `yaml:"end"`
}

// ParseClock reads "HH:MM" (24-hour clock, two digits each) as minutes
// after midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("%q is not a time of day such as 08:30", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Until reports whether t falls inside the quiet hours, read in loc, and
// when they end. Quiet hours that do not parse (validation refuses them)
// never hold. End is the wall-clock End of that day or the next, so it
// moves with daylight saving time.
func (q *QuietHours) Until(t time.Time, loc *time.Location) (time.Time, bool) {
	if q == nil || loc == nil {
		return time.Time{}, false
	}
	start, err1 := ParseClock(q.Start)
	end, err2 := ParseClock(q.End)
	if err1 != nil || err2 != nil || start == end {
		return time.Time{}, false
	}
	lt := t.In(loc)
	now := lt.Hour()*60 + lt.Minute()
	days := 0
	switch {
	case start < end && now >= start && now < end:
	case start > end && now >= start:
		days = 1
	case start > end && now < end:
	default:
		return time.Time{}, false
	}
	until := time.Date(lt.Year(), lt.Month(), lt.Day()+days, end/60, end%60, 0, 0, loc)
	if !until.After(t) {
		return time.Time{}, false // a wall time daylight saving time skipped
	}
	return until, true
}

// validateQuietHours checks both ends of the quiet hours.
func validateQuietHours(h *Hospital, bad report) {
	q := h.QuietHours
	if q == nil {
		return
	}
	q.Start, q.End = strings.TrimSpace(q.Start), strings.TrimSpace(q.End)
	start, err1 := ParseClock(q.Start)
	end, err2 := ParseClock(q.End)
	switch {
	case q.Start == "":
		bad("quiet_hours.start", "required: when reminders stop for the night, e.g. \"21:00\"")
	case err1 != nil:
		bad("quiet_hours.start", "%v", err1)
	}
	switch {
	case q.End == "":
		bad("quiet_hours.end", "required: when reminders may go out again, e.g. \"08:00\"")
	case err2 != nil:
		bad("quiet_hours.end", "%v", err2)
	}
	if err1 == nil && err2 == nil && start == end {
		bad("quiet_hours.end", "must differ from quiet_hours.start")
	}
}
