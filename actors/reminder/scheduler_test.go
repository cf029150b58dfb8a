package reminder

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetListCancel(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	abc := e.hospitals["abc"]
	other := "+919800000077"
	a := e.schedule("abc", Spec{Kind: KindFollowUp, Phone: patient, At: ptr(t0.Add(3 * time.Hour))})
	b := e.schedule("abc", Spec{Kind: KindFeedback, Phone: other, At: ptr(t0.Add(1 * time.Hour))})
	c := e.schedule("abc", Spec{Kind: KindAppointment, Phone: patient,
		Appointment: &Appointment{ID: "A-9", Start: t0.Add(72 * time.Hour), Offsets: []time.Duration{24 * time.Hour, time.Hour}}})
	assert.NotEqual(t, a.ID, b.ID)

	got, err := e.sched.Get(ctx, abc, c.ID)
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{24 * time.Hour, time.Hour}, got.Spec.Appointment.Offsets, "offsets come back from the payload")
	assert.Equal(t, "A-9", got.Spec.Appointment.ID)

	ids := func(vs []View) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.ID)
		}
		return out
	}
	all, next, err := e.sched.List(ctx, abc, Query{})
	require.NoError(t, err)
	assert.Equal(t, []string{b.ID, a.ID, c.ID}, ids(all), "due order")
	assert.Empty(t, next)

	mine, _, err := e.sched.List(ctx, abc, Query{Phone: "9812345678"})
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID, c.ID}, ids(mine), "by patient, national number accepted")

	page, next, err := e.sched.List(ctx, abc, Query{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{b.ID, a.ID}, ids(page))
	page, next, err = e.sched.List(ctx, abc, Query{Limit: 2, Cursor: next})
	require.NoError(t, err)
	assert.Equal(t, []string{c.ID}, ids(page))
	assert.Empty(t, next)

	require.NoError(t, e.sched.Cancel(ctx, abc, a.ID))
	require.NoError(t, e.sched.Cancel(ctx, abc, a.ID), "cancelling twice changes nothing")
	got, err = e.sched.Get(ctx, abc, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "cancelled", got.State)
	assert.Nil(t, got.Next)
	cancelled, _, err := e.sched.List(ctx, abc, Query{State: "cancelled"})
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID}, ids(cancelled))

	// b fires; then it can be neither cancelled nor changed.
	e.clock.Advance(time.Hour)
	assert.Equal(t, map[string]string{b.ID: ResultSent}, e.fireDue(newOutbox(e.codec)))
	assertCode(t, CodeAlreadyFired, e.sched.Cancel(ctx, abc, b.ID))
	_, err = e.sched.Update(ctx, abc, b.ID, Patch{Variables: map[string]string{"note": "x"}})
	assertCode(t, CodeAlreadyFired, err)
	_, err = e.sched.Update(ctx, abc, a.ID, Patch{Variables: map[string]string{"note": "x"}})
	assertCode(t, CodeCancelled, err)

	refusals := []struct {
		name string
		err  error
		code string
	}{
		{"unknown id", e.sched.Cancel(ctx, abc, "rem_nope"), CodeNotFound},
		{"another hospital's id", e.sched.Cancel(ctx, e.hospitals["ny"], c.ID), CodeNotFound},
		{"empty id", second(e.sched.Get(ctx, abc, "")), CodeNotFound},
		{"bad state", third(e.sched.List(ctx, abc, Query{State: "done"})), CodeInvalidState},
		{"limit too big", third(e.sched.List(ctx, abc, Query{Limit: MaxPage + 1})), CodeInvalidLimit},
		{"negative limit", third(e.sched.List(ctx, abc, Query{Limit: -1})), CodeInvalidLimit},
		{"bad cursor", third(e.sched.List(ctx, abc, Query{Cursor: "garbage"})), CodeInvalidCursor},
		{"bad phone", third(e.sched.List(ctx, abc, Query{Phone: "call me"})), CodeInvalidPhone},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) { assertCode(t, r.code, r.err) })
	}
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	dose := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, kolkata) }
	med := Spec{Kind: KindMedicine, Phone: patient, Medicine: &Medicine{Name: "Metformin", Times: []string{"08:00", "20:00"}, Days: 3}}

	t.Run("details only keep the due time and the doses sent", func(t *testing.T) {
		e := newEnv(t)
		v := e.schedule("abc", med)
		e.clock.Set(dose(24, 20))
		require.Equal(t, map[string]string{v.ID: ResultSent}, e.fireDue(newOutbox(e.codec)))
		cb := "https://emr.example/cb"
		u, err := e.sched.Update(ctx, e.hospitals["abc"], v.ID, Patch{Variables: map[string]string{"dose": "1 tablet"}, CallbackURL: &cb})
		require.NoError(t, err)
		assert.True(t, dose(25, 8).Equal(*u.Next))
		assert.Equal(t, 1, u.Sent)
		assert.Equal(t, "1 tablet", u.Spec.Variables["dose"])
		got, err := e.sched.Get(ctx, e.hospitals["abc"], v.ID)
		require.NoError(t, err)
		assert.Equal(t, cb, got.Spec.CallbackURL)
		assert.Equal(t, 1, got.Sent, "the store keeps the count across a replace")
		assert.Equal(t, "Metformin", got.Spec.Medicine.Name)
	})
	t.Run("a new schedule moves the reminder", func(t *testing.T) {
		e := newEnv(t)
		v := e.schedule("abc", med)
		u, err := e.sched.Update(ctx, e.hospitals["abc"], v.ID, Patch{At: ptr(t0.Add(5 * time.Hour))})
		require.NoError(t, err)
		assert.True(t, t0.Add(5*time.Hour).Equal(*u.Next))
		assert.Nil(t, u.Spec.Medicine, "the patch's schedule replaces the old one")
		assert.True(t, t0.Add(5*time.Hour).Equal(e.stored("abc", v.ID).Due))
	})
	t.Run("a bad patch changes nothing", func(t *testing.T) {
		e := newEnv(t)
		v := e.schedule("abc", med)
		before := e.stored("abc", v.ID)
		bad := "not a url"
		for _, p := range []Patch{
			{At: ptr(t0.Add(-time.Hour))},
			{At: ptr(t0.Add(time.Hour)), Medicine: med.Medicine},
			{CallbackURL: &bad},
			{Variables: map[string]string{"BAD": "x"}},
		} {
			_, err := e.sched.Update(ctx, e.hospitals["abc"], v.ID, p)
			assert.True(t, IsRequestError(err), "%+v: %v", p, err)
		}
		after := e.stored("abc", v.ID)
		assert.Equal(t, before.Payload, after.Payload)
		assert.True(t, before.Due.Equal(after.Due))
	})
}

func assertCode(t *testing.T, code string, err error) {
	t.Helper()
	var re *Error
	if assert.ErrorAs(t, err, &re) {
		assert.Equal(t, code, re.Code)
	}
}

func second[A any](_ A, err error) error        { return err }
func third[A, B any](_ A, _ B, err error) error { return err }
