package outbound

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// patientN is the n-th test patient's number.
func patientN(n int) string { return fmt.Sprintf("+9198100%05d", n) }

// bodiesTo lists what the fake accepted for phone, in order: the body, or
// the template SID and variables.
func bodiesTo(f *twiliotest.Server, phone string) []string {
	var out []string
	for _, m := range f.MessagesTo("whatsapp:" + phone) {
		if m.ContentSID != "" {
			out = append(out, m.ContentSID+" "+m.ContentVariables)
			continue
		}
		out = append(out, m.Body)
	}
	return out
}

// arrivalJitter is how far the fake's arrival times may stray from when
// the actor started each send: a goroutine start, the window check and an
// HTTP round trip lie between, and under load (-race, packages testing in
// parallel) they shift single requests by tens of milliseconds.
const arrivalJitter = 50 * time.Millisecond

// assertRate checks that requests kept rate per second as Twilio sees
// them: no window of a second (less arrivalJitter) holds more than rate,
// and over the whole run they came no faster than rate on average.
func assertRate(t *testing.T, reqs []twiliotest.Request, rate int) {
	t.Helper()
	assert.LessOrEqual(t, twiliotest.MaxInWindow(reqs, time.Second-arrivalJitter), rate, "at most %d requests in any second", rate)
	if len(reqs) > rate {
		span := reqs[len(reqs)-1].Time.Sub(reqs[0].Time)
		least := time.Duration(len(reqs)-1) * time.Second / time.Duration(rate)
		assert.GreaterOrEqual(t, span, least-arrivalJitter, "%d requests at %d/s take at least %s", len(reqs), rate, least)
	}
	closest := time.Hour
	for i := 0; i+rate < len(reqs); i++ {
		closest = min(closest, reqs[i+rate].Time.Sub(reqs[i].Time))
	}
	t.Logf("the closest %d requests arrived %s apart (over 1 s: no second held %d)", rate+1, closest, rate+1)
}

// TestRateNeverExceededAndLanesShare: 60 messages to 6 patients at 20/s.
// No one-second window holds more than 20 requests, each patient gets
// its messages in order, and the patients take turns even though the
// first one queued all of hers first.
func TestRateNeverExceededAndLanesShare(t *testing.T) {
	r := newTwilioRig(t, func(o *Options) { o.Rate = 20 })
	want := map[string][]string{}
	var msgs []Message
	for p := range 6 {
		for i := range 10 {
			body := fmt.Sprintf("p%d m%02d", p, i)
			msgs = append(msgs, Message{To: patientN(p), Body: body})
			want[patientN(p)] = append(want[patientN(p)], body)
		}
	}
	all := r.enqueue(msgs...) // one Notify: the first patient's ten come first
	for _, e := range r.settled(15*time.Second, all...) {
		assert.Equal(t, persistence.OutboxSent, e.State)
	}
	reqs := r.fake.RequestLog()
	require.Len(t, reqs, 60, "one request per message")
	assertRate(t, reqs, 20)
	span := reqs[len(reqs)-1].Time.Sub(reqs[0].Time)
	assert.Less(t, span, 4500*time.Millisecond, "the rate is used, not wasted: 60 at 20/s take about 3 s, took %s", span)
	for p, bodies := range want {
		assert.Equal(t, bodies, bodiesTo(r.fake, p), "order kept for %s", p)
	}
	for round := range 5 {
		seen := map[string]bool{}
		for _, q := range reqs[round*6 : round*6+6] {
			seen[q.To] = true
		}
		assert.Len(t, seen, 6, "round %d: each of the 6 patients gets one send before anyone gets a second", round)
	}
}

// TestFaultsEndSentOrFailed is the first "done when" at the
// actor's level: with Twilio answering 429 with Retry-After, 500s, 503s
// for good, timeouts, a permanent error and 63016, every message ends
// sent or failed with a reason, none twice, each patient's in order, and
// the rate holds throughout.
func TestFaultsEndSentOrFailed(t *testing.T) {
	r := newTwilioRig(t, func(o *Options) { o.Rate = 20 })
	p429, p500, pHang, pBad, pWindow, pDown := patientN(1), patientN(2), patientN(3), patientN(4), patientN(5), patientN(6)
	to := func(p string) string { return "whatsapp:" + p }
	r.fake.FailTo(to(p429), 2, twiliotest.Fault{Code: 20429, RetryAfter: "1"})
	r.fake.FailTo(to(p500), 2, twiliotest.Fault{Status: 500})
	r.fake.FailTo(to(pHang), 1, twiliotest.Fault{Hang: true})
	r.fake.FailTo(to(pBad), 1, twiliotest.Fault{Code: 21211})
	r.fake.FailTo(to(pWindow), 1, twiliotest.Fault{Code: 63016})
	r.fake.FailTo(to(pDown), 100, twiliotest.Fault{Status: 503})
	r.wrote(pWindow, r.clock.Now().Add(-time.Hour)) // inside the window by our books; Twilio disagrees

	three := func(p string) []Message {
		return []Message{{To: p, Body: p + " 1"}, {To: p, Body: p + " 2"}, {To: p, Body: p + " 3"}}
	}
	byPatient := map[string][]persistence.OutboxEntry{}
	for _, p := range []string{p429, p500, pHang, pBad, pDown} {
		byPatient[p] = r.enqueue(three(p)...)
	}
	byPatient[pWindow] = r.enqueue(Message{To: pWindow, Body: "report ready", Kind: KindPush})

	var all []persistence.OutboxEntry
	for _, es := range byPatient {
		all = append(all, es...)
	}
	final := map[string]persistence.OutboxEntry{}
	for _, e := range r.settled(20*time.Second, all...) {
		final[e.ID] = e
	}
	state := func(p string) []string {
		var out []string
		for _, e := range byPatient[p] {
			f := final[e.ID]
			out = append(out, string(f.State)+" "+f.LastError)
		}
		return out
	}
	for _, p := range []string{p429, p500, pHang} {
		assert.Equal(t, []string{p + " 1", p + " 2", p + " 3"}, bodiesTo(r.fake, p), "retried until sent, in order")
		for _, e := range byPatient[p] {
			assert.Equal(t, persistence.OutboxSent, final[e.ID].State)
		}
	}
	assert.Equal(t, 2, final[byPatient[p429][0].ID].Attempts, "two refused attempts before the one that went")
	assert.Equal(t, []string{"failed 21211", "sent ", "sent "}, state(pBad), "a permanent error fails that message only, with Twilio's code")
	assert.Equal(t, []string{pBad + " 2", pBad + " 3"}, bodiesTo(r.fake, pBad))
	assert.Equal(t, []string{"failed 20503", "failed 20503", "failed 20503"}, state(pDown), "503 until the attempts run out")
	assert.Equal(t, DefaultMaxAttempts, final[byPatient[pDown][0].ID].Attempts)
	assert.Equal(t, []string{"sent "}, state(pWindow))
	assert.Equal(t, []string{sidPush + ` {"1":"ABC Hospital","2":"report ready"}`}, bodiesTo(r.fake, pWindow),
		"63016 on the send: the same message again as the hospital's template")

	reqs := r.fake.RequestLog()
	assertRate(t, reqs, 20)
	var first429, retried time.Time
	for _, q := range reqs {
		if q.To == to(p429) {
			if first429.IsZero() {
				first429 = q.Time
			} else if retried.IsZero() {
				retried = q.Time
			}
		}
	}
	assert.GreaterOrEqual(t, retried.Sub(first429), time.Second, "Retry-After: 1 is honoured")
	sids := map[string]bool{}
	for _, m := range r.fake.Messages() {
		assert.False(t, sids[m.SID], "a message accepted twice")
		sids[m.SID] = true
	}
	assert.Len(t, sids, 12, "every message that could go went exactly once")

	m := r.metrics
	assert.Equal(t, 2.0, value(t, m.SendThrottled), "two 429s")
	assert.Equal(t, 1.0, value(t, m.SendErrors.WithLabelValues("21211")))
	assert.Equal(t, 3.0, value(t, m.SendErrors.WithLabelValues("20503")))
	assert.Equal(t, 4.0, value(t, m.MessagesOut.WithLabelValues("failed")))
	assert.Equal(t, 12.0, value(t, m.MessagesOut.WithLabelValues("sent")))
	assert.Equal(t, 1.0, value(t, m.TemplateFallbacks))
}

// TestRetryAfterHoldsTheSender: a 429 with Retry-After pauses every send
// of the sender, not only the refused one, since Twilio meters the
// sender (and account) as a whole.
func TestRetryAfterHoldsTheSender(t *testing.T) {
	r := newTwilioRig(t, nil)
	r.fake.FailTo("whatsapp:"+patientN(1), 1, twiliotest.Fault{Code: 20429, RetryAfter: "1"})
	first := r.enqueue(Message{To: patientN(1), Body: "a"})
	require.Eventually(t, func() bool { return len(r.fake.RequestLog()) == 1 }, 5*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool { return value(t, r.metrics.SendThrottled) == 1 }, 5*time.Second, 5*time.Millisecond)
	refused := r.fake.RequestLog()[0].Time
	other := r.enqueue(Message{To: patientN(2), Body: "b"})
	r.settled(5*time.Second, append(first, other...)...)
	for _, q := range r.fake.RequestLog()[1:] {
		assert.GreaterOrEqual(t, q.Time.Sub(refused), time.Second, "no send to anyone within Retry-After of the 429")
	}
}
