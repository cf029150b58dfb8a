package reminder

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

func TestFireSendsTheReminderMessage(t *testing.T) {
	e := newEnv(t)
	start := time.Date(2026, 11, 26, 15, 30, 0, 0, kolkata)
	v := e.schedule("abc", Spec{Kind: KindAppointment, Phone: patient,
		Appointment: &Appointment{ID: "A-1", Start: start, Offsets: []time.Duration{24 * time.Hour}},
		Variables:   map[string]string{"patient_name": "Asha", "doctor": "Dr. Rao"}})
	e.clock.Set(start.Add(-24 * time.Hour))
	sent := newOutbox(e.codec)
	assert.Equal(t, map[string]string{v.ID: ResultSent}, e.fireDue(sent))

	msgs := sent.messages()
	require.Len(t, msgs, 1)
	m := msgs[0]
	assert.Equal(t, patient, m.To)
	assert.Equal(t, testSender, m.From)
	assert.Equal(t, "abc", m.Hospital)
	assert.Equal(t, outbound.KindReminder, m.Kind)
	assert.Equal(t, KindAppointment, m.ReminderKind)
	assert.Equal(t, "Thu 26 Nov, 3:30 PM", m.Variables["when"], "the template gets the start on the hospital's clock")
	for _, want := range []string{"Hello Asha,", "ABC Hospital", "Thu 26 Nov, 3:30 PM", "Dr. Rao", "stop appointment"} {
		assert.Contains(t, m.Body, want)
	}
	r := e.stored("abc", v.ID)
	assert.Equal(t, persistence.ReminderFired, r.State, "one offset: fired for good")
	assert.Equal(t, 1, r.Fired)
}

func TestFireTextPerKindAndLanguage(t *testing.T) {
	tests := []struct {
		name string
		lang string
		spec Spec
		want []string
	}{
		{"medicine with dose", "en", Spec{Kind: KindMedicine, Medicine: &Medicine{Name: "Metformin 500", Times: []string{"20:00"}, Days: 1},
			Variables: map[string]string{"dose": "1 tablet after food"}}, []string{"time to take *Metformin 500*", "Dose: 1 tablet after food", "*stop medicine*"}},
		{"medicine without a name", "en", Spec{Kind: KindMedicine, At: ptr(t0.Add(time.Hour))}, []string{"time to take your medicine"}},
		{"follow-up with a date", "en", Spec{Kind: KindFollowUp, At: ptr(t0.Add(time.Hour)), Variables: map[string]string{"when": "next Monday"}},
			[]string{"follow-up visit is on *next Monday*", "*stop follow_up*"}},
		{"feedback with the EMR's note", "en", Spec{Kind: KindFeedback, At: ptr(t0.Add(time.Hour)), Variables: map[string]string{"note": "Reply to tell us how we did."}},
			[]string{"Thank you for visiting *ABC Hospital*", "Reply to tell us how we did."}},
		{"hospital's default language", "hi", Spec{Kind: KindMedicine, Medicine: &Medicine{Name: "Metformin", Times: []string{"20:00"}, Days: 1}},
			[]string{"*Metformin* लेने का समय", "*stop medicine*"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.hospitals["abc"].Languages = []string{tc.lang}
			tc.spec.Phone = patient
			v := e.schedule("abc", tc.spec)
			e.clock.Set(*v.Next)
			sent := newOutbox(e.codec)
			require.Equal(t, map[string]string{v.ID: ResultSent}, e.fireDue(sent))
			body := sent.messages()[0].Body
			for _, w := range tc.want {
				assert.Contains(t, body, w)
			}
			assert.NotContains(t, body, "{", "every placeholder filled")
			assert.NotContains(t, body, "reminder_", "no catalog key shows")
		})
	}
}

func TestQuietHoursDeferAcrossMidnightAndZones(t *testing.T) {
	tests := []struct {
		name     string
		hospital string
		quiet    *config.QuietHours
		due      time.Time
		deferTo  time.Time
	}{
		{"Kolkata, late evening to next morning", "abc", &config.QuietHours{Start: "21:00", End: "08:00"},
			time.Date(2026, 11, 24, 22, 15, 0, 0, kolkata), time.Date(2026, 11, 25, 8, 0, 0, 0, kolkata)},
		{"Kolkata, after midnight to the same morning", "abc", &config.QuietHours{Start: "21:00", End: "08:00"},
			time.Date(2026, 11, 25, 3, 0, 0, 0, kolkata), time.Date(2026, 11, 25, 8, 0, 0, 0, kolkata)},
		{"Kolkata, a same-day span", "abc", &config.QuietHours{Start: "13:00", End: "14:00"},
			time.Date(2026, 11, 24, 13, 10, 0, 0, kolkata), time.Date(2026, 11, 24, 14, 0, 0, 0, kolkata)},
		{"New York, the night daylight saving time starts", "ny", nil,
			time.Date(2027, 3, 13, 22, 30, 0, 0, newYork), time.Date(2027, 3, 14, 8, 0, 0, 0, newYork)},
		{"New York, the night daylight saving time ends", "ny", nil,
			time.Date(2026, 10, 31, 23, 30, 0, 0, newYork), time.Date(2026, 11, 1, 8, 0, 0, 0, newYork)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			h := e.hospitals[tc.hospital]
			if tc.quiet != nil {
				h.QuietHours = tc.quiet
			}
			phone := patient
			if tc.hospital == "ny" {
				phone = "+12125550123"
			}
			e.clock.Set(tc.due.Add(-time.Hour))
			v := e.schedule(tc.hospital, Spec{Kind: KindFollowUp, Phone: phone, At: ptr(tc.due)})

			e.clock.Set(tc.due)
			sent := newOutbox(e.codec)
			assert.Equal(t, map[string]string{v.ID: ResultDeferred}, e.fireDue(sent))
			assert.Empty(t, sent.messages(), "nothing is sent in quiet hours")
			r := e.stored(tc.hospital, v.ID)
			assert.Equal(t, persistence.ReminderScheduled, r.State)
			assert.True(t, tc.deferTo.Equal(r.Due), "deferred to %v, want %v", r.Due.In(h.Location), tc.deferTo)
			assert.Equal(t, 0, r.Fired, "a deferral is not a reminder sent")
			got, err := e.sched.Get(context.Background(), h, v.ID)
			require.NoError(t, err)
			assert.True(t, got.Deferred)

			e.clock.Set(tc.deferTo.Add(-time.Second))
			assert.Empty(t, e.fireDue(sent), "not before the quiet hours end")
			e.clock.Set(tc.deferTo)
			assert.Equal(t, map[string]string{v.ID: ResultSent}, e.fireDue(sent))
			assert.Len(t, sent.messages(), 1)
			assert.Equal(t, persistence.ReminderFired, e.stored(tc.hospital, v.ID).State)
		})
	}
}

func TestConsentPerKind(t *testing.T) {
	e := newEnv(t)
	med := e.schedule("abc", Spec{Kind: KindMedicine, Phone: patient, Medicine: &Medicine{Name: "M", Times: []string{"20:00"}, Days: 3}})
	follow := e.schedule("abc", Spec{Kind: KindFollowUp, Phone: patient, At: ptr(time.Date(2026, 11, 24, 20, 0, 0, 0, kolkata))})
	e.optOut("abc", patient, KindMedicine, true) // stop medicine

	e.clock.Set(time.Date(2026, 11, 24, 20, 0, 0, 0, kolkata))
	sent := newOutbox(e.codec)
	assert.Equal(t, map[string]string{med.ID: ResultOptedOut, follow.ID: ResultSent}, e.fireDue(sent))
	require.Len(t, sent.messages(), 1)
	assert.Equal(t, KindFollowUp, sent.messages()[0].ReminderKind)
	r := e.stored("abc", med.ID)
	assert.True(t, time.Date(2026, 11, 25, 20, 0, 0, 0, kolkata).Equal(r.Due), "an opted-out dose moves on to the next")
	assert.Equal(t, 0, r.Fired)

	// stop (everything), then start medicine: still off; start: on again.
	e.optOut("abc", patient, "", true)
	e.clock.Advance(time.Minute)
	e.optOut("abc", patient, KindMedicine, false)
	e.clock.Set(time.Date(2026, 11, 25, 20, 0, 0, 0, kolkata))
	assert.Equal(t, map[string]string{med.ID: ResultOptedOut}, e.fireDue(sent))
	e.optOut("abc", patient, "", false)
	e.clock.Set(time.Date(2026, 11, 26, 20, 0, 0, 0, kolkata))
	assert.Equal(t, map[string]string{med.ID: ResultSent}, e.fireDue(sent))
	assert.Equal(t, persistence.ReminderFired, e.stored("abc", med.ID).State, "the last dose retires it")
	assert.Equal(t, 1, e.stored("abc", med.ID).Fired)
}

func TestMedicineSeries(t *testing.T) {
	e := newEnv(t)
	dose := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, kolkata) }
	v := e.schedule("abc", Spec{Kind: KindMedicine, Phone: patient, Medicine: &Medicine{Name: "M", Times: []string{"08:00", "14:00", "20:00"}, Days: 3}})
	require.True(t, dose(24, 20).Equal(*v.Next), "today's doses that passed are skipped")
	sent := newOutbox(e.codec)

	e.clock.Set(dose(24, 20))
	assert.Equal(t, map[string]string{v.ID: ResultSent}, e.fireDue(sent))
	assert.True(t, dose(25, 8).Equal(e.stored("abc", v.ID).Due))

	// No process ran from 08:00 to 15:00: the 08:00 dose goes out late,
	// once, and the 14:00 one, already past, is not sent in a burst.
	e.clock.Set(dose(25, 15))
	assert.Equal(t, map[string]string{v.ID: ResultSent}, e.fireDue(sent))
	assert.True(t, dose(25, 20).Equal(e.stored("abc", v.ID).Due))

	for _, at := range []time.Time{dose(25, 20), dose(26, 8), dose(26, 14), dose(26, 20)} {
		e.clock.Set(at)
		assert.Equal(t, map[string]string{v.ID: ResultSent}, e.fireDue(sent), "dose at %v", at)
	}
	r := e.stored("abc", v.ID)
	assert.Equal(t, persistence.ReminderFired, r.State)
	assert.Equal(t, 6, r.Fired)
	assert.Len(t, sent.messages(), 6)
	e.clock.Set(dose(27, 8))
	assert.Empty(t, e.fireDue(sent))
}

func TestFireRetiresWhatCannotGoOut(t *testing.T) {
	t.Run("appointment already begun", func(t *testing.T) {
		e := newEnv(t)
		start := t0.Add(3 * time.Hour)
		v := e.schedule("abc", Spec{Kind: KindAppointment, Phone: patient, Appointment: &Appointment{ID: "A", Start: start, Offsets: []time.Duration{time.Hour}}})
		e.clock.Set(start.Add(time.Minute)) // no process ran in time
		sent := newOutbox(e.codec)
		assert.Equal(t, map[string]string{v.ID: ResultExpired}, e.fireDue(sent))
		assert.Empty(t, sent.messages())
		assert.Equal(t, persistence.ReminderFired, e.stored("abc", v.ID).State)
	})
	t.Run("hospital no longer configured", func(t *testing.T) {
		e := newEnv(t)
		v := e.schedule("abc", Spec{Kind: KindFollowUp, Phone: patient, At: ptr(t0.Add(time.Hour))})
		delete(e.hospitals, "abc")
		e.clock.Advance(time.Hour)
		assert.Equal(t, map[string]string{v.ID: ResultDropped}, e.fireDue(newOutbox(e.codec)))
		assert.Equal(t, persistence.ReminderFired, e.stored("abc", v.ID).State, "retired, not claimed again and again")
	})
	t.Run("hospital no longer active", func(t *testing.T) {
		e := newEnv(t)
		v := e.schedule("abc", Spec{Kind: KindFollowUp, Phone: patient, At: ptr(t0.Add(time.Hour))})
		inactive := *e.hospitals["abc"]
		inactive.Active = ptr(false)
		e.hospitals["abc"] = &inactive
		e.clock.Advance(time.Hour)
		sent := newOutbox(e.codec)
		assert.Equal(t, map[string]string{v.ID: ResultDropped}, e.fireDue(sent))
		assert.Empty(t, sent.messages(), "an inactive hospital messages nobody")
		assert.Equal(t, persistence.ReminderFired, e.stored("abc", v.ID).State, "retired, not claimed again and again")
	})
	t.Run("payload sealed with a key this process lacks", func(t *testing.T) {
		e := newEnv(t)
		v := e.schedule("abc", Spec{Kind: KindFollowUp, Phone: patient, At: ptr(t0.Add(time.Hour))})
		r := e.stored("abc", v.ID)
		r.Payload = []byte("not sealed")
		require.NoError(t, e.store.PutReminder(context.Background(), r))
		e.clock.Advance(time.Hour)
		assert.Equal(t, map[string]string{v.ID: ResultDropped}, e.fireDue(newOutbox(e.codec)))
	})
}

func TestLostLeaseSendsNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.schedule("abc", Spec{Kind: KindFollowUp, Phone: patient, At: ptr(t0)})
	slow := newOutbox(e.codec)
	rs, err := e.store.ClaimDue(ctx, e.clock.Now(), 10, "slow", time.Second)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	// The slow process stalls past its lease; another claims and fires.
	e.clock.Advance(2 * time.Second)
	fast := newOutbox(e.codec)
	assert.Equal(t, map[string]string{v.ID: ResultSent}, e.fireDue(fast))
	assert.Equal(t, ResultLeaseLost, e.firer("slow", slow).fire(rs[0]))
	assert.Empty(t, slow.messages())
	assert.Len(t, fast.messages(), 1)
	pending, err := e.store.Pending(ctx, testSender, 10)
	require.NoError(t, err)
	assert.Len(t, pending, 1, "one outbox entry in the store")
	assert.False(t, strings.Contains(string(pending[0].Payload), "9812345678"))
}
