// Package flow is the conversation's brain, as data and pure functions: a
// conversation State, the Events that reach it (inbound messages, EMR
// answers, video confirmations, reminders that expect an answer), and
// Apply, which decides the next State and the Effects (replies, one EMR
// call, consent changes, answers to post to the EMR) without doing any I/O.
// The conversation actor performs the effects after committing the state.
//
// Flows are tables of steps (steps_*.go). A step says what to load from the
// EMR on entering, what to store from the answer, how to prompt, how to read
// the patient's reply, and where `0` goes back to. Wording lives in the
// catalog package.
package flow

import (
	"encoding/binary"
	"slices"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// StepID names a step of a flow. The empty StepID means the conversation is
// closed: the next message must be an activation.
type StepID string

// State is one conversation's state. It is serialised into the snapshot,
// so fields are plain data and changes must stay backward compatible.
type State struct {
	Hospital    string        `json:"h,omitempty"` // code of the hospital the patient chose
	Lang        string        `json:"l,omitempty"`
	Patient     *emr.Patient  `json:"p,omitempty"`
	Family      []emr.Patient `json:"fam,omitempty"` // patients sharing the number, while choosing
	Chosen      string        `json:"ch,omitempty"`  // the family member this phone chose last (EMR id)
	Step        StepID        `json:"s,omitempty"`
	Return      StepID        `json:"ret,omitempty"` // where the language step goes back to
	Options     []Option      `json:"o,omitempty"`   // the numbered list the patient sees
	Answers     Answers       `json:"a"`
	Awaiting    *Awaiting     `json:"w,omitempty"`
	Queued      []Inbound     `json:"q,omitempty"` // arrived while waiting for the EMR
	LastInbound time.Time     `json:"t"`
	// Sids holds the recent MessageSids as 8-byte sums (sidSum), newest
	// last: 256 bytes for the whole ring instead of some 1.6 KiB of
	// strings, in memory and in every snapshot. Recent is the ring as
	// snapshots before it stored it; it is read, never written, and
	// folded into Sids at the next Remember.
	Sids   []byte     `json:"rs,omitempty"`
	Recent []string   `json:"r,omitempty"`
	Video  *VideoWait `json:"v,omitempty"`
	Seq    uint64     `json:"n,omitempty"` // numbers EMR calls
	// Reply is the reminder whose answer the reply steps read; Due is one
	// that arrived while an EMR call was awaited, said once it is
	// answered; Reminded holds recent reminder occurrence ids, newest
	// last, so a firing repeated after a crash is not said twice.
	Reply    *ReminderReply `json:"rr,omitempty"`
	Due      *ReminderDue   `json:"rd,omitempty"`
	Reminded []string       `json:"rm,omitempty"`
}

// Open reports whether a conversation is in progress.
func (s *State) Open() bool { return s.Step != "" || s.Awaiting != nil }

// Option is one entry of a numbered list.
type Option struct {
	ID    string `json:"i"`
	Label string `json:"t"`
}

// Answers is what the current flow has collected.
type Answers struct {
	Name      string     `json:"name,omitempty"`
	Age       int        `json:"age,omitempty"`
	Gender    emr.Gender `json:"gender,omitempty"`
	PhotoURL  string     `json:"photo,omitempty"`
	Visit     emr.Visit  `json:"visit,omitempty"`
	DayOffset int        `json:"day,omitempty"`
	Dept      Option     `json:"dept"`
	Doctor    Option     `json:"doc"`
	Slot      Option     `json:"slot"`
	Complaint string     `json:"complaint,omitempty"`
	Docs      []Media    `json:"docs,omitempty"` // uploads still to store
	Caption   string     `json:"caption,omitempty"`
	Address   string     `json:"addr,omitempty"`
	Cancel    Option     `json:"cancel"` // the appointment to cancel
}

// Awaiting is the EMR call a conversation waits for and the step its
// answer leads to.
type Awaiting struct {
	Call emr.Call  `json:"c"`
	Step StepID    `json:"s"`
	At   time.Time `json:"at"`
}

// VideoWait is a video appointment waiting for the EMR's payment
// confirmation.
type VideoWait struct {
	AppointmentID string `json:"id,omitempty"`
	PaymentLink   string `json:"link"`
	Doctor        string `json:"doc,omitempty"`
}

// ReminderReply is a reminder waiting for the patient's answer, with what
// the callback needs and where the patient goes afterwards.
type ReminderReply struct {
	ID            string    `json:"id"` // the occurrence (ReminderDue.ID)
	ReminderID    string    `json:"rid"`
	Hospital      string    `json:"h"`
	Kind          string    `json:"k"`
	CallbackURL   string    `json:"cb"`
	AppointmentID string    `json:"aid,omitempty"`
	Until         time.Time `json:"until"` // answers from then on are politely refused
	// Return is the step the patient was in when the reminder came, shown
	// again after the answer; empty closes the conversation instead.
	Return  StepID `json:"ret,omitempty"`
	Ratings []int  `json:"rt,omitempty"` // a survey's answers so far, by question
}

// maxReminded bounds the reminder occurrence ring: a repeated firing
// comes within a lease or two of the first.
const maxReminded = 8

// RememberReminder records a reminder occurrence the conversation took.
func (s *State) RememberReminder(id string) {
	s.Reminded = append(s.Reminded, id)
	if len(s.Reminded) > maxReminded {
		s.Reminded = append(s.Reminded[:0:0], s.Reminded[len(s.Reminded)-maxReminded:]...)
	}
}

// WasReminded reports whether the reminder occurrence id was taken lately.
func (s *State) WasReminded(id string) bool { return slices.Contains(s.Reminded, id) }

// maxRecent bounds the MessageSid ring kept for dedupe.
const maxRecent = 32

// sidSize is the size of one MessageSid's sum in State.Sids.
const sidSize = 8

// sidSum is the 64-bit FNV-1a sum of a MessageSid: two of the 32 sids a
// ring holds share one with a chance of about 2^-55, and a stored ring
// means the same in every process.
func sidSum(sid string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(sid); i++ {
		h = (h ^ uint64(sid[i])) * prime
	}
	return h
}

// Remember records a processed MessageSid.
func (s *State) Remember(sid string) {
	if sid == "" {
		return
	}
	// One new array, sized to fit, so a state shared with the last
	// committed one is never written to.
	legacy := s.Recent
	have := len(s.Sids)/sidSize + len(legacy)
	keep := min(have, maxRecent-1)
	next := make([]byte, 0, (keep+1)*sidSize)
	for i, r := range legacy {
		if have-i <= keep {
			next = binary.LittleEndian.AppendUint64(next, sidSum(r))
		}
	}
	old := s.Sids
	if drop := have - keep - len(legacy); drop > 0 {
		old = old[drop*sidSize:]
	}
	next = append(next, old...)
	s.Sids = binary.LittleEndian.AppendUint64(next, sidSum(sid))
	s.Recent = nil
}

// Seen reports whether sid was processed recently.
func (s *State) Seen(sid string) bool {
	sum := sidSum(sid)
	for i := 0; i+sidSize <= len(s.Sids); i += sidSize {
		if binary.LittleEndian.Uint64(s.Sids[i:]) == sum {
			return true
		}
	}
	return slices.Contains(s.Recent, sid)
}
