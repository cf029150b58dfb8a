package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
	"github.com/frontdesk-health/frontdesk/http/webhook"
)

// fhirStep is one message on the way to an EMR call and what it answers.
type fhirStep struct{ say, want string }

// fhirCallPoint is a place in the conversation where the FHIR server is
// called, and the request a fault there hits.
type fhirCallPoint struct {
	name     string
	method   string // of the request the fault hits
	resource string
	fresh    bool // an unregistered number rather than Asha
	reach    []fhirStep
	send     func(h *harness, phone string) url.Values
	again    string // asked again after the apology; "" when the conversation closes
	failed   string // the wording of every failure here, when not the usual apology
	retry    []fhirStep
	ok       string
	lost     string // a write whose answer never came: the patient is told it may have happened
	lostNext string // what follows that, when not again
}

func fhirText(s string) func(*harness, string) url.Values {
	return func(h *harness, p string) url.Values { return h.form(p, s) }
}

func fhirFile(u, contentType string) func(*harness, string) url.Values {
	return func(h *harness, p string) url.Values { return withMedia(h.form(p, ""), [2]string{u, contentType}) }
}

// fhirCallPoints are every EMR call a patient can cause.
func fhirCallPoints() []fhirCallPoint {
	menu := []fhirStep{{"hi fhir", "Main menu"}}
	reg := []fhirStep{{"hi fhir", "full name"}, {"Ravi Kumar", "age"}, {"41", "Gender"}, {"1", "photo"}}
	when := append(menu, fhirStep{"1", "When would you like"})
	depts := append(when[:len(when):len(when)], fhirStep{"2", "Choose a *department*"})
	doctors := append(depts[:len(depts):len(depts)], fhirStep{"1", "Choose a *doctor*"})
	complaint := append(doctors[:len(doctors):len(doctors)], fhirStep{"1", "Choose a *time*"}, fhirStep{"1", "what is the problem"})
	video := []fhirStep{menu[0], {"2", "When would you like"}, {"2", "Choose a *department*"}, {"1", "Choose a *doctor*"},
		{"1", "Choose a *time*"}, {"1", "what is the problem"}}
	lostWrite := "could not confirm whether that went through"
	lostBooking := "could not confirm whether your appointment was booked"
	return []fhirCallPoint{
		{name: "find patients", method: "GET", resource: "Patient", send: fhirText("hi fhir"), ok: "Welcome back"},
		{name: "register", method: "POST", resource: "Patient", fresh: true, reach: reg, send: fhirFile(fhirJPEG, "image/jpeg"),
			again: "send a *photo*", ok: "patient ID", lost: "registration did not go through"},
		{name: "photo after registration", method: "PUT", resource: "Patient", fresh: true, reach: reg, send: fhirFile(fhirJPEG, "image/jpeg"),
			failed: "could not save the photo just now", again: "Main menu", retry: []fhirStep{{"5", "profile photo"}}, ok: "photo is updated"},
		{name: "departments", method: "GET", resource: "PractitionerRole", reach: when, send: fhirText("2"), again: "When would you like", ok: "Choose a *department*"},
		{name: "doctors", method: "GET", resource: "PractitionerRole", reach: depts, send: fhirText("1"), again: "Choose a *department*", ok: "Choose a *doctor*"},
		{name: "slots", method: "GET", resource: "Slot", reach: doctors, send: fhirText("1"), again: "Choose a *doctor*", ok: "Choose a *time*"},
		{name: "book in person", method: "POST", resource: "Bundle", reach: complaint, send: fhirText("fever since monday"),
			again: "what is the problem", ok: "is booked", lost: lostBooking, lostNext: "Reply with a menu number"},
		{name: "book video", method: "POST", resource: "Bundle", reach: video, send: fhirText("fever since monday"),
			again: "what is the problem", ok: "is reserved", lost: lostBooking, lostNext: "Reply with a menu number"},
		{name: "upcoming", method: "GET", resource: "Appointment", reach: menu, send: fhirText("3"), again: "Main menu", ok: "Your upcoming appointments"},
		{name: "cancel", method: "POST", resource: "Bundle", reach: append(menu, fhirStep{"3", "reply with its number"}, fhirStep{"1", "Cancel this appointment?"}),
			send: fhirText("1"), again: "Cancel this appointment?", ok: "Your appointment is cancelled", lost: lostWrite},
		{name: "health records", method: "GET", resource: "DocumentReference", reach: menu, send: fhirText("4"), again: "Main menu", ok: "Which record"},
		{name: "profile photo", method: "PUT", resource: "Patient", reach: append(menu, fhirStep{"5", "profile photo"}),
			send: fhirFile(fhirJPEG, "image/png"), again: "new profile photo", ok: "photo is updated", lost: lostWrite},
		{name: "upload document", method: "POST", resource: "DocumentReference", reach: append(menu, fhirStep{"6", "send the document"}),
			send: fhirFile(fhirPDF, "application/pdf"), again: "send the document", ok: "document is saved", lost: lostWrite},
		{name: "update address", method: "PUT", resource: "Patient", reach: append(menu, fhirStep{"7", "full address"}),
			send: fhirText("Flat 4, 12 MG Road, Pune 411001"), again: "full address", ok: "address is updated", lost: lostWrite},
	}
}

// fhirFaults are the ways the server misbehaves and what the patient is
// told.
var fhirFaults = []struct {
	mode fhirtest.FaultMode
	told string
}{
	{fhirtest.Error, "not responding"},
	{fhirtest.Outcome, "could not complete this request. Please call"},
	{fhirtest.Hang, "not responding"},
}

// TestFHIRFailureAtEveryCall: whatever goes wrong at whichever FHIR call,
// the patient gets an answer with the helpline, a refusal's diagnostics
// are neither shown nor logged, and once the server answers again,
// repeating the answer goes on.
func TestFHIRFailureAtEveryCall(t *testing.T) {
	t.Parallel()
	for _, pt := range fhirCallPoints() {
		for _, f := range fhirFaults {
			t.Run(pt.name+"/"+string(f.mode), func(t *testing.T) {
				t.Parallel()
				h, srv := fhirStart(t, "healthcare_service")
				p := fhirtest.AshaMobile
				if pt.fresh {
					p = "+919811100042"
				}
				for _, s := range pt.reach {
					fhirSay(h, p, s.say, "the way to the "+pt.name+" call", s.want)
				}
				srv.Fail(fhirtest.Fault{Mode: f.mode, Method: pt.method, Resource: pt.resource})
				want, again := []string{f.told, fhirHelpline}, pt.again
				switch {
				case pt.failed != "":
					want[0] = pt.failed
				case f.mode == fhirtest.Hang && pt.lost != "":
					want[0] = pt.lost
					if pt.lostNext != "" {
						again = pt.lostNext
					}
				}
				if again != "" {
					want = append(want, again)
				}
				out := fhirSend(h, pt.send(h, p), "an apology with the helpline after "+pt.name+" failed", want...)
				assert.NotContains(t, out, pt.ok, "the step must not advance")
				assert.NotContains(t, out, "is not allowed", "a server's diagnostics never reach the patient")
				assert.NotContains(t, h.logs.String(), "is not allowed", "nor the logs")
				if f.mode == fhirtest.Outcome {
					assert.Contains(t, h.logs.String(), "HTTP 422: OperationOutcome error/business-rule", "the log names the status and issue codes")
				}
				requireHit(t, srv, pt.method, pt.resource)

				retry := pt.retry
				if f.mode == fhirtest.Hang && pt.lostNext != "" {
					retry = pt.reach[1:]
				}
				for _, s := range retry {
					fhirSay(h, p, s.say, "the way back to "+pt.name, s.want)
				}
				fhirSend(h, pt.send(h, p), "the conversation going on once the server answers", pt.ok)
			})
		}
	}
}

// requireHit fails when no request the fault was meant for was made.
func requireHit(t *testing.T, srv *fhirtest.Server, method, resource string) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Method == method && r.Resource() == resource && r.Status != 200 && r.Status != 201 {
			return
		}
	}
	t.Fatalf("the fault on %s %s was never reached", method, resource)
}

// TestFHIRBreaker: five failures in a row open the breaker; calls then
// fail fast without reaching the server, the gauge says so, and after its
// pause (the harness clock moves) a trial call closes it.
func TestFHIRBreaker(t *testing.T) {
	t.Parallel()
	h, srv := fhirStart(t, "healthcare_service")
	p := fhirtest.AshaMobile
	fhirSay(h, p, "hi fhir", "the menu", "Main menu")
	srv.Fail(fhirtest.Fault{Mode: fhirtest.Error, Method: "GET", Resource: "DocumentReference", Count: 5})
	for i := 1; i <= 5; i++ {
		fhirSay(h, p, "4", "the apology while the server fails", "not responding", fhirHelpline)
		require.Equal(t, i, srv.Count("GET", "DocumentReference"), "each failure before the breaker opens reaches the server")
	}
	assert.Equal(t, "1", fhirBreakerGauge(h), "the breaker gauge after five failures in a row")
	fhirSay(h, p, "4", "the apology while the breaker is open (the server is fine again)", "not responding", fhirHelpline)
	fhirSay(h, p, "3", "the apology for another call", "not responding")
	assert.Equal(t, 5, srv.Count("GET", "DocumentReference"), "an open breaker does not call the server")
	assert.Zero(t, srv.Count("GET", "Appointment"))

	h.clock.Advance(31 * time.Second)
	fhirSay(h, p, "4", "the records once a trial call goes through", "Which record")
	assert.Equal(t, "0", fhirBreakerGauge(h), "closed after a successful trial call")
	fhirSay(h, p, "menu", "the menu", "Main menu")
	fhirSay(h, p, "3", "the upcoming appointments", "Your upcoming appointments")
}

// fhirBreakerGauge reads the FHIR hospital's breaker gauge from /metrics.
func fhirBreakerGauge(h *harness) string {
	h.t.Helper()
	res, err := http.Get(h.base + "/metrics")
	require.NoError(h.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(h.t, err)
	prefix := `frontdesk_emr_breaker_open{hospital="` + fhirCode + `"} `
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			return v
		}
	}
	h.t.Fatalf("/metrics has no %s line", prefix)
	return ""
}

// TestFHIRSlotRace: two patients pick the same time and send their
// complaints at the same moment, round after round: exactly one is booked
// each time, the other is told the time was taken, offered the times
// still free, and books the next one; the server never holds two
// appointments on one slot.
func TestFHIRSlotRace(t *testing.T) {
	t.Parallel()
	h, srv := fhirStart(t, "healthcare_service")
	patients := []string{fhirtest.AshaMobile, fhirtest.TrunkMobile}
	for _, p := range patients {
		fhirSay(h, p, "hi fhir", "the menu", "Main menu")
	}
	const rounds = 3
	for round := range rounds {
		var times [2]string
		for i, p := range patients {
			fhirSay(h, p, "1", "the day question", "When would you like")
			fhirSay(h, p, "2", "departments", "Choose a *department*")
			fhirSay(h, p, "1", "doctors", "Choose a *doctor*")
			out := fhirSay(h, p, "1", "Dr. Mishra's free times", "Choose a *time*")
			times[i] = fhirNumbered(out)[0]
			fhirSay(h, p, "1", "the complaint question", "what is the problem")
		}
		require.Equal(t, times[0], times[1], "round %d: both picked the same time", round)
		outs := fhirSendTogether(h, patients, "fever", "is booked", "Choose a *time*")
		winner, loser := 0, 1
		if strings.Contains(outs[1], "is booked") {
			winner, loser = 1, 0
		}
		require.Contains(t, outs[winner], "is booked", "round %d: one patient gets the time", round)
		require.Contains(t, outs[loser], "just taken by someone else", "round %d: the other is told it was taken: %s", round, outs[loser])
		offered := fhirNumbered(outs[loser])
		require.NotEmpty(t, offered, "round %d: the times still free are offered", round)
		assert.NotContains(t, offered, times[0], "round %d: the taken time is not offered again", round)
		fhirSay(h, patients[loser], "1", "the booking at the next free time, complaint already given", "is booked", offered[0])
	}
	appts := srv.Search("Appointment", url.Values{"practitioner": {"Practitioner/pr-alok"}, "status": {"booked"}, "_count": {"100"}})
	perSlot := map[string]int{}
	for _, a := range appts {
		perSlot[fmt.Sprint(a["slot"])]++
	}
	assert.Len(t, appts, 2*rounds+1, "two bookings a round and Asha's follow-up")
	for slot, n := range perSlot {
		assert.Equal(t, 1, n, "one appointment on %s", slot)
	}
}

// fhirSendTogether posts body from every phone at once and returns, per
// phone, the replies that followed once they contain one of want.
func fhirSendTogether(h *harness, phones []string, body string, want ...string) []string {
	h.t.Helper()
	forms := make([]url.Values, len(phones))
	before := make([]int, len(phones))
	for i, p := range phones {
		forms[i] = h.form(p, body)
		before[i] = len(h.replies(p))
	}
	codes := make([]int, len(phones))
	errs := make([]error, len(phones))
	var wg sync.WaitGroup
	for i := range phones {
		wg.Go(func() {
			f := forms[i]
			req, _ := http.NewRequest(http.MethodPost, h.base+"/twilio/messages", strings.NewReader(f.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", webhook.Sign(authToken, h.base+"/twilio/messages", f))
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			res.Body.Close()
			codes[i] = res.StatusCode
		})
	}
	wg.Wait()
	out := make([]string, len(phones))
	for i, p := range phones {
		require.NoError(h.t, errs[i])
		require.Equal(h.t, http.StatusOK, codes[i])
		out[i] = fhirWaitAny(h, p, before[i], want...)
	}
	return out
}

// fhirWaitAny waits until the replies after index from contain one of
// want.
func fhirWaitAny(h *harness, phone string, from int, want ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		all := h.replies(phone)
		got := strings.Join(all[min(from, len(all)):], "\n---\n")
		for _, w := range want {
			if strings.Contains(got, w) {
				return got
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("the patient should have seen one of %q; replies since: %q", want, got)
		}
		select {
		case <-h.twilio.Changed():
		case <-time.After(100 * time.Millisecond):
		}
	}
}
