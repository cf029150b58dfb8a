package flow

import (
	"strings"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// The kinds of reminder whose wording this package writes (the kinds
// actors/reminder stores; a test checks they agree).
const (
	KindAppointment = "appointment"
	KindMedicine    = "medicine"
	KindFollowUp    = "follow_up"
	KindFeedback    = "feedback"
)

// ReminderText writes a reminder in lang with hospital h's wording
// overrides: an optional greeting, the kind's line, optional doctor, dose
// and note lines, then ask (the question a reminder that expects an
// answer puts to the patient; empty for none) and how to stop this kind of
// reminder. v holds the reminder's variables (patient_name, when, doctor,
// dose, medicine, note). It lives here rather than in actors/reminder
// because a reminder that expects an answer is said by the conversation,
// in the conversation's language.
func ReminderText(cat *catalog.Catalog, h *config.Hospital, lang, kind string, v map[string]string, ask string) string {
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
	if ask != "" {
		lines = append(lines, "", ask)
	}
	lines = append(lines, "", t("reminder_stop", "kind", kind))
	return strings.Join(lines, "\n")
}
