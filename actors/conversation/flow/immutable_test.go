package flow

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

// fullState has every slice and pointer of a State set, so sharing any of
// them with a copy shows.
func fullState(step StepID, awaiting bool) State {
	s := State{
		Hospital: "abc", Lang: "en", Patient: &emr.Patient{ID: "P-1", Name: "Asha"},
		Family: []emr.Patient{{ID: "P-1", Name: "Asha"}, {ID: "P-2", Name: "Ravi"}},
		Step:   step, Return: stepMenu,
		Options: []Option{{ID: "D1", Label: "General"}, {ID: "D2", Label: "Eyes"}, {ID: "D3", Label: "Skin"}},
		Answers: Answers{Name: "Asha", Visit: emr.Video, Dept: Option{ID: "D1"}, Doctor: Option{ID: "DR1", Label: "Dr. A"},
			Slot: Option{ID: "S1", Label: "10:00 AM"}, Complaint: "fever",
			Docs: []Media{{URL: "https://m.example/1.pdf", ContentType: "application/pdf"}, {URL: "https://m.example/2.png", ContentType: "image/png"}}},
		LastInbound: testNow.Add(-time.Minute),
		Sids:        []byte("01234567abcdefgh"),
		Recent:      []string{"SM1", "SM2"},
		Video:       &VideoWait{AppointmentID: "V1", PaymentLink: "https://pay.example", Doctor: "Dr. A"},
		Seq:         4,
	}
	if awaiting {
		s.Awaiting = &Awaiting{Call: emr.Call{ID: "c4", Op: emr.OpUploadDocument}, Step: stepDocSave, At: testNow.Add(-time.Second)}
		s.Queued = []Inbound{
			{Sid: "SM3", Body: "1", Media: []Media{{URL: "https://m.example/q.jpg", ContentType: "image/jpeg"}}},
			{Sid: "SM4", Body: "0"},
		}
	}
	return s
}

func TestApplyLeavesItsInputAlone(t *testing.T) {
	events := []struct {
		name     string
		step     StepID
		awaiting bool
		ev       Event
	}{
		{"answer in a list", stepBookDept, false, &Inbound{Body: "2"}},
		{"back", stepBookDoctor, false, &Inbound{Body: "0"}},
		{"records reload", stepRecords, false, &Inbound{Body: "menu"}},
		{"exit", stepBookSlot, false, &Inbound{Body: "exit"}},
		{"activation", stepMenu, false, &Inbound{Body: "hi abc"}},
		{"documents", stepDocAsk, false, &Inbound{Media: []Media{{URL: "u", ContentType: "image/png"}}}},
		{"queued", stepDocAsk, true, &Inbound{Body: "menu"}},
		{"answer drains queue", stepDocAsk, true, &EMRDone{Result: emr.Result{CallID: "c4"}}},
		{"failure drains queue", stepDocAsk, true, &EMRDone{Result: emr.Result{CallID: "c4", Err: &emr.Error{Kind: emr.Rejected}}}},
		{"video confirmed", stepVideoWait, false, &VideoConfirmed{AppointmentID: "V1", Link: "l"}},
		{"inactive", stepBookDept, false, &Inbound{Body: "1", At: testNow.Add(time.Hour)}},
	}
	for _, tc := range events {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, allCaps)
			if in, ok := tc.ev.(*Inbound); ok && !in.At.IsZero() {
				f.env.Now = in.At
			}
			s := fullState(tc.step, tc.awaiting)
			before := deepCopy(s)
			next, _ := f.eng.Apply(f.env, s, tc.ev)
			require.Equal(t, before, s, "Apply changed its input")
			checkState(t, f.eng, next)

			// The result must share nothing the caller could change later.
			scribble(&next)
			require.Equal(t, before, s, "the result shares memory with the input")
		})
	}
}

// scribble overwrites everything a state points to.
func scribble(s *State) {
	if s.Patient != nil {
		s.Patient.Name = "changed"
	}
	for i := range s.Family {
		s.Family[i].Name = "changed"
	}
	for i := range s.Options {
		s.Options[i].Label = "changed"
	}
	for i := range s.Answers.Docs {
		s.Answers.Docs[i].URL = "changed"
	}
	for i := range s.Queued {
		s.Queued[i].Body = "changed"
		for j := range s.Queued[i].Media {
			s.Queued[i].Media[j].URL = "changed"
		}
	}
	for i := range s.Recent {
		s.Recent[i] = "changed"
	}
	for i := range s.Sids {
		s.Sids[i] = 'x'
	}
	if s.Awaiting != nil {
		s.Awaiting.Call.ID = "changed"
	}
	if s.Video != nil {
		s.Video.PaymentLink = "changed"
	}
}

func TestCloneSharesNothing(t *testing.T) {
	s := fullState(stepDocAsk, true)
	before := deepCopy(s)
	c := s.Clone()
	assert.Equal(t, before, c)
	scribble(&c)
	assert.Equal(t, before, s)
}

func TestRemember(t *testing.T) {
	var s State
	s.Remember("")
	assert.Empty(t, s.Sids)
	for i := range maxRecent + 5 {
		s.Remember(callID(uint64(i)))
	}
	assert.Len(t, s.Sids, maxRecent*sidSize)
	assert.False(t, s.Seen(callID(4)), "the oldest are forgotten")
	assert.True(t, s.Seen(callID(5)))
	assert.True(t, s.Seen(callID(maxRecent+4)))
	assert.False(t, s.Seen("SMnever"))
}

// TestRememberFoldsStoredStrings: a snapshot from before the sums holds
// its ring as strings ("r"); those still count as seen, and the next
// message folds them into the sums, newest kept, within the bound.
func TestRememberFoldsStoredStrings(t *testing.T) {
	var old []string
	for i := range maxRecent {
		old = append(old, callID(uint64(i)))
	}
	raw, err := json.Marshal(map[string]any{"r": old, "a": Answers{}, "t": testNow})
	require.NoError(t, err)
	var s State
	require.NoError(t, json.Unmarshal(raw, &s))
	assert.True(t, s.Seen(callID(0)), "a stored string counts")
	s.Remember("SMnew")
	assert.Nil(t, s.Recent, "folded")
	assert.Len(t, s.Sids, maxRecent*sidSize)
	assert.False(t, s.Seen(callID(0)), "the oldest made room")
	assert.True(t, s.Seen(callID(1)))
	assert.True(t, s.Seen(callID(maxRecent-1)))
	assert.True(t, s.Seen("SMnew"))
	again, err := json.Marshal(s)
	require.NoError(t, err)
	var back State
	require.NoError(t, json.Unmarshal(again, &back))
	assert.True(t, back.Seen("SMnew") && back.Seen(callID(1)), "the sums survive a snapshot")
	assert.NotContains(t, string(again), callID(1), "no sid is stored as text any more")
}
