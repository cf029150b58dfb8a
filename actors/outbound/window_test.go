package outbound

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// TestWindowDecidesTextOrTemplate: messages the hospital starts go as
// text while the patient wrote within 24 h, as the hospital's template
// with its variables after that (or when she never wrote), and are held
// as not deliverable when there is no template or a variable is
// missing. Replies are never held back.
func TestWindowDecidesTextOrTemplate(t *testing.T) {
	r := newTwilioRig(t, nil)
	pIn, pOut, pNever, pRem, pRemMissing, pNoTemplate, pReply := patientN(1), patientN(2), patientN(3), patientN(4), patientN(5), patientN(6), patientN(7)
	r.wrote(pOut, r.clock.Now())
	r.clock.Advance(25 * time.Hour)
	r.wrote(pIn, r.clock.Now().Add(-23*time.Hour))
	r.wrote(pNoTemplate, r.clock.Now().Add(-30*time.Hour))

	es := r.enqueue(
		Message{To: pIn, Body: "lab report ready", Kind: KindPush},
		Message{To: pOut, Body: "lab report ready", Kind: KindPush},
		Message{To: pNever, Body: "clinic closed tomorrow", Kind: KindPush},
		Message{To: pRem, Body: "Reminder: appointment", Kind: KindReminder, ReminderKind: "appointment",
			Variables: map[string]string{"patient_name": "Asha", "when": "25 Nov 10:00"}},
		Message{To: pRemMissing, Body: "Reminder", Kind: KindReminder, ReminderKind: "appointment",
			Variables: map[string]string{"patient_name": "Asha"}},
		Message{To: pNoTemplate, Body: "your video link", Kind: KindConfirmation},
		Message{To: pReply, Body: "Please choose 1-7"},
	)
	final := r.settled(5*time.Second, es...)

	assert.Equal(t, []string{"lab report ready"}, bodiesTo(r.fake, pIn), "23 h after her last message: still text")
	assert.Equal(t, []string{sidPush + ` {"1":"ABC Hospital","2":"lab report ready"}`}, bodiesTo(r.fake, pOut),
		"25 h after: the push template, {{1}} the hospital's name, {{2}} the text")
	assert.Equal(t, []string{sidPush + ` {"1":"ABC Hospital","2":"clinic closed tomorrow"}`}, bodiesTo(r.fake, pNever))
	assert.Equal(t, []string{sidReminder + ` {"1":"Asha","2":"25 Nov 10:00"}`}, bodiesTo(r.fake, pRem),
		"a reminder of kind appointment takes appointment_reminder, variables by position")
	assert.Empty(t, bodiesTo(r.fake, pRemMissing), "a template with a variable missing is not sent")
	assert.Equal(t, persistence.OutboxFailed, final[4].State)
	assert.Equal(t, ReasonVariableMissing, final[4].LastError)
	assert.Empty(t, bodiesTo(r.fake, pNoTemplate), "no confirmation template: nothing reaches Twilio")
	assert.Equal(t, persistence.OutboxFailed, final[5].State)
	assert.Equal(t, ReasonNoTemplate, final[5].LastError)
	assert.Equal(t, []string{"Please choose 1-7"}, bodiesTo(r.fake, pReply), "a reply is inside the window by construction")
	for _, m := range r.fake.Messages() {
		if m.ContentSID != "" {
			assert.Empty(t, m.Body, "a template goes without a body")
		}
	}

	m := r.metrics
	assert.Equal(t, 1.0, value(t, m.Undeliverable.WithLabelValues(ReasonNoTemplate)))
	assert.Equal(t, 1.0, value(t, m.Undeliverable.WithLabelValues(ReasonVariableMissing)))
	assert.Equal(t, 3.0, value(t, m.TemplateFallbacks))
	assert.Equal(t, 2.0, value(t, m.MessagesOut.WithLabelValues("failed")))
}

// TestWindowOffForSimulator: without a window (the simulator) every
// message goes as written.
func TestWindowOffForSimulator(t *testing.T) {
	r := newTwilioRig(t, func(o *Options) { o.Window = 0 })
	es := r.enqueue(Message{To: patientN(1), Body: "hello", Kind: KindPush})
	r.settled(5*time.Second, es...)
	assert.Equal(t, []string{"hello"}, bodiesTo(r.fake, patientN(1)))
}

func TestTemplateNames(t *testing.T) {
	tests := []struct {
		m    Message
		want []string
	}{
		{Message{Kind: KindPush}, []string{"push"}},
		{Message{Kind: KindPush, Template: "notification"}, []string{"notification", "push"}},
		{Message{Kind: KindReminder, ReminderKind: "medicine"}, []string{"medicine_reminder", "reminder"}},
		{Message{Kind: KindReminder}, []string{"reminder"}},
		{Message{}, []string{"reply"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.m.templateNames(), "%+v", tt.m)
	}
}

func TestContentVariables(t *testing.T) {
	tpl := config.Template{SID: sidPush, Variables: []string{"name", "body", "hospital"}}
	tests := []struct {
		name string
		m    Message
		want string
		ok   bool
	}{
		{"by position, built-ins filled", Message{Body: "hi", Variables: map[string]string{"name": "Asha"}},
			`{"1":"Asha","2":"hi","3":"ABC"}`, true},
		{"a variable overrides a built-in", Message{Body: "hi", Variables: map[string]string{"name": "A", "body": "B", "hospital": "H"}},
			`{"1":"A","2":"B","3":"H"}`, true},
		{"missing", Message{Body: "hi"}, "", false},
		{"empty", Message{Body: "hi", Variables: map[string]string{"name": ""}}, "", false},
		{"quotes escaped", Message{Body: `say "hi"`, Variables: map[string]string{"name": "A"}},
			`{"1":"A","2":"say \"hi\"","3":"ABC"}`, true},
	}
	for _, tt := range tests {
		got, ok := contentVariables(tpl, tt.m, "ABC")
		assert.Equal(t, tt.ok, ok, tt.name)
		assert.Equal(t, tt.want, got, tt.name)
	}
	got, ok := contentVariables(config.Template{SID: sidPush}, Message{}, "ABC")
	assert.True(t, ok)
	assert.Empty(t, got, "a template without placeholders sends no ContentVariables")
}

// flakyDeliveries fails the first reads of the last inbound time.
type flakyDeliveries struct {
	persistence.Deliveries
	mu    sync.Mutex
	fails int
}

func (f *flakyDeliveries) LastInbound(ctx context.Context, sender, subject string) (time.Time, error) {
	f.mu.Lock()
	fail := f.fails > 0
	f.fails--
	f.mu.Unlock()
	if fail {
		return time.Time{}, errStoreDown
	}
	return f.Deliveries.LastInbound(ctx, sender, subject)
}

// TestWindowReadFailureWaits: when the store cannot say when the patient
// last wrote, the message waits and is tried again; it is neither sent
// blind nor counted as a failed attempt.
func TestWindowReadFailureWaits(t *testing.T) {
	var flaky *flakyDeliveries
	r := newTwilioRig(t, func(o *Options) {
		flaky = &flakyDeliveries{Deliveries: o.Deliveries, fails: 2}
		o.Deliveries = flaky
	})
	r.wrote(patientN(1), r.clock.Now())
	final := r.settled(5*time.Second, r.enqueue(Message{To: patientN(1), Body: "hello", Kind: KindPush})...)
	assert.Equal(t, persistence.OutboxSent, final[0].State)
	assert.Zero(t, final[0].Attempts, "not an attempt at Twilio")
	assert.Equal(t, []string{"hello"}, bodiesTo(r.fake, patientN(1)), "sent as text once the window could be read")
	assert.Len(t, r.fake.RequestLog(), 1)
	assert.Zero(t, value(t, r.metrics.SendRetries))
}
