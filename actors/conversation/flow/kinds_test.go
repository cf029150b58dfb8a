package flow_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/reminder"
)

// The kinds a patient can stop are the kinds reminders are stored with:
// a mismatch would record an opt-out that no reminder ever checks.
func TestReminderKindsAgree(t *testing.T) {
	var kinds []string
	for k := range flow.ReminderKindNames() {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	want := reminder.Kinds()
	slices.Sort(want)
	assert.Equal(t, want, kinds)
	for word, kind := range flow.KindWords() {
		assert.Contains(t, want, kind, "%q maps to an unknown kind", word)
	}
	for _, k := range []string{flow.KindAppointment, flow.KindMedicine, flow.KindFollowUp, flow.KindFeedback} {
		assert.Contains(t, want, k, "the reminder texts are written for kind %q", k)
	}
}
