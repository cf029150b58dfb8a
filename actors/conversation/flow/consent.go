package flow

import "strings"

// reminderKinds are the kinds of reminder a patient can stop one by one
// (`stop medicine`), with the catalog key of each kind's name. They are
// the kinds actors/reminder stores (a test checks they agree).
var reminderKinds = map[string]string{
	"appointment": "kind_appointment",
	"medicine":    "kind_medicine",
	"follow_up":   "kind_follow_up",
	"feedback":    "kind_feedback",
}

// kindWords are the spellings patients type for each kind.
var kindWords = map[string]string{
	"appointment": "appointment", "appointments": "appointment",
	"medicine": "medicine", "medicines": "medicine",
	"follow_up": "follow_up", "follow-up": "follow_up", "followup": "follow_up",
	"feedback": "feedback",
}

// consentArgs reads what follows `stop` or `start`: nothing (every
// message, current hospital), a hospital code, a kind of reminder, or a
// kind then a code (`stop medicine abc`). A kind's word wins over a
// hospital code spelled the same. ok is false for anything else, which is
// then not a command.
func consentArgs(arg string) (kind, code string, ok bool) {
	f := strings.Fields(arg)
	switch {
	case len(f) == 0:
		return "", "", true
	case len(f) == 1 && kindWords[f[0]] != "":
		return kindWords[f[0]], "", true
	case len(f) == 1:
		return "", f[0], true
	case len(f) == 2 && kindWords[f[0]] != "":
		return kindWords[f[0]], f[1], true
	}
	return "", "", false
}
