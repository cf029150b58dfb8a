package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

// family is two patients sharing one phone.
var family = []emr.Patient{{ID: "F-1", Name: "Ramesh"}, {ID: "F-2", Name: "Savita"}}

func TestFamilyChoiceIsRemembered(t *testing.T) {
	f := newFixture(t, allCaps)
	f.send("hi abc")
	f.answer(emr.Result{Patients: family})
	require.Equal(t, stepFamily, f.s.Step)
	f.send("2")
	require.Equal(t, "F-2", f.s.Patient.ID)
	f.send("exit")

	f.send("hi abc")
	fx := f.answer(emr.Result{Patients: family})
	assert.Equal(t, stepMenu, f.s.Step, "the member chosen last time is greeted without asking")
	assert.Equal(t, "F-2", f.s.Patient.ID)
	assert.Contains(t, body(fx), f.text("family_switch_hint", "name", "Savita"))

	f.send("switch")
	call := f.call()
	assert.Equal(t, emr.OpFindPatients, call.Op, "switch looks the family up again")
	f.answer(emr.Result{Patients: family})
	assert.Equal(t, stepFamily, f.s.Step, "and asks who it is this time")
	f.send("1")
	assert.Equal(t, "F-1", f.s.Patient.ID)
	assert.Equal(t, "F-1", f.s.Chosen)
}

func TestFamilyChoiceIsPerHospital(t *testing.T) {
	f := newFixture(t, allCaps)
	f.send("hi abc")
	f.answer(emr.Result{Patients: family})
	f.send("1")
	assert.Equal(t, "F-1", f.s.Chosen)
	f.s.Hospital = "elsewhere" // as if the last conversation was with another hospital
	f.send("hi abc")
	f.answer(emr.Result{Patients: family})
	assert.Equal(t, stepFamily, f.s.Step, "ids of another EMR mean nothing here")
}
