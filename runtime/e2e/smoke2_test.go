package e2e

import (
	"testing"
)

func TestSmokeDemoFlows(t *testing.T) {
	h := start(t)
	p := "+919811111111"
	h.say(p, "hi demo", "not find a patient", "full name")
	h.say(p, "Ravi Kumar", "age")
	h.say(p, "34", "Gender")
	h.say(p, "1", "photo")
	t.Log(h.sendExpect(withMedia(h.form(p, ""), [2]string{"https://api.twilio.com/media/ME1", "image/jpeg"}), "patient ID", "Main menu"))
	t.Log(h.say(p, "2", "When"))
	t.Log(h.say(p, "3", "department"))
	t.Log(h.say(p, "1", "doctor"))
	t.Log(h.say(p, "1", "time"))
	t.Log(h.say(p, "1", "problem"))
	t.Log(h.say(p, "headache", "payment"))
	t.Log(h.say(p, "4", "still waiting"))
	t.Log(h.say(p, "menu", "Main menu"))
	t.Log(h.say(p, "3", "upcoming"))
	t.Log(h.say("+919800000001", "hi demo", "Welcome back"))
	t.Log(h.say("+919800000001", "4", "record"))
	t.Log(h.say("+919800000001", "1", "media"))
	t.Log(h.say("+919800000002", "hi demo", "Who is this"))
}
