package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConsentPerKind(t *testing.T) {
	stopped := func(kind, name string) func(f *fixture) string {
		return func(f *fixture) string {
			return f.text("stopped_kind", "hospital", "ABC Hospital", "kind", kind, "kind_name", f.text(name))
		}
	}
	started := func(kind, name string) func(f *fixture) string {
		return func(f *fixture) string {
			return f.text("started_kind", "hospital", "ABC Hospital", "kind", kind, "kind_name", f.text(name))
		}
	}
	tests := []struct {
		name  string
		open  bool
		msg   string
		want  []Consent
		reply func(f *fixture) string
	}{
		{"stop one kind in a conversation", true, "stop medicine", []Consent{{Hospital: "abc", Kind: "medicine", OptedOut: true}},
			stopped("medicine", "kind_medicine")},
		{"start one kind, any case, while closed", false, "START Medicine", []Consent{{Hospital: "abc", Kind: "medicine"}},
			started("medicine", "kind_medicine")},
		{"plural", false, "stop appointments", []Consent{{Hospital: "abc", Kind: "appointment", OptedOut: true}},
			stopped("appointment", "kind_appointment")},
		{"follow-up spelled with a dash", false, "stop follow-up", []Consent{{Hospital: "abc", Kind: "follow_up", OptedOut: true}},
			stopped("follow_up", "kind_follow_up")},
		{"kind and hospital code", false, "stop feedback ABC", []Consent{{Hospital: "abc", Kind: "feedback", OptedOut: true}},
			stopped("feedback", "kind_feedback")},
		{"kind and unknown code", false, "stop medicine xyz", nil,
			func(f *fixture) string { return f.text("consent_which") }},
		{"a sentence is not a command", false, "stop the medicine now", nil,
			func(f *fixture) string { return f.text("how_to_start", "start", "hi abc") }},
		{"stop alone still covers everything", false, "stop", []Consent{{Hospital: "abc", OptedOut: true}},
			func(f *fixture) string { return f.text("stopped", "hospital", "ABC Hospital") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, allCaps)
			if tc.open {
				f.toMenu()
			}
			step := f.s.Step
			fx := f.send(tc.msg)
			assert.Equal(t, tc.want, fx.Consent)
			assert.Equal(t, tc.reply(f), body(fx))
			assert.Equal(t, step, f.s.Step, "consent does not move the conversation")
		})
	}
}

func TestConsentPerKindInHindi(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	f.s.Lang = "hi"
	fx := f.send("stop medicine")
	assert.Contains(t, body(fx), f.text("kind_medicine"))
	assert.Contains(t, body(fx), "*start medicine*", "the command is shown as typed")
}
