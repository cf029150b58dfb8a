package flow

import "github.com/frontdesk-health/frontdesk/emr"

// The upcoming appointments list doubles as the way to cancel one, where
// the EMR can (Capabilities.Cancel): pick a number, confirm, done.

func promptUpcomingPick(t *turn) {
	t.sayRaw(t.text("upcoming_heading") + "\n" + renderOptions(t.s.Options))
	t.say("cancel_hint")
}

func readUpcomingPick(t *turn, in Inbound) {
	o, ok := t.choose(in)
	if !ok {
		t.retryChoice()
		return
	}
	t.s.Answers.Cancel = o
	t.show(stepCancelAsk)
}

func promptCancel(t *turn) {
	t.say("cancel_confirm", "appointment", t.s.Answers.Cancel.Label)
	t.hint()
}

func readCancel(t *turn, in Inbound) {
	switch n, _ := number(in.Body); n {
	case 1:
		t.goTo(stepCancelDo)
	case 2:
		t.say("cancel_kept")
		t.backToMenu()
	default:
		t.retry("invalid_choice", "max", "2")
	}
}

func loadCancel(t *turn) emr.Call {
	return emr.Call{Op: emr.OpCancel, Patient: t.patient(), Appointment: t.s.Answers.Cancel.ID}
}
