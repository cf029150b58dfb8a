package flow

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

// failures are the EMR errors a call can end with and what the patient is told.
var failures = []struct {
	name string
	err  error
	key  string
	args []string
}{
	{"unavailable", &emr.Error{Kind: emr.Unavailable}, "emr_unavailable", nil},
	{"rejected", &emr.Error{Kind: emr.Rejected}, "emr_rejected", nil},
	{"rejected with reason", &emr.Error{Kind: emr.Rejected, Display: "Doctor is on leave {today}"}, "emr_rejected_because",
		[]string{"reason", "Doctor is on leave {today}"}},
	{"not supported", &emr.Error{Kind: emr.NotSupported}, "not_available", nil},
	{"conflict", &emr.Error{Kind: emr.Conflict}, "emr_unavailable", nil},
	{"outcome unknown", &emr.Error{Kind: emr.OutcomeUnknown}, "emr_outcome_unknown", nil},
	{"foreign error", errors.New("dial tcp: refused"), "emr_unavailable", nil},
}

func TestEMRFailureRepromptsCurrentStep(t *testing.T) {
	steps := []struct {
		name   string
		setup  func(f *fixture)
		step   StepID
		prompt string
	}{
		{"departments from when", func(f *fixture) { f.toMenu(); f.send("1"); f.send("1") }, stepBookWhen, "ask_when"},
		{"register from gender", func(f *fixture) {
			f.hospital().Caps.ProfilePhoto = false
			toGender(f)
			f.send("1")
		}, stepRegGender, "ask_gender"},
		{"address save", func(f *fixture) { f.toMenu(); f.send("7"); f.send("12 MG Road, Pune") }, stepAddrAsk, "ask_address"},
		{"upcoming from menu", func(f *fixture) { f.toMenu(); f.send("3") }, stepMenu, "menu_heading"},
	}
	for _, st := range steps {
		for _, fl := range failures {
			if st.step == stepRegGender && emr.KindOf(fl.err) == emr.OutcomeUnknown {
				continue // a lost registration is looked up first: TestRegistrationOutcomeUnknownLooksUp
			}
			t.Run(st.name+"/"+fl.name, func(t *testing.T) {
				f := newFixture(t, allCaps)
				st.setup(f)
				before := f.s
				call := f.call()
				fx := f.apply(&EMRDone{Result: emr.Result{CallID: call.ID, Err: fl.err}})
				args := append([]string{"helpline", testHelpline}, fl.args...)
				assert.Contains(t, body(fx), f.text(fl.key, args...))
				assert.Contains(t, body(fx), f.text(st.prompt))
				assert.Nil(t, fx.Call)
				assert.Nil(t, f.s.Awaiting)
				assert.Equal(t, st.step, f.s.Step)
				assert.Equal(t, before.Answers, f.s.Answers, "a failure keeps what the patient typed")
			})
		}
	}
}

func TestEMRFailureWithNothingOpenCloses(t *testing.T) {
	for _, fl := range failures {
		t.Run(fl.name, func(t *testing.T) {
			f := newFixture(t, allCaps)
			f.send("hi abc")
			call := f.call()
			fx := f.apply(&EMRDone{Result: emr.Result{CallID: call.ID, Err: fl.err}})
			args := append([]string{"helpline", testHelpline}, fl.args...)
			assert.Equal(t, f.text(fl.key, args...), body(fx))
			assert.False(t, f.s.Open())
			fx = f.send("1")
			assert.Equal(t, f.text("how_to_start", "start", "hi abc"), body(fx))
		})
	}
}

func TestHelplineFallback(t *testing.T) {
	f := newFixture(t, allCaps)
	f.hospital().Config.Helpline = ""
	f.send("hi abc")
	fx := f.fail(emr.Unavailable)
	assert.Equal(t, f.text("emr_unavailable", "helpline", f.text("helpline_unknown")), body(fx))
}

func TestLateOrForeignAnswersAreIgnored(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	before := f.s
	fx := f.apply(&EMRDone{Result: emr.Result{CallID: "c1", Patients: []emr.Patient{{ID: "X"}}}})
	assert.Empty(t, fx.Replies, "an answer already handled")
	assert.Equal(t, before, f.s)

	f.send("3")
	fx = f.apply(&EMRDone{Result: emr.Result{CallID: "c999"}})
	assert.Empty(t, fx.Replies, "an answer to another call")
	assert.NotNil(t, f.s.Awaiting)
}

func TestStaleCall(t *testing.T) {
	t.Run("older than two minutes", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("1")
		f.send("2")
		stale := f.call()
		f.advance(2*time.Minute + time.Second)
		fx := f.send("3")
		b := body(fx)
		assert.Contains(t, b, f.text("emr_outcome_unknown", "helpline", testHelpline))
		require.NotNil(t, fx.Call, "the new message is taken as the answer to the step it was in")
		assert.Equal(t, emr.OpDepartments, fx.Call.Op)
		assert.Equal(t, 2, fx.Call.Day.Offset)
		assert.NotEqual(t, stale.ID, fx.Call.ID)

		fx = f.apply(&EMRDone{Result: emr.Result{CallID: stale.ID, Departments: departments}})
		assert.Empty(t, fx.Replies, "the lost call's answer, if it ever comes, is ignored")
		assert.Equal(t, fx.Call, (*emr.Call)(nil))
	})
	t.Run("younger than two minutes waits", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("3")
		f.advance(2 * time.Minute)
		fx := f.send("1")
		assert.Empty(t, fx.Replies)
		assert.Len(t, f.s.Queued, 1)
	})
	t.Run("nothing open closes", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.send("hi abc")
		f.advance(3 * time.Minute)
		fx := f.send("hello")
		assert.Equal(t, f.text("emr_outcome_unknown", "helpline", testHelpline)+"\n\n"+f.text("how_to_start", "start", "hi abc"), body(fx))
		assert.False(t, f.s.Open())
	})
	t.Run("queued messages keep their order", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("1")
		f.send("2") // departments for tomorrow: the call that gets lost
		f.send("0") // back to when, queued
		f.send("3") // day after tomorrow, queued
		require.Len(t, f.s.Queued, 2)
		f.advance(5 * time.Minute)
		fx := f.send("menu")
		// In order: 0 goes back to the menu, 3 asks for upcoming appointments,
		// and menu waits for that answer.
		require.NotNil(t, fx.Call)
		assert.Equal(t, emr.OpUpcoming, fx.Call.Op)
		require.Len(t, f.s.Queued, 1)
		assert.Equal(t, "menu", f.s.Queued[0].Body)
		fx = f.answer(emr.Result{})
		assert.Contains(t, body(fx), f.text("no_upcoming"))
		assert.Equal(t, stepMenu, f.s.Step)
		assert.Empty(t, f.s.Queued)
	})
}

func TestHospitalLeftConfiguration(t *testing.T) {
	t.Run("open step", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		delete(f.env.Hospitals, "abc")
		fx := f.send("1")
		assert.Equal(t, f.text("how_to_start", "start", f.text("hi_code")), body(fx))
		assert.False(t, f.s.Open())
	})
	t.Run("awaited call", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("3")
		f.send("1")
		call := f.call()
		delete(f.env.Hospitals, "abc")
		fx := f.apply(&EMRDone{Result: emr.Result{CallID: call.ID}})
		assert.Equal(t, f.text("how_to_start", "start", f.text("hi_code")), body(fx), "the queued message is answered")
		assert.False(t, f.s.Open())
		assert.Nil(t, f.s.Queued)
	})
}

// TestRegistrationOutcomeUnknownLooksUp: when the EMR may have registered
// the patient, the number is looked up before anything else: found, the
// registration stands; not found, the patient is asked to try again.
func TestRegistrationOutcomeUnknownLooksUp(t *testing.T) {
	lost := &emr.Error{Kind: emr.OutcomeUnknown}
	t.Run("found", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.hospital().Caps.ProfilePhoto = false
		toGender(f)
		f.send("1")
		reg := f.call()
		fx := f.apply(&EMRDone{Result: emr.Result{CallID: reg.ID, Err: lost}})
		require.NotNil(t, fx.Call, "the lost registration is checked")
		assert.Equal(t, emr.OpFindPatients, fx.Call.Op)
		fx = f.apply(&EMRDone{Result: emr.Result{CallID: fx.Call.ID, Patients: []emr.Patient{{ID: "P9", Name: f.s.Answers.Name}}}})
		assert.Contains(t, body(fx), "P9")
		assert.Equal(t, stepMenu, f.s.Step)
	})
	t.Run("not found", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.hospital().Caps.ProfilePhoto = false
		toGender(f)
		f.send("1")
		reg := f.call()
		fx := f.apply(&EMRDone{Result: emr.Result{CallID: reg.ID, Err: lost}})
		require.NotNil(t, fx.Call)
		fx = f.apply(&EMRDone{Result: emr.Result{CallID: fx.Call.ID}})
		assert.Contains(t, body(fx), f.text("registration_not_done", "helpline", testHelpline))
		assert.Contains(t, body(fx), f.text("ask_gender"))
		assert.Equal(t, stepRegGender, f.s.Step)
		assert.Nil(t, fx.Call)
	})
}
