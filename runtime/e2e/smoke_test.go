package e2e

import (
	"testing"

	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

func TestKnownPatientBooksInPerson(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	h.say(p, "hi abc", "Welcome back", "Main menu")
	h.say(p, "1", "When would you like")
	h.say(p, "2", "Choose a *department*")
	h.say(p, "1", "Choose a *doctor*")
	h.say(p, "1", "what is the problem")
	out := h.say(p, "fever for three days", "is booked")
	t.Log(out)
	calls := h.emr.CallsTo("book_in_person")
	if len(calls) != 1 || calls[0].Fields["chiefcompliant"] != "fever for three days" || calls[0].Fields["day_count"] != "2" {
		t.Fatalf("book_in_person calls: %+v", calls)
	}
}
