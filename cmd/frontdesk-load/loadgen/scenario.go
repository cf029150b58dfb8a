package loadgen

import (
	"fmt"
	"strings"
)

// Step is one message a patient sends and how to recognise the reply that
// ends its turn (the bot's last reply to it). "{code}" in Body is the
// patient's hospital code.
type Step struct {
	Body string
	Ends string // a substring of the turn's last reply
	// Replies is how many replies the step gets when all goes well (0
	// means 1); the crash test counts them.
	Replies int
}

// replies is how many replies st gets.
func (st Step) replies() int { return max(st.Replies, 1) }

// Scenario is what each patient sends: the Intro once, then the Loop over
// and over. Every step gets at least one reply; the turn ends with the
// reply that contains Ends (earlier replies of the same turn are counted
// but do not end it).
type Scenario struct {
	Name  string
	Intro []Step
	Loop  []Step
}

// Step returns the n-th message (0-based) of one patient.
func (s *Scenario) Step(n int) Step {
	if n < len(s.Intro) {
		return s.Intro[n]
	}
	return s.Loop[(n-len(s.Intro))%len(s.Loop)]
}

// Hello is a patient with no open conversation writing "hello": every
// message gets one "how to start" reply and no EMR call. It is the
// cheapest turn the product has, so it measures the webhook path itself.
var Hello = &Scenario{
	Name: "hello",
	Loop: []Step{{Body: "hello", Ends: "To start, send"}},
}

// Browse is a new patient of the demo hospital registering (name, age,
// gender, skipping the photo, which the demo hospital allows), then
// looping through the menu: upcoming appointments, back to the menu, the
// in-person booking's day and department lists, and back twice. Each turn
// gets one reply (activation gets two), and a third of them wait for the
// in-process demo EMR.
var Browse = &Scenario{
	Name: "browse",
	Intro: []Step{
		{Body: "hi {code}", Ends: "*full name*", Replies: 2}, // the welcome, then the first question
		{Body: "Load Tester", Ends: "*age*"},
		{Body: "34", Ends: "Gender?"},
		{Body: "2", Ends: "type *skip*"},
		{Body: "skip", Ends: "*Main menu*"},
	},
	Loop: []Step{
		{Body: "3", Ends: "menu number"},
		{Body: "menu", Ends: "*Main menu*"},
		{Body: "1", Ends: "When would you like"},
		{Body: "2", Ends: "*department*"},
		{Body: "0", Ends: "When would you like"},
		{Body: "0", Ends: "*Main menu*"},
	},
}

// Scenarios are the scenarios by name.
var Scenarios = map[string]*Scenario{Hello.Name: Hello, Browse.Name: Browse}

// ScenarioNamed returns a scenario by name.
func ScenarioNamed(name string) (*Scenario, error) {
	s, ok := Scenarios[name]
	if !ok {
		return nil, fmt.Errorf("unknown scenario %q (want hello or browse)", name)
	}
	return s, nil
}

// ends reports whether body ends the turn of step.
func (st Step) ends(body string) bool { return strings.Contains(body, st.Ends) }
