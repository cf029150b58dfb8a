package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

var records = emr.Records{Items: []emr.Record{
	{ID: "R1", Title: "Blood test", Date: istDay(20), URL: "https://emr.example/r1.pdf"},
	{ID: "R2", Title: "X-ray", URL: "https://emr.example/r2.jpg"},
}}

// toStep brings a fixture into every step a patient can be in.
var toStep = map[StepID]func(f *fixture){
	stepFamily: func(f *fixture) {
		f.send("hi abc")
		f.answer(emr.Result{Patients: []emr.Patient{patient, {ID: "P-2", Name: "Ravi"}}})
	},
	stepRegName: func(f *fixture) {
		f.send("hi abc")
		f.answer(emr.Result{})
	},
	stepRegAge:    toAge,
	stepRegGender: toGender,
	stepRegPhoto:  toPhoto,
	stepMenu:      (*fixture).toMenu,
	stepLanguage:  func(f *fixture) { f.toMenu(); f.send("8") },
	stepRecords: func(f *fixture) {
		f.toMenu()
		f.send("4")
		f.answer(emr.Result{Records: records})
	},
	stepUpcomingPick: toUpcomingPick,
	stepCancelAsk:    func(f *fixture) { toUpcomingPick(f); f.send("1") },
	stepPhotoAsk:     func(f *fixture) { f.toMenu(); f.send("5") },
	stepDocAsk:       func(f *fixture) { f.toMenu(); f.send("6") },
	stepAddrAsk:      func(f *fixture) { f.toMenu(); f.send("7") },
	stepBookWhen:     func(f *fixture) { f.toMenu(); f.send("1") },
	stepBookDept:     toDept,
	stepBookDoctor:   toDoctor,
	stepBookSlot: func(f *fixture) {
		toDoctor(f)
		f.send("1")
		f.answer(emr.Result{Slots: slots})
	},
	stepBookReason: func(f *fixture) { toComplaint(f, "1") },
	stepVideoWait: func(f *fixture) {
		toComplaint(f, "2")
		f.send("cough")
		f.answer(emr.Result{Booking: emr.Booking{AppointmentID: "V1", PaymentLink: "https://pay.example/V1"}})
	},
	// Answers to reminders (reminder_test.go).
	stepReplyConfirm:  toConfirm,
	stepSurvey(0):     toSurvey(0),
	stepSurvey(1):     toSurvey(1),
	stepSurvey(2):     toSurvey(2),
	stepSurveyComment: toSurvey(len(surveyQuestions)),
}

// upcoming are two appointments the EMR can cancel.
var upcoming = []emr.Appointment{{ID: "A1", Text: "A1: tomorrow 10:00 with Dr Rao"}, {ID: "A2", Text: "A2: Friday video with Dr Sen"}}

func toUpcomingPick(f *fixture) {
	f.toMenu()
	f.send("3")
	f.answer(emr.Result{Appointments: upcoming})
}

func toDept(f *fixture) {
	f.toMenu()
	f.send("1")
	f.send("1")
	f.answer(emr.Result{Departments: departments})
}

func toDoctor(f *fixture) {
	toDept(f)
	f.send("1")
	f.answer(emr.Result{Doctors: doctors})
}

func TestEveryReadingStepIsReachable(t *testing.T) {
	eng := New(testCatalog)
	for _, id := range eng.Steps() {
		if eng.steps[id].Read == nil {
			continue
		}
		setup, ok := toStep[id]
		require.True(t, ok, "no test path into step %q", id)
		f := newFixture(t, allCaps)
		setup(f)
		assert.Equal(t, id, f.s.Step, "path into %q", id)
		assert.Nil(t, f.s.Awaiting)
	}
}

func TestBack(t *testing.T) {
	noSlots := allCaps
	noSlots.Slots = false
	tests := []struct {
		from   StepID
		caps   emr.Capabilities
		load   emr.Op     // the list the way back loads again, if any
		result emr.Result // its answer
		to     StepID     // where 0 leads; "" means 0 is an ordinary answer
		says   string     // a key the reply contains
		max    string     // its {max}, when it has one
	}{
		{from: stepRegAge, to: stepRegName, says: "ask_name"},
		{from: stepRegGender, to: stepRegAge, says: "ask_age"},
		{from: stepRegPhoto, to: stepRegGender, says: "ask_gender"},
		{from: stepLanguage, to: stepMenu, says: "menu_heading"},
		{from: stepRecords, to: stepMenu, says: "menu_heading"},
		{from: stepPhotoAsk, to: stepMenu, says: "menu_heading"},
		{from: stepDocAsk, to: stepMenu, says: "menu_heading"},
		{from: stepAddrAsk, to: stepMenu, says: "menu_heading"},
		{from: stepBookWhen, to: stepMenu, says: "menu_heading"},
		{from: stepBookDept, to: stepBookWhen, says: "ask_when"},
		{from: stepBookDoctor, load: emr.OpDepartments, result: emr.Result{Departments: departments}, to: stepBookDept, says: "choose_department"},
		{from: stepBookSlot, load: emr.OpDoctors, result: emr.Result{Doctors: doctors}, to: stepBookDoctor, says: "choose_doctor"},
		{from: stepBookReason, load: emr.OpSlots, result: emr.Result{Slots: slots}, to: stepBookSlot, says: "choose_slot"},
		{from: stepBookReason, caps: noSlots, load: emr.OpDoctors, result: emr.Result{Doctors: doctors}, to: stepBookDoctor, says: "choose_doctor"},
		{from: stepFamily, says: "invalid_choice"},
		{from: stepRegName, says: "invalid_name"},
		{from: stepMenu, says: "invalid_choice", max: "8"},
		{from: stepVideoWait, says: "still_waiting_payment"},
	}
	for _, tc := range tests {
		name := string(tc.from)
		if tc.caps != (emr.Capabilities{}) {
			name += "/no slots"
		}
		t.Run(name, func(t *testing.T) {
			caps := tc.caps
			if caps == (emr.Capabilities{}) {
				caps = allCaps
			}
			f := newFixture(t, caps)
			toStep[tc.from](f)
			fx := f.send("0")
			if tc.load != "" {
				require.NotNil(t, fx.Call)
				assert.Equal(t, tc.load, fx.Call.Op)
				assert.Equal(t, tc.from, f.s.Step, "the step changes once the list is loaded")
				fx = f.answer(tc.result)
			} else {
				assert.Nil(t, fx.Call)
			}
			want := tc.to
			if want == "" {
				want = tc.from
			}
			assert.Equal(t, want, f.s.Step)
			max := tc.max
			if max == "" {
				max = "3"
			}
			assert.Contains(t, body(fx), f.text(tc.says, "max", max))
		})
	}
}

func TestMenuAndExitEverywhere(t *testing.T) {
	for id, setup := range toStep {
		t.Run(string(id)+"/menu", func(t *testing.T) {
			f := newFixture(t, allCaps)
			setup(f)
			registered := f.s.Patient != nil
			fx := f.send(" MENU ")
			assert.Nil(t, fx.Call)
			if registered {
				assert.Equal(t, stepMenu, f.s.Step)
				assert.Contains(t, body(fx), f.text("menu_heading"))
				return
			}
			assert.Equal(t, id, f.s.Step, "no menu before registration")
			assert.Contains(t, body(fx), f.text("menu_needs_registration"))
		})
		t.Run(string(id)+"/exit", func(t *testing.T) {
			f := newFixture(t, allCaps)
			setup(f)
			fx := f.send("Exit.")
			assert.Nil(t, fx.Call)
			assert.Equal(t, f.text("goodbye", "start", "hi abc"), body(fx))
			assert.False(t, f.s.Open())
			assert.Equal(t, Answers{}, f.s.Answers)
			assert.Nil(t, f.s.Options)
			assert.Nil(t, f.s.Video)

			fx = f.send("1")
			assert.Equal(t, f.text("how_to_start", "start", "hi abc"), body(fx), "after exit nothing is taken as an answer")
		})
	}
}

func TestLanguageCommand(t *testing.T) {
	t.Run("during registration returns to the step", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toAge(f)
		fx := f.send("भाषा")
		assert.Equal(t, stepLanguage, f.s.Step)
		assert.Contains(t, body(fx), f.text("choose_language")+"\n1. English\n2. हिन्दी")
		fx = f.send("२")
		assert.Equal(t, "hi", f.s.Lang)
		assert.Equal(t, stepRegAge, f.s.Step)
		assert.Equal(t, "Asha Devi", f.s.Answers.Name, "changing language keeps the answers")
		assert.Equal(t, f.text("language_set")+"\n\n"+f.text("ask_age")+"\n\n"+f.text("hint_back"), body(fx))
		assert.Equal(t, StepID(""), f.s.Return)
	})
	t.Run("0 returns where it was asked", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.send("hi abc")
		f.answer(emr.Result{})
		f.send("lang")
		fx := f.send("0")
		assert.Equal(t, stepRegName, f.s.Step)
		assert.Contains(t, body(fx), f.text("ask_name"))
	})
	t.Run("from the menu", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("8")
		fx := f.send("3")
		assert.Contains(t, body(fx), f.text("invalid_choice", "max", "2"))
		fx = f.send("2")
		assert.Equal(t, stepMenu, f.s.Step)
		assert.Contains(t, body(fx), "भाषा हिन्दी कर दी गई है।")
		assert.Contains(t, body(fx), "*मुख्य मेनू*")
	})
	t.Run("reloads a list step", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toDept(f)
		f.send("language")
		fx := f.send("1")
		require.NotNil(t, fx.Call)
		assert.Equal(t, emr.OpDepartments, fx.Call.Op)
		f.answer(emr.Result{Departments: departments})
		assert.Equal(t, stepBookDept, f.s.Step)
	})
}
