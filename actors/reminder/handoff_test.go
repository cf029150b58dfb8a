package reminder

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// conversations records what firings hand to patients' conversations.
type conversations struct {
	mu   sync.Mutex
	got  []handed
	fail error
}

type handed struct {
	sender, phone string
	due           flow.ReminderDue
}

func (c *conversations) handoff(_ context.Context, sender, phone string, d *flow.ReminderDue) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return c.fail
	}
	c.got = append(c.got, handed{sender, phone, *d})
	return nil
}

func (c *conversations) all() []handed {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]handed(nil), c.got...)
}

// fireWithHandoff is fireDue with conversations taking the reminders that
// expect an answer.
func (e *env) fireWithHandoff(sent *outbox, convs *conversations) map[string]string {
	e.t.Helper()
	f := e.firer("test-holder", sent)
	f.o.Handoff = convs.handoff
	rs, err := e.store.ClaimDue(context.Background(), e.clock.Now(), 100, "test-holder", time.Minute)
	require.NoError(e.t, err)
	out := map[string]string{}
	for _, r := range rs {
		out[r.ID] = f.fire(r)
	}
	return out
}

func TestReminderExpectingAnAnswerGoesToTheConversation(t *testing.T) {
	e := newEnv(t)
	start := time.Date(2026, 11, 26, 15, 30, 0, 0, kolkata)
	v := e.schedule("abc", Spec{Kind: KindAppointment, Phone: "9812345678",
		Appointment: &Appointment{ID: "A-1", Start: start, Offsets: []time.Duration{24 * time.Hour, 2 * time.Hour}},
		Variables:   map[string]string{"patient_name": "Asha"}, CallbackURL: "https://emr.example/cb"})
	first := start.Add(-24 * time.Hour)
	e.clock.Set(first)
	sent, convs := newOutbox(e.codec), &conversations{}
	assert.Equal(t, map[string]string{v.ID: ResultSent}, e.fireWithHandoff(sent, convs))

	assert.Empty(t, sent.messages(), "the conversation says it, not the outbox directly")
	got := convs.all()
	require.Len(t, got, 1)
	assert.Equal(t, testSender, got[0].sender)
	assert.Equal(t, patient, got[0].phone)
	d := got[0].due
	assert.True(t, start.Equal(d.AppointmentStart), "answers are taken until the appointment starts")
	d.AppointmentStart = time.Time{}
	assert.Equal(t, flow.ReminderDue{
		ID: v.ID + "@" + strconv.FormatInt(first.UnixMilli(), 10), ReminderID: v.ID, Hospital: "abc", Kind: KindAppointment,
		Variables:   map[string]string{"patient_name": "Asha"}, // the conversation writes `when` in the patient's language
		CallbackURL: "https://emr.example/cb", AppointmentID: "A-1",
	}, d)
	r := e.stored("abc", v.ID)
	assert.Equal(t, persistence.ReminderScheduled, r.State)
	assert.True(t, start.Add(-2*time.Hour).Equal(r.Due), "on to the next offset")

	e.clock.Set(start.Add(-2 * time.Hour))
	e.fireWithHandoff(sent, convs)
	got = convs.all()
	require.Len(t, got, 2)
	assert.NotEqual(t, got[0].due.ID, got[1].due.ID, "each occurrence has its own id")
}

func TestReminderHandoffFailureIsTriedAgain(t *testing.T) {
	e := newEnv(t)
	v := e.schedule("abc", Spec{Kind: KindFeedback, Phone: patient, At: ptr(t0.Add(time.Hour)), CallbackURL: "https://emr.example/cb"})
	e.clock.Set(t0.Add(time.Hour))
	sent, convs := newOutbox(e.codec), &conversations{fail: errors.New("conversation: event not committed")}
	assert.Equal(t, map[string]string{v.ID: ResultFailed}, e.fireWithHandoff(sent, convs))
	assert.Equal(t, persistence.ReminderScheduled, e.stored("abc", v.ID).State, "not fired: its lease runs out and it comes again")
	assert.Empty(t, sent.messages())

	convs.fail = nil
	e.clock.Advance(2 * time.Minute) // past the lease
	assert.Equal(t, map[string]string{v.ID: ResultSent}, e.fireWithHandoff(sent, convs))
	assert.Len(t, convs.all(), 1)
	assert.Equal(t, persistence.ReminderFired, e.stored("abc", v.ID).State)
}

func TestRemindersWithoutAnswerStayInTheOutbox(t *testing.T) {
	e := newEnv(t)
	at := ptr(t0.Add(time.Hour))
	withoutCallback := e.schedule("abc", Spec{Kind: KindFeedback, Phone: patient, At: at})
	medicine := e.schedule("abc", Spec{Kind: KindFollowUp, Phone: patient, At: at, CallbackURL: "https://emr.example/cb"})
	e.clock.Set(*at)
	sent, convs := newOutbox(e.codec), &conversations{}
	assert.Equal(t, map[string]string{withoutCallback.ID: ResultSent, medicine.ID: ResultSent}, e.fireWithHandoff(sent, convs))
	assert.Empty(t, convs.all(), "no callback, or a kind that asks nothing: nothing to read")
	assert.Len(t, sent.messages(), 2)
}
