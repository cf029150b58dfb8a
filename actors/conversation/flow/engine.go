package flow

import (
	"strings"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/emr"
)

// Engine applies events to conversation states with the flow tables.
type Engine struct {
	steps map[StepID]*Step
	cat   *catalog.Catalog
}

// New returns an engine with the product's flows.
func New(cat *catalog.Catalog) *Engine {
	return &Engine{steps: table(), cat: cat}
}

// Steps lists the step ids of the flow tables (for tests and docs).
func (e *Engine) Steps() []StepID {
	out := make([]StepID, 0, len(e.steps))
	for id := range e.steps {
		out = append(out, id)
	}
	return out
}

// Apply decides what an event does to a conversation: the next state and
// the effects to perform once that state is committed. It does no I/O and
// never changes s.
func (e *Engine) Apply(env *Env, s State, ev Event) (State, Effects) {
	next := s.clone()
	t := &turn{eng: e, env: env, s: &next}
	t.h = env.Hospitals[next.Hospital]
	if t.h == nil && next.Open() {
		// The hospital left the configuration while this conversation was
		// open: none of its steps can go on, so the patient starts again.
		t.close()
		next.Awaiting = nil
	}
	switch ev := ev.(type) {
	case *Inbound:
		t.inbound(*ev)
	case *EMRDone:
		t.emrDone(ev.Result)
	case *VideoConfirmed:
		t.videoConfirmed(*ev)
	case *ReminderDue:
		t.reminderDue(*ev)
	}
	for next.Awaiting == nil && len(next.Queued) > 0 {
		in := next.Queued[0]
		next.Queued = next.Queued[1:]
		t.handle(in)
	}
	if len(next.Queued) == 0 {
		next.Queued = nil
	}
	t.sayDue()
	t.flush()
	return next, t.fx
}

// turn is one decision in progress.
type turn struct {
	eng   *Engine
	env   *Env
	s     *State
	h     *Hospital
	fx    Effects
	parts []string
	// resume is set while reading a reminder's answer when the step the
	// patient left for it is fresh enough to go back to.
	resume bool
}

// lang is the language replies are written in.
func (t *turn) lang() string {
	if t.s.Lang != "" {
		return t.s.Lang
	}
	if t.h != nil {
		return t.h.Config.DefaultLanguage()
	}
	return catalog.Fallback
}

// text renders a catalog entry with the hospital's overrides.
func (t *turn) text(key string, args ...string) string {
	var overrides map[string]map[string]string
	if t.h != nil {
		overrides = t.h.Config.Messages
	}
	return t.eng.cat.Text(t.lang(), overrides, key, args...)
}

// say adds a paragraph to the turn's text reply.
func (t *turn) say(key string, args ...string) { t.parts = append(t.parts, t.text(key, args...)) }

// sayRaw adds text that is already rendered (lists, EMR wording).
func (t *turn) sayRaw(s string) {
	if s = strings.TrimSpace(s); s != "" {
		t.parts = append(t.parts, s)
	}
}

// sendMedia sends a media message after the text said so far.
func (t *turn) sendMedia(caption, url string) {
	t.flush()
	t.fx.Replies = append(t.fx.Replies, Reply{Body: caption, Media: []string{url}})
}

// flush turns the paragraphs said so far into one message.
func (t *turn) flush() {
	if len(t.parts) == 0 {
		return
	}
	t.fx.Replies = append(t.fx.Replies, Reply{Body: strings.Join(t.parts, "\n\n")})
	t.parts = nil
}

// helpline is the hospital's helpline, or the catalog's generic wording.
func (t *turn) helpline() string {
	if t.h != nil && t.h.Config.Helpline != "" {
		return t.h.Config.Helpline
	}
	return t.text("helpline_unknown")
}

// goTo enters a step: it loads what the step needs first, or prompts.
func (t *turn) goTo(id StepID) {
	st := t.eng.steps[id]
	if st.Load != nil {
		call := st.Load(t)
		t.s.Seq++
		call.ID = callID(t.s.Seq)
		t.s.Awaiting = &Awaiting{Call: call, Step: id, At: t.env.Now}
		t.fx.Call = &call
		return
	}
	t.show(id)
}

// show makes id the current step and prompts for it.
func (t *turn) show(id StepID) {
	st := t.eng.steps[id]
	if st.Read != nil {
		t.s.Step = id
	}
	if st.Prompt != nil {
		st.Prompt(t)
	}
}

// reprompt asks again what the current step expects.
func (t *turn) reprompt() {
	if st, ok := t.eng.steps[t.s.Step]; ok && st.Prompt != nil {
		st.Prompt(t)
	}
}

// retry tells the patient what was wrong and asks again.
func (t *turn) retry(key string, args ...string) {
	t.say(key, args...)
	t.reprompt()
}

// emrDone takes the answer to the awaited call.
func (t *turn) emrDone(r emr.Result) {
	aw := t.s.Awaiting
	if aw == nil || aw.Call.ID != r.CallID {
		return // a late or repeated answer: already handled
	}
	t.s.Awaiting = nil
	st := t.eng.steps[aw.Step]
	if r.Err != nil {
		if st.Failed != nil {
			st.Failed(t, r.Err)
			return
		}
		t.emrFailed(r.Err)
		return
	}
	if st.Loaded == nil || st.Loaded(t, r) {
		t.show(aw.Step)
	}
}

// emrFailed is the default answer to a failed EMR call: say so, then ask
// again what the current step asks (or close, when nothing was open).
func (t *turn) emrFailed(err error) {
	switch emr.KindOf(err) {
	case emr.NotSupported:
		t.say("not_available", "helpline", t.helpline())
	case emr.Rejected:
		if d := emr.DisplayOf(err); d != "" {
			t.say("emr_rejected_because", "reason", d, "helpline", t.helpline())
		} else {
			t.say("emr_rejected", "helpline", t.helpline())
		}
	case emr.OutcomeUnknown:
		t.say("emr_outcome_unknown", "helpline", t.helpline())
	case emr.BadMedia:
		t.mediaRefused(err)
	default:
		t.say("emr_unavailable", "helpline", t.helpline())
	}
	if t.s.Step == "" {
		t.close()
		return
	}
	t.reprompt()
}

// close ends the conversation; the next message must activate again.
func (t *turn) close() {
	t.s.Step = ""
	t.s.Options = nil
	t.s.Answers = Answers{}
	t.s.Family = nil
	t.s.Return = ""
	t.s.Video = nil
	t.s.Reply = nil
}
