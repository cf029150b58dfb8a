package config

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Template is one of a hospital's approved WhatsApp templates (a Twilio
// Content SID), sent instead of a free-form message outside WhatsApp's
// 24-hour window. Variables names, in order, what fills the template's
// placeholders: the n-th name fills {{n}}, so ContentVariables becomes
// {"1": <first>, "2": <second>, ...}. The values come from the message
// (outbound.Message.Variables), plus `body` (the message's own text) and
// `hospital` (the hospital's name), which every message has.
//
// In the file a template is either its SID alone, for a template without
// placeholders:
//
//	templates:
//	  push: HX0123456789abcdef0123456789abcdef
//
// or a mapping with its variables:
//
//	templates:
//	  appointment_reminder: {sid: HX..., variables: [patient_name, when]}
type Template struct {
	SID       string   `yaml:"sid"`
	Variables []string `yaml:"variables"`
}

// Templates are a hospital's templates by name. The outbound actor looks a
// message's template up by the name the message asks for, then by its
// kind (push, reminder, confirmation).
type Templates map[string]Template

// Lookup returns the first of names the hospital has a template for.
func (ts Templates) Lookup(names ...string) (string, Template, bool) {
	for _, n := range names {
		if t, ok := ts[n]; ok && n != "" {
			return n, t, true
		}
	}
	return "", Template{}, false
}

// MaxTemplateVariables bounds a template's placeholders; WhatsApp's own
// limit on body parameters is far lower in practice.
const MaxTemplateVariables = 20

// variableRe is what a variable name may look like: it is a key of
// outbound.Message.Variables, chosen by whoever writes both.
var variableRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// UnmarshalYAML takes the short form (a scalar SID) or the mapping. Shape
// errors are yaml type errors with the line, so the loader names the entry
// and field like every other.
func (t *Template) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		t.SID, t.Variables = n.Value, nil
		return nil
	case yaml.MappingNode:
	default:
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: cannot unmarshal %s into config.Template", n.Line, n.ShortTag())}}
	}
	var errs []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i]; k.Value {
		case "sid", "variables":
		default:
			errs = append(errs, fmt.Sprintf("line %d: field %s not found in type config.Template", k.Line, k.Value))
		}
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	var raw struct {
		SID       string   `yaml:"sid"`
		Variables []string `yaml:"variables"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	t.SID, t.Variables = raw.SID, raw.Variables
	return nil
}

// validateTemplates trims and checks every template: a Content SID, and
// variable names that are distinct and few enough.
func validateTemplates(h *Hospital, bad report) {
	for _, name := range sortedKeys(h.Templates) {
		t := h.Templates[name]
		field := "templates." + name
		t.SID = strings.TrimSpace(t.SID)
		if !contentSIDRe.MatchString(t.SID) {
			bad(field, "must be a Twilio Content SID: HX followed by 32 hex characters")
		}
		if len(t.Variables) > MaxTemplateVariables {
			bad(field+".variables", "at most %d variables", MaxTemplateVariables)
		}
		seen := map[string]bool{}
		for i, v := range t.Variables {
			v = strings.TrimSpace(v)
			t.Variables[i] = v
			vf := fmt.Sprintf("%s.variables[%d]", field, i)
			switch {
			case !variableRe.MatchString(v):
				bad(vf, "must be a name of a-z, 0-9 and _, starting with a letter (it fills {{%d}})", i+1)
			case seen[v]:
				bad(vf, "%q is listed twice", v)
			}
			seen[v] = true
		}
		h.Templates[name] = t
	}
}

// The limits of send_rate, in messages per second. 80 is WhatsApp's
// default throughput per sender; Twilio raises it on request.
const (
	DefaultSendRate = 80
	MaxSendRate     = 1000
)

func validateSendRate(h *Hospital, bad report) {
	switch {
	case h.SendRate == 0:
		h.SendRate = DefaultSendRate
	case h.SendRate < 1 || h.SendRate > MaxSendRate:
		bad("send_rate", "must be 1-%d messages per second", MaxSendRate)
	}
}

// SenderRates is the send rate of every sender the hospitals use: the
// lowest send_rate of the hospitals sharing it, since they share its
// throughput at Twilio (a hospital left at the default does not raise a
// rate another set lower).
func SenderRates(hs []Hospital) map[string]int {
	rates := make(map[string]int, len(hs))
	for _, h := range hs {
		r := h.SendRate
		if r <= 0 {
			r = DefaultSendRate
		}
		if cur, ok := rates[h.Sender]; !ok || r < cur {
			rates[h.Sender] = r
		}
	}
	return rates
}
