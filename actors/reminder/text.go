package reminder

import (
	"context"
	"maps"
	"slices"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// facts are the spec's variables with what the spec itself knows added
// when the EMR did not send it: `when` (the appointment's start on the
// hospital's clock, in lang; a reminder said by the conversation gets it
// there, see due) and `medicine` (the schedule's name). They fill the text
// and the template.
func facts(cat *catalog.Catalog, h *config.Hospital, lang string, s Spec) map[string]string {
	v := known(s)
	if a := s.Appointment; a != nil && v["when"] == "" {
		start := a.Start.In(h.Location)
		v["when"] = flow.Date(cat, h.Messages, lang, start) + ", " + flow.Clock(start)
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

// text writes a reminder that expects no answer in lang (reminders that
// expect an answer are written by the conversation).
func text(cat *catalog.Catalog, h *config.Hospital, lang, kind string, v map[string]string) string {
	return flow.ReminderText(cat, h, lang, kind, v, "")
}

// language is what a reminder that expects no answer is written in: the
// language the patient last used in their conversation on the hospital's
// sender (ActorOptions.Language), when the hospital speaks it, else the
// hospital's default. A hospital with one language needs no lookup.
func (f *firer) language(ctx context.Context, h *config.Hospital, s Spec) (string, error) {
	if f.o.Language == nil || len(h.Languages) < 2 {
		return h.DefaultLanguage(), nil
	}
	lang, err := f.o.Language(ctx, h.Sender, s.Phone)
	if err != nil {
		return "", err
	}
	if slices.Contains(h.Languages, lang) {
		return lang, nil
	}
	return h.DefaultLanguage(), nil
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
