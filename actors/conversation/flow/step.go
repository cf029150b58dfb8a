package flow

import "github.com/frontdesk-health/frontdesk/emr"

// Step is one row of a flow table. Every field is optional; together they
// say how the step is entered, shown and answered.
type Step struct {
	// Load is the EMR call to make before the step can be shown. While it
	// runs the conversation stays where it was; the answer goes to Loaded.
	Load func(t *turn) emr.Call
	// Loaded takes a successful answer. It returns true to enter the step
	// (then Prompt runs); false when it moved the conversation elsewhere
	// itself. Steps without Read are actions: their Loaded always moves on.
	Loaded func(t *turn, r emr.Result) bool
	// Failed handles a failed call; nil means: apologise with the helpline
	// and ask again what the current step asks.
	Failed func(t *turn, err error)
	// Prompt says what the step expects, from the state.
	Prompt func(t *turn)
	// Read handles the patient's answer while the conversation is here.
	Read func(t *turn, in Inbound)
	// Back is where `0` goes; nil means `0` is an ordinary answer.
	Back func(t *turn) StepID
	// NeedsPatient marks steps that only make sense once the patient is
	// identified; `menu` is refused before.
	NeedsPatient bool
	// Reminder marks the steps that read the answer to a reminder: the
	// session timeout does not close them (patients answer reminders
	// hours later), the reminder's own deadline does.
	Reminder bool
}

// to is a Back that always goes to one step.
func to(id StepID) func(*turn) StepID { return func(*turn) StepID { return id } }
