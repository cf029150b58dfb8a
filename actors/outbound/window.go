package outbound

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// WhatsApp lets a business send free-form messages only within 24 hours
// of the patient's last message; outside that window only approved
// templates go through (Twilio error 63016 otherwise). Replies are inside
// it by construction (the patient just wrote). Every other message is
// checked before it is sent, against the inbound time its conversation
// committed (persistence.Deliveries.LastInbound), and goes as the
// hospital's template when the window is closed, or is held as not
// deliverable when the hospital has no template for it.

// The reasons a message is held as not deliverable (LastError of the
// entry, label of frontdesk_undeliverable_total).
const (
	ReasonNoTemplate      = "outside_window_no_template"
	ReasonVariableMissing = "template_variable_missing"
)

// Built-in template variables every message can fill.
const (
	VarBody     = "body"     // the message's text
	VarHospital = "hospital" // the hospital's name
)

// DefaultWindow is WhatsApp's customer-service window.
const DefaultWindow = 24 * time.Hour

// outsideWindow reports whether m must go as a template: the hospital's
// side starts it and the patient has not written within the window.
func outsideWindow(ctx context.Context, opts Options, e persistence.OutboxEntry, m Message) (bool, error) {
	if opts.Window <= 0 || !m.Kind.initiated() {
		return false, nil
	}
	last, err := opts.Deliveries.LastInbound(ctx, e.Sender, e.Lane)
	if err != nil {
		return false, fmt.Errorf("read last inbound time: %w", err)
	}
	return last.IsZero() || opts.Now().Sub(last) >= opts.Window, nil
}

// templateNames are the template names tried for m, in order: the one it
// asks for, then its reminder kind's, then its kind's.
func (m Message) templateNames() []string {
	var names []string
	if m.Template != "" {
		names = append(names, m.Template)
	}
	if m.Kind == KindReminder && m.ReminderKind != "" {
		names = append(names, m.ReminderKind+"_reminder")
	}
	kind := m.Kind
	if kind == "" {
		kind = KindReply
	}
	return append(names, string(kind))
}

// asTemplate turns m into its template form for hospital h: ContentSID
// and ContentVariables set, body and media dropped (a template carries
// its own). It returns the reason when that cannot be done.
func asTemplate(m *Message, h *config.Hospital) string {
	if h == nil {
		return ReasonNoTemplate
	}
	_, t, ok := h.Templates.Lookup(m.templateNames()...)
	if !ok {
		return ReasonNoTemplate
	}
	vars, ok := contentVariables(t, *m, h.Name)
	if !ok {
		return ReasonVariableMissing
	}
	m.ContentSID, m.ContentVariables = t.SID, vars
	m.Body, m.Media = "", nil
	return ""
}

// contentVariables is Twilio's ContentVariables for t: a JSON object whose
// key n ("1", "2", ...) is the value of t's n-th variable name. Values
// come from m.Variables, then the built-ins; a name with no value, or an
// empty one (WhatsApp refuses empty parameters), fails.
func contentVariables(t config.Template, m Message, hospitalName string) (string, bool) {
	if len(t.Variables) == 0 {
		return "", true
	}
	builtin := map[string]string{VarBody: m.Body, VarHospital: hospitalName}
	out := make(map[string]string, len(t.Variables))
	for i, name := range t.Variables {
		v, ok := m.Variables[name]
		if !ok {
			v = builtin[name]
		}
		if v == "" {
			return "", false
		}
		out[strconv.Itoa(i+1)] = v
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return "", false // unreachable: strings always encode
	}
	return string(raw), true
}
