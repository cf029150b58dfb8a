package reminder

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

func TestScheduleRefusesBadSpecs(t *testing.T) {
	at := func(d time.Duration) *time.Time { return ptr(t0.Add(d)) }
	appt := func(start time.Duration, offsets ...time.Duration) *Appointment {
		return &Appointment{ID: "A-1", Start: t0.Add(start), Offsets: offsets}
	}
	med := func(times []string, days int, from string) *Medicine {
		return &Medicine{Name: "Metformin 500", Times: times, Days: days, From: from}
	}
	manyVars := map[string]string{}
	for i := range MaxVariables + 1 {
		manyVars[fmt.Sprintf("v%d", i)] = "x"
	}
	tests := []struct {
		name        string
		hospital    string
		spec        Spec
		code, field string
	}{
		{"unknown kind", "abc", Spec{Kind: "birthday", At: at(time.Hour)}, CodeInvalidKind, "kind"},
		{"kind in capitals", "abc", Spec{Kind: "Medicine", At: at(time.Hour)}, CodeInvalidKind, "kind"},
		{"phone with letters", "abc", Spec{Kind: KindFollowUp, Phone: "98123abc78", At: at(time.Hour)}, CodeInvalidPhone, "phone"},
		{"phone too short", "abc", Spec{Kind: KindFollowUp, Phone: "12345", At: at(time.Hour)}, CodeInvalidPhone, "phone"},
		{"no schedule", "abc", Spec{Kind: KindFollowUp}, CodeInvalidSchedule, "at"},
		{"two schedules", "abc", Spec{Kind: KindMedicine, At: at(time.Hour), Medicine: med([]string{"20:00"}, 1, "")}, CodeInvalidSchedule, "at"},
		{"at in the past", "abc", Spec{Kind: KindFollowUp, At: at(-2 * time.Minute)}, CodeTimeInPast, "at"},
		{"at too far ahead", "abc", Spec{Kind: KindFollowUp, At: at(MaxAhead + time.Hour)}, CodeTooFar, "at"},
		{"appointment without id", "abc", Spec{Kind: KindAppointment, Appointment: &Appointment{Start: t0.Add(48 * time.Hour), Offsets: []time.Duration{time.Hour}}}, CodeRequired, "appointment.id"},
		{"appointment id too long", "abc", Spec{Kind: KindAppointment, Appointment: &Appointment{ID: strings.Repeat("x", 65), Start: t0.Add(48 * time.Hour), Offsets: []time.Duration{time.Hour}}}, CodeTooLong, "appointment.id"},
		{"appointment without start", "abc", Spec{Kind: KindAppointment, Appointment: &Appointment{ID: "A", Offsets: []time.Duration{time.Hour}}}, CodeRequired, "appointment.start"},
		{"appointment in the past", "abc", Spec{Kind: KindAppointment, Appointment: appt(-time.Hour, time.Hour)}, CodeTimeInPast, "appointment.start"},
		{"no offsets", "abc", Spec{Kind: KindAppointment, Appointment: appt(48 * time.Hour)}, CodeRequired, "appointment.offsets"},
		{"six offsets", "abc", Spec{Kind: KindAppointment, Appointment: appt(48*time.Hour, 1*time.Hour, 2*time.Hour, 3*time.Hour, 4*time.Hour, 5*time.Hour, 6*time.Hour)}, CodeInvalidOffset, "appointment.offsets"},
		{"zero offset", "abc", Spec{Kind: KindAppointment, Appointment: appt(48*time.Hour, 0)}, CodeInvalidOffset, "appointment.offsets[0]"},
		{"negative offset", "abc", Spec{Kind: KindAppointment, Appointment: appt(48*time.Hour, -time.Hour)}, CodeInvalidOffset, "appointment.offsets[0]"},
		{"offset over 30 days", "abc", Spec{Kind: KindAppointment, Appointment: appt(40*24*time.Hour, 31*24*time.Hour)}, CodeInvalidOffset, "appointment.offsets[0]"},
		{"offset twice", "abc", Spec{Kind: KindAppointment, Appointment: appt(48*time.Hour, time.Hour, time.Hour)}, CodeInvalidOffset, "appointment.offsets[1]"},
		{"offset before now", "abc", Spec{Kind: KindAppointment, Appointment: appt(time.Hour, 30*time.Minute, 2*time.Hour)}, CodeTimeInPast, "appointment.offsets[1]"},
		{"medicine schedule for another kind", "abc", Spec{Kind: KindFollowUp, Medicine: med([]string{"20:00"}, 1, "")}, CodeInvalidSchedule, "medicine"},
		{"medicine without name", "abc", Spec{Kind: KindMedicine, Medicine: &Medicine{Times: []string{"20:00"}, Days: 1}}, CodeRequired, "medicine.name"},
		{"medicine without times", "abc", Spec{Kind: KindMedicine, Medicine: med(nil, 1, "")}, CodeInvalidTime, "medicine.times"},
		{"nine times a day", "abc", Spec{Kind: KindMedicine, Medicine: med(strings.Fields("01:00 02:00 03:00 04:00 05:00 06:00 07:00 08:00 09:00"), 1, "2026-11-25")}, CodeInvalidTime, "medicine.times"},
		{"time without leading zero", "abc", Spec{Kind: KindMedicine, Medicine: med([]string{"8:00"}, 1, "")}, CodeInvalidTime, "medicine.times[0]"},
		{"time out of range", "abc", Spec{Kind: KindMedicine, Medicine: med([]string{"20:00", "25:00"}, 1, "")}, CodeInvalidTime, "medicine.times[1]"},
		{"time twice", "abc", Spec{Kind: KindMedicine, Medicine: med([]string{"20:00", " 20:00"}, 1, "")}, CodeInvalidTime, "medicine.times[1]"},
		{"zero days", "abc", Spec{Kind: KindMedicine, Medicine: med([]string{"20:00"}, 0, "")}, CodeInvalidDays, "medicine.days"},
		{"91 days", "abc", Spec{Kind: KindMedicine, Medicine: med([]string{"20:00"}, 91, "")}, CodeInvalidDays, "medicine.days"},
		{"from yesterday", "abc", Spec{Kind: KindMedicine, Medicine: med([]string{"20:00"}, 5, "2026-11-23")}, CodeTimeInPast, "medicine.from"},
		{"from not ISO", "abc", Spec{Kind: KindMedicine, Medicine: med([]string{"20:00"}, 5, "24-11-2026")}, CodeInvalidDate, "medicine.from"},
		{"from a day that does not exist", "abc", Spec{Kind: KindMedicine, Medicine: med([]string{"20:00"}, 5, "2027-02-30")}, CodeInvalidDate, "medicine.from"},
		{"every dose already passed", "abc", Spec{Kind: KindMedicine, Medicine: med([]string{"08:00", "12:00"}, 1, "")}, CodeTimeInPast, "medicine.times"},
		{"dose in quiet hours", "ny", Spec{Kind: KindMedicine, Phone: "+12125550123", Medicine: med([]string{"12:00", "22:00"}, 3, "")}, CodeInQuietHours, "medicine.times[1]"},
		{"callback not http", "abc", Spec{Kind: KindFollowUp, At: at(time.Hour), CallbackURL: "ftp://emr.example/cb"}, CodeInvalidCallback, "callback_url"},
		{"callback relative", "abc", Spec{Kind: KindFollowUp, At: at(time.Hour), CallbackURL: "/cb"}, CodeInvalidCallback, "callback_url"},
		{"callback without the hospital's secret", "ny", Spec{Kind: KindFeedback, At: at(time.Hour), CallbackURL: "https://emr.example/cb"}, CodeCallbackSecretMissing, "callback_url"},
		{"too many variables", "abc", Spec{Kind: KindFollowUp, At: at(time.Hour), Variables: manyVars}, CodeInvalidVars, "variables"},
		{"variable key in capitals", "abc", Spec{Kind: KindFollowUp, At: at(time.Hour), Variables: map[string]string{"Name": "x"}}, CodeInvalidVars, "variables"},
		{"variable key too long", "abc", Spec{Kind: KindFollowUp, At: at(time.Hour), Variables: map[string]string{strings.Repeat("k", 33): "x"}}, CodeInvalidVars, "variables"},
		{"variable value too long", "abc", Spec{Kind: KindFollowUp, At: at(time.Hour), Variables: map[string]string{"note": strings.Repeat("x", 501)}}, CodeInvalidVars, "variables.note"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.spec.Phone == "" {
				tc.spec.Phone = patient
			}
			_, err := e.sched.Schedule(context.Background(), e.hospitals[tc.hospital], tc.spec)
			var re *Error
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.code, re.Code)
			assert.Equal(t, tc.field, re.Field)
			assert.NotEmpty(t, re.Message)
			assert.True(t, IsRequestError(err))
			assert.NotContains(t, err.Error(), "9812345678", "errors never quote the number")
			rs, _, err := e.store.ListReminders(context.Background(), persistence.ReminderQuery{Hospital: tc.hospital, Limit: 10})
			require.NoError(t, err)
			assert.Empty(t, rs, "a refused spec stores nothing")
		})
	}
}

func TestScheduleAcceptsAndNormalises(t *testing.T) {
	tests := []struct {
		name  string
		spec  Spec
		first time.Time
	}{
		{"at, national number", Spec{Kind: KindFollowUp, Phone: "9812345678", At: ptr(t0.Add(time.Hour))}, t0.Add(time.Hour)},
		{"at within the tolerance fires at once", Spec{Kind: KindFollowUp, Phone: "09812345678", At: ptr(t0.Add(-30 * time.Second))}, t0.Add(-30 * time.Second)},
		{"appointment: earliest offset first", Spec{Kind: KindAppointment, Phone: "+91 98123 45678",
			Appointment: &Appointment{ID: "A-1", Start: t0.Add(48 * time.Hour), Offsets: []time.Duration{2 * time.Hour, 24 * time.Hour}}}, t0.Add(24 * time.Hour)},
		{"medicine from today: the next dose today", Spec{Kind: KindMedicine, Phone: patient,
			Medicine: &Medicine{Name: "Metformin", Times: []string{"20:00", "08:00"}, Days: 2}}, time.Date(2026, 11, 24, 20, 0, 0, 0, kolkata)},
		{"values count characters, not bytes", Spec{Kind: KindFollowUp, Phone: patient, At: ptr(t0.Add(time.Hour)),
			Variables: map[string]string{"note": strings.Repeat("दवा", MaxValue/3)}}, t0.Add(time.Hour)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			v := e.schedule("abc", tc.spec)
			assert.Equal(t, patient, v.Spec.Phone)
			require.NotNil(t, v.Next)
			assert.True(t, tc.first.Equal(*v.Next), "next %v, want %v", v.Next, tc.first)
			assert.Equal(t, "scheduled", v.State)
			assert.False(t, v.Deferred)
			r := e.stored("abc", v.ID)
			assert.True(t, tc.first.Equal(r.Due))
			assert.Equal(t, e.hasher.Hash(patient), r.Subject, "the subject is the keyed hash the consent ledger uses")
			assert.NotContains(t, string(r.Payload), "9812345678", "the payload is sealed")
		})
	}
}

func TestMedicineFromDefaultsToTodayInTheHospitalsZone(t *testing.T) {
	e := newEnv(t)
	// 20:00 UTC on the 24th is 01:30 on the 25th in Kolkata.
	e.clock.Set(time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC))
	v := e.schedule("abc", Spec{Kind: KindMedicine, Phone: patient, Medicine: &Medicine{Name: "M", Times: []string{"09:00"}, Days: 1}})
	assert.Equal(t, "2026-11-25", v.Spec.Medicine.From)
	assert.True(t, time.Date(2026, 11, 25, 9, 0, 0, 0, kolkata).Equal(*v.Next))
}
