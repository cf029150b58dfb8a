package e2e

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
)

// A reminder that expects no answer is written in the language the
// patient chose in their conversation, read from its snapshot at each
// firing, so a change of language applies to the next one.
func TestRemindersInThePatientsLanguage(t *testing.T) {
	h := startReminders(t)
	patient := openMenu(h, abc)
	h.say(patient, "language", wording("choose_language"))
	h.say(patient, "2", hindi("language_set"))

	dose := func(hh int) time.Time { return time.Date(2026, 11, 24, hh, 0, 0, 0, ist) }
	h.remind(abc, reminder.Spec{Kind: reminder.KindMedicine, Phone: patient,
		Medicine: &reminder.Medicine{Name: "Metformin 500", Times: []string{"16:00", "20:00"}, Days: 1}})
	hindiLine := hindi("reminder_medicine", "hospital", "ABC Hospital", "medicine", "Metformin 500")
	englishLine := wording("reminder_medicine", "hospital", "ABC Hospital", "medicine", "Metformin 500")
	assert.NotEqual(t, englishLine, hindiLine, "hi.yaml words the medicine reminder itself")

	h.jumpTo(dose(16))
	assert.Equal(t, 1, h.waitCount(patient, hindiLine, 1), "the 16:00 dose in Hindi, the language the patient chose")
	assert.Zero(t, h.count(patient, englishLine))

	h.say(patient, "hi abc", hindi("menu_heading")) // hours later: a new conversation, still in Hindi
	h.say(patient, "language", hindi("choose_language"))
	h.say(patient, "1", wording("language_set"))
	h.jumpTo(dose(20))
	assert.Equal(t, 1, h.waitCount(patient, englishLine, 1), "the 20:00 dose in English, chosen since")
	assert.Equal(t, 1, h.count(patient, hindiLine), "each dose once")
}
