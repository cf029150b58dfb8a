package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

func TestCancelAnAppointment(t *testing.T) {
	f := newFixture(t, allCaps)
	toUpcomingPick(f)
	fx := f.send("2")
	assert.Contains(t, body(fx), "A2: Friday video with Dr Sen", "the confirmation names the appointment")
	assert.Nil(t, fx.Call, "nothing is cancelled before the patient confirms")
	f.send("1")
	call := f.call()
	assert.Equal(t, emr.OpCancel, call.Op)
	assert.Equal(t, "A2", call.Appointment)
	assert.Equal(t, patient.ID, call.Patient.ID)
	fx = f.answer(emr.Result{})
	assert.Contains(t, body(fx), f.text("cancelled"))
	assert.Equal(t, stepMenu, f.s.Step)
}

func TestCancelKeptOrBack(t *testing.T) {
	f := newFixture(t, allCaps)
	toUpcomingPick(f)
	f.send("1")
	fx := f.send("0")
	assert.Equal(t, stepUpcomingPick, f.s.Step, "0 goes back to the list")
	assert.Contains(t, body(fx), "A1: tomorrow")
	f.send("1")
	fx = f.send("2")
	assert.Contains(t, body(fx), f.text("cancel_kept"))
	assert.Nil(t, fx.Call)
	assert.Equal(t, stepMenu, f.s.Step)
}

func TestUpcomingWithoutCancelIsAList(t *testing.T) {
	caps := allCaps
	caps.Cancel = false
	f := newFixture(t, caps)
	f.toMenu()
	f.send("3")
	fx := f.answer(emr.Result{Appointments: upcoming})
	require.Equal(t, stepMenu, f.s.Step)
	assert.NotContains(t, body(fx), f.text("cancel_hint"))
}
