package flow

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/frontdesk-health/frontdesk/emr"
)

func loadIdentify(t *turn) emr.Call {
	return emr.Call{Op: emr.OpFindPatients, Mobile: t.env.Phone}
}

// identified greets a known patient, lets a shared phone choose, or
// starts registration.
func identified(t *turn, r emr.Result) bool {
	switch len(r.Patients) {
	case 0:
		t.say("not_registered")
		t.show(stepRegName)
	case 1:
		p := r.Patients[0]
		t.s.Patient = &p
		t.say("welcome_back", "name", p.Name)
		t.show(stepMenu)
	default:
		for _, p := range r.Patients {
			if p.ID == t.s.Chosen {
				// The phone chose this member last time: greet them, and
				// say how to switch.
				t.s.Patient = &p
				t.say("welcome_back", "name", p.Name)
				t.say("family_switch_hint", "name", p.Name)
				t.show(stepMenu)
				return false
			}
		}
		t.s.Family = r.Patients
		t.s.Options = make([]Option, 0, len(r.Patients)+1)
		for _, p := range r.Patients {
			t.s.Options = append(t.s.Options, Option{ID: p.ID, Label: p.Name})
		}
		t.s.Options = append(t.s.Options, Option{ID: "", Label: t.text("someone_new")})
		t.show(stepFamily)
	}
	return false
}

func promptFamily(t *turn) {
	t.sayRaw(t.text("choose_family") + "\n" + renderOptions(t.s.Options))
}

func readFamily(t *turn, in Inbound) {
	o, ok := t.choose(in)
	if !ok {
		t.retryChoice()
		return
	}
	for _, p := range t.s.Family {
		if p.ID == o.ID && o.ID != "" {
			p := p
			t.s.Patient = &p
			t.s.Family = nil
			t.s.Chosen = p.ID
			t.say("welcome_back", "name", p.Name)
			t.show(stepMenu)
			return
		}
	}
	t.s.Family = nil
	t.show(stepRegName)
}

func promptRegName(t *turn) { t.say("ask_name") }

func readRegName(t *turn, in Inbound) {
	name := in.Body
	n := utf8.RuneCountInString(name)
	if len(in.Media) > 0 && name == "" {
		t.retry("expect_text")
		return
	}
	if n < 2 || n > 80 || !hasLetter(name) || containsDigit(name) {
		t.retry("invalid_name")
		return
	}
	t.s.Answers.Name = name
	t.show(stepRegAge)
}

func promptRegAge(t *turn) {
	t.say("ask_age")
	t.hint()
}

func readRegAge(t *turn, in Inbound) {
	age, ok := number(in.Body)
	if !ok || age < 1 || age > 120 {
		t.retry("invalid_age")
		return
	}
	t.s.Answers.Age = age
	t.show(stepRegGender)
}

func promptRegGender(t *turn) {
	t.say("ask_gender")
	t.hint()
}

// genders maps the numbered answers to the gender sent to the EMR.
var genders = map[int]emr.Gender{1: emr.Male, 2: emr.Female, 3: emr.Other}

func readRegGender(t *turn, in Inbound) {
	n, _ := number(in.Body)
	g, ok := genders[n]
	if !ok {
		t.retry("invalid_choice", "max", "3")
		return
	}
	t.s.Answers.Gender = g
	if t.h.Caps.ProfilePhoto {
		t.show(stepRegPhoto)
		return
	}
	t.goTo(stepRegSubmit)
}

func promptRegPhoto(t *turn) {
	if t.h.Config.Registration.PhotoOptional {
		t.say("ask_photo_optional")
	} else {
		t.say("ask_photo")
	}
	t.hint()
}

func readRegPhoto(t *turn, in Inbound) {
	if len(in.Media) == 0 && commandForm(in.Body) == "skip" && t.h.Config.Registration.PhotoOptional {
		t.s.Answers.PhotoURL = ""
		t.goTo(stepRegSubmit)
		return
	}
	url, ok := t.photo(in)
	if !ok {
		return
	}
	t.s.Answers.PhotoURL = url
	t.goTo(stepRegSubmit)
}

// photo takes the image of a photo step, or explains what is accepted.
func (t *turn) photo(in Inbound) (string, bool) {
	if len(in.Media) == 0 {
		t.retry("expect_photo")
		return "", false
	}
	m := in.Media[0]
	if !photoTypes[m.ContentType] {
		t.retry("wrong_photo_type")
		return "", false
	}
	return m.URL, true
}

// photoTypes are the images accepted as a profile photo.
var photoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/gif": true}

func loadRegister(t *turn) emr.Call {
	a := t.s.Answers
	return emr.Call{Op: emr.OpRegister, NewPatient: emr.NewPatient{Name: a.Name, Age: a.Age, Gender: a.Gender, Mobile: t.env.Phone}}
}

// registerFailed: when the EMR may have registered the patient (the
// answer was lost), look the number up before asking to try again, so a
// patient is not registered twice.
func registerFailed(t *turn, err error) {
	if emr.KindOf(err) == emr.OutcomeUnknown {
		t.goTo(stepRegCheck)
		return
	}
	t.emrFailed(err)
}

// regChecked finishes a registration whose answer was lost: found, the
// patient is registered; not found, the patient is asked to try again.
func regChecked(t *turn, r emr.Result) bool {
	for i := len(r.Patients) - 1; i >= 0; i-- {
		if p := r.Patients[i]; strings.EqualFold(p.Name, t.s.Answers.Name) || len(r.Patients) == 1 {
			return registered(t, emr.Result{Patient: p})
		}
	}
	t.retry("registration_not_done", "helpline", t.helpline())
	return false
}

func registered(t *turn, r emr.Result) bool {
	p := r.Patient
	if p.Name == "" {
		p.Name = t.s.Answers.Name
	}
	if p.Age == 0 {
		p.Age, p.Gender = t.s.Answers.Age, t.s.Answers.Gender
	}
	t.s.Patient = &p
	t.say("registered", "name", p.Name, "id", p.ID)
	if t.s.Answers.PhotoURL != "" {
		t.goTo(stepRegPhotoSet)
		return false
	}
	t.s.Answers = Answers{}
	t.show(stepMenu)
	return false
}

func regPhotoSaved(t *turn, _ emr.Result) bool {
	t.s.Answers = Answers{}
	t.show(stepMenu)
	return false
}

// regPhotoFailed keeps the registration: only the photo is missing. A
// photo that could not be used is asked for again, as from the menu.
func regPhotoFailed(t *turn, err error) {
	t.s.Answers = Answers{}
	if emr.KindOf(err) == emr.BadMedia {
		t.mediaRefused(err)
		t.show(stepPhotoAsk)
		return
	}
	t.say("photo_later", "helpline", t.helpline())
	t.show(stepMenu)
}

// patient names the identified patient for EMR calls.
func (t *turn) patient() emr.PatientRef {
	ref := emr.PatientRef{Mobile: t.env.Phone}
	if t.s.Patient != nil {
		ref.ID = t.s.Patient.ID
	}
	return ref
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func containsDigit(s string) bool {
	for _, r := range s {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// itoa is strconv.Itoa, short for catalog arguments.
func itoa(n int) string { return strconv.Itoa(n) }
