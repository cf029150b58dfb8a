package flow

import (
	"maps"
	"slices"
)

// clone copies a state deeply enough that a decision never writes into the
// state it started from: the actor keeps the old one until the new one is
// committed.
func (s State) clone() State {
	c := s
	if s.Patient != nil {
		p := *s.Patient
		c.Patient = &p
	}
	c.Family = slices.Clone(s.Family)
	c.Options = slices.Clone(s.Options)
	c.Answers.Docs = slices.Clone(s.Answers.Docs)
	c.Queued = slices.Clone(s.Queued)
	for i := range c.Queued {
		c.Queued[i].Media = slices.Clone(c.Queued[i].Media)
	}
	c.Sids = slices.Clone(s.Sids)
	c.Recent = slices.Clone(s.Recent)
	if s.Awaiting != nil {
		a := *s.Awaiting
		c.Awaiting = &a
	}
	if s.Video != nil {
		v := *s.Video
		c.Video = &v
	}
	if s.Reply != nil {
		r := *s.Reply
		r.Ratings = slices.Clone(s.Reply.Ratings)
		c.Reply = &r
	}
	if s.Due != nil {
		d := *s.Due
		d.Variables = maps.Clone(s.Due.Variables)
		c.Due = &d
	}
	c.Reminded = slices.Clone(s.Reminded)
	return c
}

// Clone returns a deep copy of the state.
func (s State) Clone() State { return s.clone() }
