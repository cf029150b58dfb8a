package reminder

import (
	"maps"
	"strings"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// whenLayout shows an appointment's start to the patient, on the
// hospital's wall clock.
const whenLayout = "Mon 2 Jan, 15:04"

// facts are the spec's variables with what the spec itself knows added
// when the EMR did not send it: `when` (the appointment's start) and
// `medicine` (the schedule's name). They fill the text and the template.
func facts(h *config.Hospital, s Spec) map[string]string {
	v := maps.Clone(s.Variables)
	if v == nil {
		v = map[string]string{}
	}
	if a := s.Appointment; a != nil && v["when"] == "" {
		v["when"] = a.Start.In(h.Location).Format(whenLayout)
	}
	if m := s.Medicine; m != nil && v["medicine"] == "" {
		v["medicine"] = m.Name
	}
	return v
}

// text writes a reminder in the hospital's default language (a reminder
// does not know the patient's conversation language): an optional
// greeting, the kind's line, optional doctor, dose and note lines, and how
// to stop this kind of reminder.
func text(cat *catalog.Catalog, h *config.Hospital, kind string, v map[string]string) string {
	lang := h.DefaultLanguage()
	t := func(key string, args ...string) string { return cat.Text(lang, h.Messages, key, args...) }
	var lines []string
	if n := v["patient_name"]; n != "" {
		lines = append(lines, t("reminder_greeting", "name", n))
	}
	hosp := h.Name
	switch kind {
	case KindAppointment:
		if w := v["when"]; w != "" {
			lines = append(lines, t("reminder_appointment", "hospital", hosp, "when", w))
		} else {
			lines = append(lines, t("reminder_appointment_soon", "hospital", hosp))
		}
	case KindMedicine:
		if m := v["medicine"]; m != "" {
			lines = append(lines, t("reminder_medicine", "hospital", hosp, "medicine", m))
		} else {
			lines = append(lines, t("reminder_medicine_any", "hospital", hosp))
		}
	case KindFollowUp:
		if w := v["when"]; w != "" {
			lines = append(lines, t("reminder_follow_up_when", "hospital", hosp, "when", w))
		} else {
			lines = append(lines, t("reminder_follow_up", "hospital", hosp))
		}
	case KindFeedback:
		lines = append(lines, t("reminder_feedback", "hospital", hosp))
	}
	if d := v["doctor"]; d != "" {
		lines = append(lines, t("reminder_doctor", "doctor", d))
	}
	if d := v["dose"]; d != "" {
		lines = append(lines, t("reminder_dose", "dose", d))
	}
	if n := strings.TrimSpace(v["note"]); n != "" {
		lines = append(lines, n)
	}
	lines = append(lines, "", t("reminder_stop", "kind", kind))
	return strings.Join(lines, "\n")
}

// message is the outbound message of one reminder firing: the text for
// inside WhatsApp's 24-hour window, and what the outbound actor needs to
// send the hospital's "<kind>_reminder" template outside it.
func message(h *config.Hospital, s Spec, v map[string]string, body string) outbound.Message {
	return outbound.Message{
		To: s.Phone, From: h.Sender, Body: body, Hospital: h.Code,
		Kind: outbound.KindReminder, ReminderKind: s.Kind, Variables: v,
	}
}
