package reminder

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontdesk-health/frontdesk/emr/phone"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// Limits of a Spec.
const (
	// Tolerance is how far in the past a time may be and still count as
	// now (it fires at once): clocks of the EMR and ours differ a little.
	Tolerance = time.Minute
	// MaxAhead is how far ahead a reminder may be scheduled.
	MaxAhead       = 400 * 24 * time.Hour
	MaxOffsets     = 5
	MaxOffset      = 30 * 24 * time.Hour
	MaxTimes       = 8
	MaxDays        = 90
	MaxVariables   = 20
	MaxValue       = 500 // characters of a variable's value
	maxAppointment = 64  // characters of an appointment id
	maxMedicine    = 100 // characters of a medicine name
	maxURL         = 2048
)

var varKeyRe = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,31}$`)

// Kinds lists the kinds of reminder.
func Kinds() []string { return []string{KindAppointment, KindMedicine, KindFollowUp, KindFeedback} }

// validate checks a whole spec for hospital h at now and returns it
// normalised: the phone in E.164, medicine times trimmed and its first
// day filled in.
func validate(h *config.Hospital, s Spec, now time.Time) (Spec, error) {
	if !slices.Contains(Kinds(), s.Kind) {
		return s, bad(CodeInvalidKind, "kind", "must be one of %s", strings.Join(Kinds(), ", "))
	}
	p, err := phone.E164(s.Phone, h.CountryCode)
	if err != nil {
		return s, bad(CodeInvalidPhone, "phone", "must be an E.164 number or a national number of the hospital's country")
	}
	s.Phone = p
	if s, err = checkSchedule(h, s, now); err != nil {
		return s, err
	}
	return s, checkDetails(h, s)
}

// checkSchedule checks the one schedule a spec must have.
func checkSchedule(h *config.Hospital, s Spec, now time.Time) (Spec, error) {
	n := 0
	for _, set := range []bool{s.At != nil, s.Appointment != nil, s.Medicine != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return s, bad(CodeInvalidSchedule, "at", "exactly one of at, appointment and medicine is required")
	}
	switch {
	case s.At != nil:
		return s, checkTime("at", *s.At, now)
	case s.Appointment != nil:
		return s, checkAppointment(s.Appointment, now)
	}
	if s.Kind != KindMedicine {
		return s, bad(CodeInvalidSchedule, "medicine", "a medicine schedule needs kind %s", KindMedicine)
	}
	m := *s.Medicine
	s.Medicine = &m
	m.Times = slices.Clone(m.Times)
	return s, checkMedicine(h, s.Medicine, now)
}

// checkTime refuses a time that has passed or is too far ahead.
func checkTime(field string, t, now time.Time) error {
	switch {
	case t.IsZero():
		return bad(CodeRequired, field, "required")
	case t.Before(now.Add(-Tolerance)):
		return bad(CodeTimeInPast, field, "must not be in the past")
	case t.After(now.Add(MaxAhead)):
		return bad(CodeTooFar, field, "must be within %d days", int(MaxAhead/(24*time.Hour)))
	}
	return nil
}

func checkAppointment(a *Appointment, now time.Time) error {
	switch {
	case strings.TrimSpace(a.ID) == "":
		return bad(CodeRequired, "appointment.id", "required: the EMR's id of the appointment")
	case utf8.RuneCountInString(a.ID) > maxAppointment:
		return bad(CodeTooLong, "appointment.id", "at most %d characters", maxAppointment)
	}
	if err := checkTime("appointment.start", a.Start, now); err != nil {
		return err
	}
	switch {
	case len(a.Offsets) == 0:
		return bad(CodeRequired, "appointment.offsets", "1 to %d offsets before the start are required", MaxOffsets)
	case len(a.Offsets) > MaxOffsets:
		return bad(CodeInvalidOffset, "appointment.offsets", "at most %d offsets", MaxOffsets)
	}
	for i, off := range a.Offsets {
		field := fmt.Sprintf("appointment.offsets[%d]", i)
		switch {
		case off <= 0 || off > MaxOffset:
			return bad(CodeInvalidOffset, field, "must be more than 0 and at most %d days", int(MaxOffset/(24*time.Hour)))
		case slices.Contains(a.Offsets[:i], off):
			return bad(CodeInvalidOffset, field, "is listed twice")
		case a.Start.Add(-off).Before(now.Add(-Tolerance)):
			return bad(CodeTimeInPast, field, "falls in the past")
		}
	}
	return nil
}

func checkMedicine(h *config.Hospital, m *Medicine, now time.Time) error {
	m.Name = strings.TrimSpace(m.Name)
	switch {
	case m.Name == "":
		return bad(CodeRequired, "medicine.name", "required")
	case utf8.RuneCountInString(m.Name) > maxMedicine:
		return bad(CodeTooLong, "medicine.name", "at most %d characters", maxMedicine)
	case len(m.Times) == 0 || len(m.Times) > MaxTimes:
		return bad(CodeInvalidTime, "medicine.times", "1 to %d times of day are required", MaxTimes)
	case m.Days < 1 || m.Days > MaxDays:
		return bad(CodeInvalidDays, "medicine.days", "must be 1 to %d", MaxDays)
	}
	for i := range m.Times {
		field := fmt.Sprintf("medicine.times[%d]", i)
		m.Times[i] = strings.TrimSpace(m.Times[i])
		if _, err := config.ParseClock(m.Times[i]); err != nil {
			return bad(CodeInvalidTime, field, "must be a time of day such as 08:30")
		}
		if slices.Contains(m.Times[:i], m.Times[i]) {
			return bad(CodeInvalidTime, field, "is listed twice")
		}
		// A dose reminder moved to the morning would tell the patient to
		// take a bedtime dose at breakfast: refuse it up front instead.
		if inQuietHours(h, m.Times[i]) {
			return bad(CodeInQuietHours, field, "falls in the hospital's quiet hours (%s to %s)", h.QuietHours.Start, h.QuietHours.End)
		}
	}
	today := now.In(h.Location).Format(dateLayout)
	if m.From == "" {
		m.From = today
	}
	from, err := time.ParseInLocation(dateLayout, m.From, h.Location)
	if err != nil || from.Format(dateLayout) != m.From {
		return bad(CodeInvalidDate, "medicine.from", "must be a date such as 2026-01-31")
	}
	switch {
	case m.From < today:
		return bad(CodeTimeInPast, "medicine.from", "must be today or later (hospital's timezone)")
	case from.After(now.Add(MaxAhead)):
		return bad(CodeTooFar, "medicine.from", "must be within %d days", int(MaxAhead/(24*time.Hour)))
	}
	if _, ok := medicineNext(m, h.Location, now.Add(-Tolerance)); !ok {
		return bad(CodeTimeInPast, "medicine.times", "every time of the schedule has passed")
	}
	return nil
}

// inQuietHours reports whether a time of day falls in h's quiet hours.
func inQuietHours(h *config.Hospital, clock string) bool {
	if h.QuietHours == nil {
		return false
	}
	m, err := config.ParseClock(clock)
	if err != nil {
		return false
	}
	// Any ordinary day serves: only the time of day matters.
	day := time.Date(2001, 1, 1, m/60, m%60, 0, 0, time.UTC)
	_, quiet := h.QuietHours.Until(day, time.UTC)
	return quiet
}

// checkDetails checks the variables and the callback URL, which needs
// the hospital's callback secret to sign what is posted to it.
func checkDetails(h *config.Hospital, s Spec) error {
	if s.CallbackURL != "" {
		u, err := url.Parse(s.CallbackURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s.CallbackURL) > maxURL {
			return bad(CodeInvalidCallback, "callback_url", "must be an absolute http:// or https:// URL of at most %d bytes", maxURL)
		}
		if h.CallbackSecret.Value() == "" {
			return bad(CodeCallbackSecretMissing, "callback_url", "the hospital has no callback_secret configured to sign callbacks with")
		}
	}
	if len(s.Variables) > MaxVariables {
		return bad(CodeInvalidVars, "variables", "at most %d entries", MaxVariables)
	}
	for k, v := range s.Variables {
		if !varKeyRe.MatchString(k) {
			return bad(CodeInvalidVars, "variables", "keys must match [a-z_][a-z0-9_]{0,31}")
		}
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > MaxValue {
			return bad(CodeInvalidVars, "variables."+k, "must be UTF-8 text of at most %d characters", MaxValue)
		}
	}
	return nil
}
