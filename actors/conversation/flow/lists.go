package flow

import (
	"strconv"
	"strings"
)

// promptList is a Prompt that shows the step's options under a heading.
func promptList(heading string) func(*turn) {
	return func(t *turn) {
		t.sayRaw(t.text(heading) + "\n" + renderOptions(t.s.Options))
		t.hint()
	}
}

// renderOptions numbers options 1..n in the order the EMR gave them.
func renderOptions(opts []Option) string {
	var b strings.Builder
	for i, o := range opts {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(o.Label)
	}
	return b.String()
}

// choose reads a number from the list shown; false means ask again.
func (t *turn) choose(in Inbound) (Option, bool) {
	n, ok := number(in.Body)
	if !ok || n < 1 || n > len(t.s.Options) {
		return Option{}, false
	}
	return t.s.Options[n-1], true
}

// retryChoice tells the patient which numbers are accepted, then asks again.
func (t *turn) retryChoice() {
	t.retry("invalid_choice", "max", strconv.Itoa(len(t.s.Options)))
}

// hint reminds the patient of `0` and `menu` where they apply.
func (t *turn) hint() {
	st := t.eng.steps[t.s.Step]
	switch {
	case st != nil && st.Back != nil && t.s.Patient != nil:
		t.say("hint_back_menu")
	case st != nil && st.Back != nil:
		t.say("hint_back")
	case t.s.Patient != nil && t.s.Step != stepMenu:
		t.say("hint_menu")
	}
}
