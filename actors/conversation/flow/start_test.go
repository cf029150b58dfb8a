package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

func TestActivationStartsConversation(t *testing.T) {
	for _, msg := range []string{"hi abc", "Hello ABC", "🙏🏽 abc", "ｈｉ　ａｂｃ", "  hi   abc! "} {
		t.Run(msg, func(t *testing.T) {
			f := newFixture(t, allCaps)
			fx := f.send(msg)
			assert.Equal(t, f.text("welcome", "hospital", "ABC Hospital"), body(fx))
			require.NotNil(t, fx.Call)
			assert.Equal(t, emr.Call{ID: "c1", Op: emr.OpFindPatients, Mobile: testPhone}, *fx.Call)
			assert.Equal(t, "abc", f.s.Hospital)
			assert.Equal(t, "en", f.s.Lang)
			assert.Equal(t, stepIdentify, f.s.Awaiting.Step)
			assert.Equal(t, testNow, f.s.LastInbound)
		})
	}
}

func TestActivationRefused(t *testing.T) {
	inactive := false
	tests := []struct {
		name string
		msg  string
		mod  func(*config.Hospital)
		key  string
		hint string // how the reply says to start
	}{
		{"unknown code", "hi xyz", nil, "unknown_code", "hi abc"},
		{"inactive hospital", "hi abc", func(h *config.Hospital) { h.Active = &inactive }, "unknown_code", "hi abc"},
		// The only hospital answers on another number: its code is no help here.
		{"other sender's hospital", "hi abc", func(h *config.Hospital) { h.Sender = "whatsapp:+1999" }, "unknown_code", "hi <hospital code>"},
		{"not an activation", "I need a doctor", nil, "how_to_start", "hi abc"},
		{"menu while closed", "menu", nil, "how_to_start", "hi abc"},
		{"number while closed", "1", nil, "how_to_start", "hi abc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mods []func(*config.Hospital)
			if tc.mod != nil {
				mods = append(mods, tc.mod)
			}
			f := newFixture(t, allCaps, mods...)
			fx := f.send(tc.msg)
			assert.Equal(t, f.text(tc.key, "start", tc.hint), body(fx))
			assert.Nil(t, fx.Call)
			assert.False(t, f.s.Open())
		})
	}
}

func TestStartHintWithoutSingleHospital(t *testing.T) {
	f := newFixture(t, allCaps)
	f.env.Hospitals["xyz"] = &Hospital{Config: &config.Hospital{Code: "xyz", Name: "XYZ Clinic"}}
	fx := f.send("hello")
	assert.Equal(t, f.text("how_to_start", "start", f.text("hi_code")), body(fx))
}

func TestWelcomeOverrideAndLanguage(t *testing.T) {
	f := newFixture(t, allCaps, func(h *config.Hospital) {
		h.Welcome = "Namaste from ABC"
		h.Languages = []string{"hi", "en"}
	})
	fx := f.send("hi abc")
	assert.Equal(t, "Namaste from ABC", body(fx))
	assert.Equal(t, "hi", f.s.Lang, "a new conversation starts in the hospital's first language")
	fx = f.answer(emr.Result{Patients: []emr.Patient{patient}})
	assert.Contains(t, body(fx), f.text("welcome_back", "name", "Asha Devi"))
	assert.Contains(t, body(fx), "भाषा बदलें / Change language")
}

func TestKnownPatientSeesMenu(t *testing.T) {
	f := newFixture(t, allCaps)
	f.send("hi abc")
	fx := f.answer(emr.Result{Patients: []emr.Patient{patient}})
	b := body(fx)
	assert.Contains(t, b, f.text("welcome_back", "name", "Asha Devi"))
	assert.Contains(t, b, f.text("menu_heading"))
	for i, e := range menuEntries {
		assert.Contains(t, b, itoa(i+1)+". "+f.text(e.key))
	}
	assert.Equal(t, stepMenu, f.s.Step)
	assert.Equal(t, &patient, f.s.Patient)
	assert.Nil(t, f.s.Awaiting)
}

func TestFamilyChoice(t *testing.T) {
	family := []emr.Patient{patient, {ID: "P-101", Name: "Ravi Kumar"}}
	t.Run("existing member", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.send("hi abc")
		fx := f.answer(emr.Result{Patients: family})
		assert.Equal(t, f.text("choose_family")+"\n1. Asha Devi\n2. Ravi Kumar\n3. "+f.text("someone_new"), body(fx))
		assert.Equal(t, stepFamily, f.s.Step)

		fx = f.send("4")
		assert.Contains(t, body(fx), f.text("invalid_choice", "max", "3"))
		assert.Equal(t, stepFamily, f.s.Step)
		fx = f.send("0")
		assert.Contains(t, body(fx), f.text("invalid_choice", "max", "3"), "0 is not a way back before anything")

		fx = f.send("२")
		assert.Contains(t, body(fx), f.text("welcome_back", "name", "Ravi Kumar"))
		assert.Equal(t, "P-101", f.s.Patient.ID)
		assert.Nil(t, f.s.Family)
		assert.Equal(t, stepMenu, f.s.Step)
	})
	t.Run("someone new registers", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.send("hi abc")
		f.answer(emr.Result{Patients: family})
		fx := f.send("3")
		assert.Equal(t, f.text("ask_name"), body(fx))
		assert.Equal(t, stepRegName, f.s.Step)
		assert.Nil(t, f.s.Patient)
		assert.Nil(t, f.s.Family)
	})
}

func TestRegistration(t *testing.T) {
	photo := Media{URL: "https://media.example/p.jpg", ContentType: "image/jpeg"}
	tests := []struct {
		name      string
		caps      emr.Capabilities
		optional  bool
		photoMsg  func(f *fixture) Effects
		wantPhoto string
	}{
		{"with photo", allCaps, false, func(f *fixture) Effects { return f.sendMedia("", photo) }, photo.URL},
		{"photo skipped", allCaps, true, func(f *fixture) Effects { return f.send("SKIP") }, ""},
		{"EMR without photos", emr.Capabilities{}, false, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.caps, func(h *config.Hospital) { h.Registration.PhotoOptional = tc.optional })
			f.send("hi abc")
			fx := f.answer(emr.Result{})
			assert.Equal(t, f.text("not_registered")+"\n\n"+f.text("ask_name"), body(fx))
			assert.Equal(t, stepRegName, f.s.Step)

			fx = f.send("  Asha   Devi ")
			assert.Equal(t, f.text("ask_age")+"\n\n"+f.text("hint_back"), body(fx))
			fx = f.send("३४")
			assert.Equal(t, f.text("ask_gender")+"\n\n"+f.text("hint_back"), body(fx))
			fx = f.send("2")
			if tc.photoMsg != nil {
				ask := "ask_photo"
				if tc.optional {
					ask = "ask_photo_optional"
				}
				assert.Equal(t, f.text(ask)+"\n\n"+f.text("hint_back"), body(fx))
				assert.Nil(t, fx.Call)
				fx = tc.photoMsg(f)
			}
			require.NotNil(t, fx.Call)
			assert.Equal(t, emr.OpRegister, fx.Call.Op)
			assert.Equal(t, emr.NewPatient{Name: "Asha Devi", Age: 34, Gender: emr.Female, Mobile: testPhone}, fx.Call.NewPatient)

			fx = f.answer(emr.Result{Patient: emr.Patient{ID: "P-555"}})
			assert.Contains(t, body(fx), f.text("registered", "name", "Asha Devi", "id", "P-555"))
			assert.Equal(t, &emr.Patient{ID: "P-555", Name: "Asha Devi", Age: 34, Gender: emr.Female}, f.s.Patient)
			if tc.wantPhoto != "" {
				require.NotNil(t, fx.Call, "the photo is stored after the patient exists")
				assert.Equal(t, emr.Call{ID: fx.Call.ID, Op: emr.OpProfilePhoto,
					Patient: emr.PatientRef{ID: "P-555", Mobile: testPhone}, URL: tc.wantPhoto}, *fx.Call)
				assert.NotContains(t, body(fx), f.text("menu_heading"))
				fx = f.answer(emr.Result{})
			}
			assert.Nil(t, fx.Call)
			assert.Contains(t, body(fx), f.text("menu_heading"))
			assert.Equal(t, stepMenu, f.s.Step)
			assert.Equal(t, Answers{}, f.s.Answers, "registration answers are not kept once registered")
		})
	}
}

func TestRegistrationPhotoFailureKeepsPatient(t *testing.T) {
	f := newFixture(t, allCaps)
	toPhoto(f)
	f.sendMedia("", Media{URL: "https://media.example/p.png", ContentType: "image/png"})
	f.answer(emr.Result{Patient: emr.Patient{ID: "P-9", Name: "Asha Devi"}})
	fx := f.fail(emr.Unavailable)
	assert.Contains(t, body(fx), f.text("photo_later", "helpline", testHelpline))
	assert.Contains(t, body(fx), f.text("menu_heading"))
	assert.Equal(t, stepMenu, f.s.Step)
	assert.Equal(t, "P-9", f.s.Patient.ID)
}

// toPhoto registers up to the photo step.
func toPhoto(f *fixture) {
	f.t.Helper()
	f.send("hi abc")
	f.answer(emr.Result{})
	f.send("Asha Devi")
	f.send("34")
	f.send("2")
	require.Equal(f.t, stepRegPhoto, f.s.Step)
}

func TestRegistrationRejectsBadAnswers(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fixture)
		in    Inbound
		key   string
		args  []string
	}{
		{"name too short", nil, Inbound{Body: "A"}, "invalid_name", nil},
		{"name with digits", nil, Inbound{Body: "Asha 2"}, "invalid_name", nil},
		{"name of symbols", nil, Inbound{Body: "!!!"}, "invalid_name", nil},
		{"name as photo", nil, Inbound{Media: []Media{{URL: "u", ContentType: "image/jpeg"}}}, "expect_text", nil},
		{"age zero", toAge, Inbound{Body: "00"}, "invalid_age", nil}, // a lone 0 is Back
		{"age too old", toAge, Inbound{Body: "121"}, "invalid_age", nil},
		{"age in words", toAge, Inbound{Body: "thirty"}, "invalid_age", nil},
		{"gender 4", toGender, Inbound{Body: "4"}, "invalid_choice", []string{"max", "3"}},
		{"gender word", toGender, Inbound{Body: "female"}, "invalid_choice", []string{"max", "3"}},
		{"photo missing", toPhoto, Inbound{Body: "here"}, "expect_photo", nil},
		{"skip not allowed", toPhoto, Inbound{Body: "skip"}, "expect_photo", nil},
		{"photo as pdf", toPhoto, Inbound{Media: []Media{{URL: "u", ContentType: "application/pdf"}}}, "wrong_photo_type", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, allCaps)
			if tc.setup == nil {
				f.send("hi abc")
				f.answer(emr.Result{})
			} else {
				tc.setup(f)
			}
			before := f.s
			fx := f.sendIn(tc.in)
			assert.True(t, len(fx.Replies) == 1)
			assert.Contains(t, body(fx), f.text(tc.key, tc.args...))
			assert.Nil(t, fx.Call)
			assert.Equal(t, before.Step, f.s.Step, "a wrong answer never advances")
			assert.Equal(t, before.Answers, f.s.Answers, "a wrong answer never drops what was collected")
		})
	}
}

func toAge(f *fixture) {
	f.send("hi abc")
	f.answer(emr.Result{})
	f.send("Asha Devi")
}

func toGender(f *fixture) {
	toAge(f)
	f.send("34")
}
