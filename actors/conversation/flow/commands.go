package flow

import (
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// maxQueued bounds the messages kept while the EMR answers; a patient
// typing faster than that is asked to wait.
const maxQueued = 8

// staleCall is how long an EMR call may go unanswered before the next
// message treats it as lost (the hospital actor answers every call within
// its timeout, so this only happens after a crash).
const staleCall = 2 * time.Minute

// inbound takes a patient's message, or queues it while the EMR answers.
func (t *turn) inbound(in Inbound) {
	t.settleStale()
	if t.s.Awaiting == nil && len(t.s.Queued) > 0 {
		// The call they waited for is over (lost or abandoned): messages
		// that came earlier go first, and Apply handles the queue next.
		t.s.Queued = append(t.s.Queued, in)
		return
	}
	if t.s.Awaiting != nil {
		if len(t.s.Queued) >= maxQueued {
			t.say("please_wait")
			return
		}
		t.s.Queued = append(t.s.Queued, in)
		return
	}
	t.handle(in)
}

// settleStale treats an EMR call unanswered for longer than staleCall as
// lost: its step hears that the outcome is unknown.
func (t *turn) settleStale() {
	if aw := t.s.Awaiting; aw != nil && t.env.Now.Sub(aw.At) > staleCall {
		t.emrDone(emr.Result{CallID: aw.Call.ID, Err: &emr.Error{Op: string(aw.Call.Op), Kind: emr.OutcomeUnknown}})
	}
}

// handle runs the commands that work everywhere, then the current step.
func (t *turn) handle(in Inbound) {
	in.Body = cleanText(in.Body)
	if in.Body == "" && in.Button != "" {
		in.Body = cleanText(in.Button)
	}
	form := commandForm(in.Body)
	now := t.env.Now

	fresh := !t.s.LastInbound.IsZero() && now.Sub(t.s.LastInbound) <= t.env.SessionTimeout
	switch {
	case t.inReply() && !now.Before(t.s.Reply.Until):
		t.replyExpired(form)
		return
	case t.inReply():
		// A reminder's question outlives the session: patients answer
		// hours later. Where they were before it only comes back while
		// that is fresh.
		t.resume = fresh
	case t.s.Open() && !t.s.LastInbound.IsZero() && !fresh:
		t.close()
		t.s.LastInbound = now
		t.say("closed_inactivity", "start", t.startHint())
		if code, ok := activation(form); ok {
			if h, ok := t.env.hospitalFor(code); ok {
				t.activate(h)
			}
		}
		return
	}
	t.s.LastInbound = now

	if code, ok := activation(form); ok {
		if h, ok := t.env.hospitalFor(code); ok {
			t.activate(h)
			return
		}
		if !t.s.Open() {
			t.say("unknown_code", "start", t.startHint())
			return
		}
	}
	if word, arg, _ := strings.Cut(form, " "); word == "stop" || word == "start" {
		if kind, code, ok := consentArgs(arg); ok {
			t.consent(word == "stop", kind, code)
			return
		}
	}
	if !t.s.Open() {
		t.say("how_to_start", "start", t.startHint())
		return
	}
	switch form {
	case "exit", "quit", "bye":
		t.close()
		t.say("goodbye", "start", t.startHint())
		return
	case "menu", "#":
		if t.s.Patient == nil {
			t.retry("menu_needs_registration")
			return
		}
		t.s.Reply = nil // a question left unanswered stays so
		t.goTo(stepMenu)
		return
	case "switch":
		if t.s.Chosen != "" {
			// Another family member: forget the choice and ask again.
			t.s.Chosen, t.s.Patient, t.s.Reply = "", nil, nil
			t.goTo(stepIdentify)
			return
		}
	case "language", "lang", "भाषा":
		if t.s.Step != stepLanguage {
			t.s.Return = t.s.Step
		}
		t.goTo(stepLanguage)
		return
	}
	st := t.eng.steps[t.s.Step]
	if form == "0" && st.Back != nil {
		t.goTo(st.Back(t))
		return
	}
	st.Read(t, in)
}

// activate starts a fresh conversation with a hospital.
func (t *turn) activate(h *Hospital) {
	lang := t.s.Lang
	if !supports(h, lang) {
		lang = h.Config.DefaultLanguage()
	}
	chosen := t.s.Chosen
	if t.s.Hospital != h.Config.Code {
		chosen = "" // patient ids belong to one EMR
	}
	*t.s = State{
		Hospital:    h.Config.Code,
		Chosen:      chosen,
		Lang:        lang,
		LastInbound: t.s.LastInbound,
		Queued:      t.s.Queued, // messages sent after this one still count
		Sids:        t.s.Sids,
		Recent:      t.s.Recent,
		Seq:         t.s.Seq,
		Due:         t.s.Due, // a reminder still to say, and those said
		Reminded:    t.s.Reminded,
	}
	t.h = h
	if h.Config.Welcome != "" {
		t.sayRaw(h.Config.Welcome)
	} else {
		t.say("welcome", "hospital", h.Config.Name)
	}
	t.goTo(stepIdentify)
}

// consent records `stop` or `start` for the named or current hospital,
// for every message or one kind of reminder.
func (t *turn) consent(stop bool, kind, code string) {
	h := t.h
	if code != "" {
		h, _ = t.env.hospitalFor(code)
	} else if h == nil {
		h, _ = t.env.onlyHospital()
	}
	if h == nil {
		t.say("consent_which")
		return
	}
	prev := t.h
	t.h = h
	t.fx.Consent = append(t.fx.Consent, Consent{Hospital: h.Config.Code, Kind: kind, OptedOut: stop})
	switch {
	case kind != "" && stop:
		t.say("stopped_kind", "hospital", h.Config.Name, "kind", kind, "kind_name", t.text(reminderKinds[kind]))
	case kind != "":
		t.say("started_kind", "hospital", h.Config.Name, "kind", kind, "kind_name", t.text(reminderKinds[kind]))
	case stop:
		t.say("stopped", "hospital", h.Config.Name)
	default:
		t.say("started", "hospital", h.Config.Name)
	}
	t.h = prev
}

// startHint is how this patient starts a conversation: with the code when
// one hospital answers on this number.
func (t *turn) startHint() string {
	if h := t.h; h != nil {
		return "hi " + h.Config.Code
	}
	if h, ok := t.env.onlyHospital(); ok {
		return "hi " + h.Config.Code
	}
	return t.text("hi_code")
}

// supports reports whether a hospital offers a language.
func supports(h *Hospital, lang string) bool {
	if lang == "" {
		return false
	}
	for _, l := range h.Config.Languages {
		if l == lang {
			return true
		}
	}
	return len(h.Config.Languages) == 0 && lang == "en"
}
