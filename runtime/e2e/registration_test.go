package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

// Tests of registration (CONTRACT §3): full name, age, gender and photo in
// that order, the EMR's register call (CONTRACT §4), wrong answers, and
// 0/menu/exit at every question.

// regQuestion is one registration question: what the patient is asked and
// a valid answer.
type regQuestion struct {
	name, prompt, answer string
}

// regQuestions are the registration questions of a hospital, in order.
// ABC sets registration.photo_optional; the demo hospital does not.
func regQuestions(code string) []regQuestion {
	photo := regQuestion{"photo", wording("ask_photo"), ""}
	if code == abc {
		photo = regQuestion{"photo", wording("ask_photo_optional"), "skip"}
	}
	return []regQuestion{
		{"name", wording("ask_name"), "Ravi Kumar"},
		{"age", wording("ask_age"), "34"},
		{"gender", wording("ask_gender"), "1"},
		photo,
	}
}

// startRegistration activates code from a number no EMR knows and
// answers the first n registration questions; the patient is then asked
// question n.
func startRegistration(h *harness, phone, code string, n int) {
	h.t.Helper()
	qs := regQuestions(code)
	h.say(phone, "hi "+code, wording("not_registered"), qs[0].prompt)
	for i := 0; i < n; i++ {
		h.say(phone, qs[i].answer, qs[i+1].prompt)
	}
}

// sendPhoto sends an image (or any file) with an empty body.
func sendPhoto(h *harness, phone, url, contentType string, want ...string) string {
	h.t.Helper()
	return h.sendExpect(withMedia(h.form(phone, ""), [2]string{url, contentType}), want...)
}

func TestRegistrationOnRestAPIEMR(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		age, gender      string
		wantGender       string
		photoType        string // empty: skip the photo
		wantProfilePhoto bool
	}{
		{"male, photo skipped", "34", "1", "male", "", false},
		{"female, jpeg photo", "34", "2", "female", "image/jpeg", true},
		{"other, png photo, Devanagari age", "३४", "3", "", "image/png", true},
		{"gif photo, full-width age", "３４", "1", "male", "image/gif", true},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := start(t)
			phone := testPhone(20, i)
			h.say(phone, "hi abc", wording("not_registered"), wording("ask_name"))
			h.say(phone, "Ravi Kumar", wording("ask_age"))
			h.say(phone, tc.age, wording("ask_gender"))
			h.say(phone, tc.gender, wording("ask_photo_optional"))
			assert.Empty(t, h.emr.CallsTo("register"), "nothing should be registered before the last question is answered")

			registered := wording("registered", "name", "Ravi Kumar", "id", "5001")
			var out string
			if tc.photoType == "" {
				out = h.say(phone, "skip", registered, wording("menu_heading"))
			} else {
				out = sendPhoto(h, phone, photoURL, tc.photoType, registered, wording("menu_heading"))
			}
			assertMainMenu(t, out)

			calls := h.emr.CallsTo("register")
			require.Len(t, calls, 1, "registration should call the EMR's register once")
			assert.Equal(t, map[string]string{
				"name": "Ravi Kumar", "mobile": phone[3:], "age": "34", "gender": tc.wantGender, "hid": restapitest.HID,
			}, calls[0].Fields, "register should carry exactly CONTRACT §4's fields, mobile as the national number")

			pics := h.emr.CallsTo("profile_pic")
			if !tc.wantProfilePhoto {
				assert.Empty(t, pics, "a skipped photo must not be sent to the EMR")
				return
			}
			require.Len(t, pics, 1, "the photo should be sent to the EMR once")
			assert.Equal(t, "5001", pics[0].Fields["pid"], "profile_pic should carry the new patient id")
			assert.Len(t, pics[0].Fields, 2, "profile_pic carries pid and image_url only")
			h.assertMediaLink(t, pics[0].Fields["image_url"], photoURL)
		})
	}
}

func TestRegistrationOnDemoEMRNeedsAPhoto(t *testing.T) {
	t.Parallel()
	h := start(t)
	phone := testPhone(21, 0)
	startRegistration(h, phone, demo, 3)
	out := h.say(phone, "skip", wording("expect_photo"), wording("ask_photo"))
	assert.NotContains(t, out, "You are registered", "skip must not register where the photo is required")
	out = sendPhoto(h, phone, photoURL, "image/jpeg", "Your patient ID is *DEMO-", wording("menu_heading"))
	assert.Contains(t, out, "You are registered, *Ravi Kumar*", "the confirmation should name the patient")
	assertMainMenu(t, out)
	// The new patient is found by number from now on.
	h.say(phone, "exit", wording("goodbye", "start", "hi demo"))
	h.say(phone, "hi demo", wording("welcome_back", "name", "Ravi Kumar"), wording("menu_heading"))
}

func TestRegistrationRefusesWrongAnswers(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Ab", 100)
	tests := []struct {
		name  string
		code  string
		at    int // the question answered wrongly
		sends []string
		media [][2]string // sent after the texts, each alone
		want  string      // what the patient is told, before the question again
	}{
		{name: "name", code: abc, at: 0, want: wording("invalid_name"),
			sends: []string{"R2D2 Kumar", "A", long, "😀🙏😀", "0", "12345"}},
		{name: "name as a photo", code: abc, at: 0, want: wording("expect_text"),
			media: [][2]string{{photoURL, "image/jpeg"}}},
		// A lone "0" at the age goes back to the name (TestRegistrationBackMenuAndExit);
		// "00" is the age zero.
		{name: "age", code: abc, at: 1, want: wording("invalid_age"),
			sends: []string{"00", "121", "abc", "12.5", "-3", "+3", "thirty"}},
		{name: "gender", code: abc, at: 2, want: wording("invalid_choice", "max", "3"),
			// The question lists numbers, so the word is refused too.
			sends: []string{"4", "male", "Female", "1.5", "-1"}},
		{name: "photo as text or skip where required", code: demo, at: 3, want: wording("expect_photo"),
			sends: []string{"here is my photo", "skip"}},
		{name: "photo of a type not accepted", code: demo, at: 3, want: wording("wrong_photo_type"),
			media: [][2]string{{"https://api.twilio.com/media/ME2", "application/pdf"}, {"https://api.twilio.com/media/ME3", "image/webp"}}},
		{name: "optional photo as text", code: abc, at: 3, want: wording("expect_photo"),
			sends: []string{"no thanks"}},
		{name: "optional photo of a type not accepted", code: abc, at: 3, want: wording("wrong_photo_type"),
			media: [][2]string{{"https://api.twilio.com/media/ME4", "application/pdf"}}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := start(t)
			phone := testPhone(22, i)
			qs := regQuestions(tc.code)
			startRegistration(h, phone, tc.code, tc.at)
			q := qs[tc.at]
			check := func(what, out string) {
				t.Helper()
				assert.Containsf(t, out, q.prompt, "after %s the patient should be asked the %s again", what, q.name)
				assert.Lessf(t, strings.Index(out, tc.want), strings.Index(out, q.prompt), "after %s the patient should be told what is wrong, then asked again", what)
				if tc.at+1 < len(qs) {
					assert.NotContainsf(t, out, qs[tc.at+1].prompt, "%s must not advance to the %s", what, qs[tc.at+1].name)
				}
				assert.NotContainsf(t, out, "You are registered", "%s must not register", what)
			}
			for _, s := range tc.sends {
				check(fmt.Sprintf("the answer %.20q", s), h.say(phone, s, tc.want, q.prompt))
			}
			for _, m := range tc.media {
				check("a "+m[1]+" file", sendPhoto(h, phone, m[0], m[1], tc.want, q.prompt))
			}
			// Still at the same question: a valid answer goes on.
			if tc.at+1 < len(qs) {
				h.say(phone, q.answer, qs[tc.at+1].prompt)
			}
			assert.Empty(t, h.emr.CallsTo("register"), "wrong answers must not reach the EMR")
		})
	}
}

func TestRegistrationBackMenuAndExit(t *testing.T) {
	t.Parallel()
	for _, code := range []string{abc, demo} {
		qs := regQuestions(code)
		for at := range qs {
			q := qs[at]
			t.Run(code+"/0 at "+q.name, func(t *testing.T) {
				t.Parallel()
				h := start(t)
				phone := testPhone(23, at)
				startRegistration(h, phone, code, at)
				if at == 0 {
					h.say(phone, "0", wording("invalid_name"), q.prompt)
					return
				}
				prev := qs[at-1]
				out := h.say(phone, "0", prev.prompt)
				assert.NotContainsf(t, out, q.prompt, "0 at the %s should go back to the %s only", q.name, prev.name)
				if code != abc {
					return
				}
				// Answer the earlier question differently: the EMR gets the new answer.
				changed := map[string]string{"name": "Ravi Kumar Singh", "age": "45", "gender": "2"}[prev.name]
				h.say(phone, changed, q.prompt)
				for i := at; i < len(qs); i++ {
					want := wording("menu_heading")
					if i+1 < len(qs) {
						want = qs[i+1].prompt
					}
					h.say(phone, qs[i].answer, want)
				}
				calls := h.emr.CallsTo("register")
				require.Len(t, calls, 1, "registration should be sent once after going back")
				field := map[string]string{"name": "name", "age": "age", "gender": "gender"}[prev.name]
				wantValue := map[string]string{"name": "Ravi Kumar Singh", "age": "45", "gender": "female"}[prev.name]
				assert.Equalf(t, wantValue, calls[0].Fields[field], "the EMR should get the %s as answered after going back", prev.name)
			})
			t.Run(code+"/menu and exit at "+q.name, func(t *testing.T) {
				t.Parallel()
				h := start(t)
				phone := testPhone(24, at)
				startRegistration(h, phone, code, at)
				out := h.say(phone, "menu", wording("menu_needs_registration"), q.prompt)
				assert.NotContains(t, out, wording("menu_heading"), "menu during registration must not show the main menu")
				out = h.say(phone, "MENU ", wording("menu_needs_registration"), q.prompt)
				assert.NotContains(t, out, wording("menu_heading"), "MENU during registration must not show the main menu")
				h.say(phone, "Exit", wording("goodbye", "start", "hi "+code))
				out = h.say(phone, q.answer+" ", wording("how_to_start", "start", "hi "+code))
				for _, other := range qs {
					assert.NotContainsf(t, out, other.prompt, "after exit, %q must not be taken as an answer", q.answer)
				}
				assert.Empty(t, h.emr.CallsTo("register"), "exit must not register")
			})
		}
	}
}
