package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// Reminders are scheduled through the process's Scheduler (what /v1
// calls) and fired by its reminder actor on the harness clock; the actor
// polls every 10 ms of real time, so it notices each jump of the clock.

var ist = mustLoad("Asia/Kolkata")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// sentinelPhone is a demo patient whose reminders prove that the reminder
// actor has looked at the clock's new time: the demo hospital has no quiet
// hours, and one claim takes every reminder due at that time.
const sentinelPhone = "+919800000055"

// startReminders starts a process whose reminder actor polls fast, with
// the patient and the sentinel inside WhatsApp's 24-hour window (a
// reminder outside it needs a template these hospitals do not have).
func startReminders(t *testing.T) *harness {
	t.Helper()
	h := start(t, runtime.WithReminderPoll(10*time.Millisecond))
	h.openWindows()
	return h
}

// openWindows has the patients write, which opens their 24-hour window.
func (h *harness) openWindows() {
	h.t.Helper()
	h.say(restapitest.KnownMobile, "start abc", "ABC Hospital")
	h.say(sentinelPhone, "start demo", "Demo Hospital")
}

// hospital is the process's configuration of one hospital.
func (h *harness) hospital(code string) *config.Hospital {
	h.t.Helper()
	for i := range h.cfg.Hospitals {
		if h.cfg.Hospitals[i].Code == code {
			return &h.cfg.Hospitals[i]
		}
	}
	h.t.Fatalf("no hospital %s", code)
	return nil
}

// remind schedules a spec through the process's scheduler.
func (h *harness) remind(code string, s reminder.Spec) reminder.View {
	h.t.Helper()
	v, err := h.app.Reminders().Schedule(context.Background(), h.hospital(code), s)
	require.NoError(h.t, err)
	return v
}

// reminderView reads a reminder back.
func (h *harness) reminderView(code, id string) reminder.View {
	h.t.Helper()
	v, err := h.app.Reminders().Get(context.Background(), h.hospital(code), id)
	require.NoError(h.t, err)
	return v
}

// jumpTo moves the clock to at and waits until a sentinel reminder due
// then has reached its patient: by then the reminder actor has claimed
// everything due at that time (a reminder of the same claim may still be
// on its way: wait for what must come with waitCount). The sentinel writes
// first, so its 24-hour window is open at the new time.
func (h *harness) jumpTo(at time.Time) {
	h.t.Helper()
	h.say(sentinelPhone, "start demo", "Demo Hospital")
	before := len(h.replies(sentinelPhone))
	h.remind(demo, reminder.Spec{Kind: reminder.KindFeedback, Phone: sentinelPhone, At: &at})
	h.clock.Advance(at.Sub(h.clock.Now()))
	h.waitFor(sentinelPhone, before, "the sentinel reminder at "+at.String(), "Thank you for visiting *Demo Hospital*")
}

// waitCount waits until n replies to phone contain s and returns how
// many do then.
func (h *harness) waitCount(phone, s string, n int) int {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for h.count(phone, s) < n && time.Now().Before(deadline) {
		select {
		case <-h.twilio.Changed():
		case <-time.After(50 * time.Millisecond):
		}
	}
	return h.count(phone, s)
}

// count is how many replies to phone contain s.
func (h *harness) count(phone, s string) int {
	n := 0
	for _, r := range h.replies(phone) {
		if strings.Contains(r, s) {
			n++
		}
	}
	return n
}

func TestRemindersBeforeAnAppointment(t *testing.T) {
	h := startReminders(t)
	patient := restapitest.KnownMobile
	start := time.Date(2026, 11, 25, 18, 0, 0, 0, ist)
	v := h.remind(abc, reminder.Spec{
		Kind: reminder.KindAppointment, Phone: strings.TrimPrefix(patient, "+91"), // the EMR's national number
		Appointment: &reminder.Appointment{ID: "APT-7", Start: start, Offsets: []time.Duration{24 * time.Hour, time.Hour}},
		Variables:   map[string]string{"patient_name": "Asha", "doctor": "Dr. Rao"},
	})
	first := start.Add(-24 * time.Hour)
	require.True(t, first.Equal(*v.Next))

	h.jumpTo(first.Add(-time.Minute))
	assert.Zero(t, h.count(patient, "appointment on"), "nothing before its time")
	assert.Equal(t, 0, h.reminderView(abc, v.ID).Sent)

	before := len(h.replies(patient))
	h.clock.Advance(time.Minute)
	got := h.waitFor(patient, before, "the day-before reminder", "Hello Asha,", "Reminder from *ABC Hospital*",
		"appointment on *Wed 25 Nov, 6:00 PM*", "Doctor: Dr. Rao", "*stop appointment*")
	assert.NotContains(t, got, "{")

	h.say(patient, "start abc", "ABC Hospital") // the next one is 23 h later: keep the window open
	h.jumpTo(start.Add(-time.Hour))
	assert.Equal(t, 2, h.waitCount(patient, "appointment on *Wed 25 Nov, 6:00 PM*", 2), "the hour-before reminder")
	h.jumpTo(start.Add(-time.Minute))
	assert.Equal(t, 2, h.count(patient, "appointment on *Wed 25 Nov, 6:00 PM*"), "each reminder once")
	final := h.reminderView(abc, v.ID)
	assert.Equal(t, "fired", final.State)
	assert.Equal(t, 2, final.Sent)
}

func TestRemindersWaitOutQuietHours(t *testing.T) {
	h := start(t, runtime.WithReminderPoll(10*time.Millisecond))
	h.setQuietHours(abc, "21:00", "08:00")
	h.openWindows()
	patient := restapitest.KnownMobile
	at := time.Date(2026, 11, 24, 22, 0, 0, 0, ist)
	v := h.remind(abc, reminder.Spec{Kind: reminder.KindFollowUp, Phone: patient, At: &at})

	h.jumpTo(at)
	assert.Zero(t, h.count(patient, "follow-up"), "not at 22:00")
	deferred := h.reminderView(abc, v.ID)
	assert.True(t, deferred.Deferred)
	morning := time.Date(2026, 11, 25, 8, 0, 0, 0, ist)
	assert.True(t, morning.Equal(*deferred.Next), "moved to %v", deferred.Next.In(ist))

	h.jumpTo(morning.Add(-time.Minute))
	assert.Zero(t, h.count(patient, "follow-up"), "not before 08:00")
	before := len(h.replies(patient))
	h.clock.Advance(time.Minute)
	h.waitFor(patient, before, "the follow-up reminder at 08:00", "time for your follow-up visit")
	h.jumpTo(morning.Add(time.Minute))
	assert.Equal(t, 1, h.count(patient, "follow-up visit"), "deferred, not doubled")
}

func TestRemindersAcrossARestart(t *testing.T) {
	h := startReminders(t)
	patient := restapitest.KnownMobile
	dose := func(d, hh int) time.Time { return time.Date(2026, 11, d, hh, 0, 0, 0, ist) }
	v := h.remind(abc, reminder.Spec{Kind: reminder.KindMedicine, Phone: patient,
		Medicine: &reminder.Medicine{Name: "Metformin 500", Times: []string{"16:00", "20:00"}, Days: 2}})
	const line = "time to take *Metformin 500*"

	h.jumpTo(dose(24, 16))
	assert.Equal(t, 1, h.waitCount(patient, line, 1))

	h.restart()
	h.jumpTo(dose(24, 20))
	assert.Equal(t, 2, h.waitCount(patient, line, 2), "the evening dose, after a restart")

	// The process is down at the next dose: it goes out when one starts.
	h.say(patient, "start abc", "ABC Hospital") // keep the 24-hour window open
	h.stop()
	h.clock.Advance(dose(25, 16).Add(time.Minute).Sub(h.clock.Now()))
	h.bootWithEnv(h.cfg.ConfigPath, nil)
	assert.Equal(t, 3, h.waitCount(patient, line, 3), "the dose due while no process ran")
	h.say(patient, "start abc", "ABC Hospital")
	h.jumpTo(dose(25, 20))
	assert.Equal(t, 4, h.waitCount(patient, line, 4))
	h.jumpTo(dose(25, 21))
	assert.Equal(t, 4, h.count(patient, line), "every dose once")
	final := h.reminderView(abc, v.ID)
	assert.Equal(t, "fired", final.State)
	assert.Equal(t, 4, final.Sent)
}

func TestRemindersStopOneKind(t *testing.T) {
	h := startReminders(t)
	patient := restapitest.KnownMobile
	dose := func(d, hh int) time.Time { return time.Date(2026, 11, d, hh, 0, 0, 0, ist) }
	h.remind(abc, reminder.Spec{Kind: reminder.KindMedicine, Phone: patient,
		Medicine: &reminder.Medicine{Name: "Metformin 500", Times: []string{"16:00", "20:00"}, Days: 1}})
	follow := dose(24, 16)
	h.remind(abc, reminder.Spec{Kind: reminder.KindFollowUp, Phone: patient, At: &follow})
	const line = "time to take *Metformin 500*"

	h.say(patient, "stop medicine abc", "no longer receive medicine reminders", "*start medicine*")
	h.jumpTo(dose(24, 16))
	assert.Equal(t, 1, h.waitCount(patient, "follow-up visit", 1), "other kinds still come")
	assert.Zero(t, h.count(patient, line), "no medicine reminder after stop medicine")

	h.say(patient, "start medicine abc", "receive medicine reminders", "ABC Hospital")
	h.jumpTo(dose(24, 20))
	assert.Equal(t, 1, h.waitCount(patient, line, 1), "medicine reminders again after start medicine")
}

// setQuietHours gives a hospital quiet hours and restarts the process on
// the changed file.
func (h *harness) setQuietHours(code, from, to string) {
	h.t.Helper()
	path := h.cfg.ConfigPath
	raw, err := os.ReadFile(path)
	require.NoError(h.t, err)
	entry := "  - code: " + code + "\n"
	require.Contains(h.t, string(raw), entry)
	text := strings.Replace(string(raw), entry, entry+"    quiet_hours: {start: \""+from+"\", end: \""+to+"\"}\n", 1)
	require.NoError(h.t, os.WriteFile(path, []byte(text), 0o600))
	h.restart()
}
