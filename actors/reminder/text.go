package reminder

import (
	"maps"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// facts are the spec's variables with what the spec itself knows added
// when the EMR did not send it: `when` (the appointment's start on the
// hospital's clock, in its default language; a reminder said by the
// conversation gets it in the patient's language instead, see due) and
// `medicine` (the schedule's name). They fill the text and the template.
func facts(cat *catalog.Catalog, h *config.Hospital, s Spec) map[string]string {
	v := known(s)
	if a := s.Appointment; a != nil && v["when"] == "" {
		start := a.Start.In(h.Location)
		v["when"] = flow.Date(cat, h.Messages, h.DefaultLanguage(), start) + ", " + flow.Clock(start)
	}
	return v
}

// known is the spec's variables with the medicine's name added when the
// EMR did not send it.
func known(s Spec) map[string]string {
	v := maps.Clone(s.Variables)
	if v == nil {
		v = map[string]string{}
	}
	if m := s.Medicine; m != nil && v["medicine"] == "" {
		v["medicine"] = m.Name
	}
	return v
}

// text writes a reminder that expects no answer in the hospital's default
// language (the reminder actor does not know the patient's conversation
// language; reminders that expect an answer are written by the
// conversation, which does).
func text(cat *catalog.Catalog, h *config.Hospital, kind string, v map[string]string) string {
	return flow.ReminderText(cat, h, h.DefaultLanguage(), kind, v, "")
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
