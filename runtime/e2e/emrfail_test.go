package e2e

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	demoemr "github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

// svcHelpline is the abc hospital's helpline, which every apology names.
const svcHelpline = "+919800000000"

// svcStep is one message on the way to an EMR call and what it answers.
type svcStep struct{ say, want string }

// svcCallPoint is a place in the conversation where the EMR is called.
type svcCallPoint struct {
	name   string
	op     string    // the fake's operation
	fresh  bool      // an unregistered number rather than the known patient
	reach  []svcStep // the conversation up to the message that calls op
	send   func(h *harness, phone string) url.Values
	again  string    // what is asked again after the apology; "" when the conversation closes
	failed string    // the wording of every failure here, when not the usual apology
	zero   string    // what a status 0 answer means here, when it is not a refusal
	retry  []svcStep // messages before repeating send once the EMR is back
	ok     string    // what the patient sees when the EMR answers again
	// lost is what a write says when its answer never comes (the EMR may
	// have done it), with lostAgain and lostRetry where they differ from
	// again and retry.
	lost      string
	lostAgain string
	lostRetry []svcStep
}

func svcText(s string) func(*harness, string) url.Values {
	return func(h *harness, p string) url.Values { return h.form(p, s) }
}

func svcFile(u, contentType string) func(*harness, string) url.Values {
	return func(h *harness, p string) url.Values { return withMedia(h.form(p, ""), [2]string{u, contentType}) }
}

// svcCallPoints are every EMR call a patient can cause on the seed contract.
func svcCallPoints() []svcCallPoint {
	menu := []svcStep{{"hi abc", "Main menu"}}
	reg := []svcStep{{"hi abc", "full name"}, {"Ravi Kumar", "age"}, {"41", "Gender"}, {"1", "photo"}}
	when := append(menu, svcStep{"1", "When would you like"})
	dept := append(when[:len(when):len(when)], svcStep{"2", "Choose a *department*"})
	complaint := append(dept[:len(dept):len(dept)], svcStep{"1", "Choose a *doctor*"}, svcStep{"1", "what is the problem"})
	video := []svcStep{menu[0], {"2", "When would you like"}, {"2", "Choose a *department*"}, {"1", "Choose a *doctor*"}, {"1", "what is the problem"}}
	return []svcCallPoint{
		{name: "find patients at activation", op: "match_mobile", send: svcText("hi abc"), zero: "not find a patient", ok: "Welcome back"},
		{name: "register", op: "register", fresh: true, reach: reg, send: svcText("skip"), again: "or type *skip*", ok: "patient ID",
			lost: "registration did not go through"},
		{name: "photo after registration", op: "profile_pic", fresh: true, reach: reg, send: svcFile(svcJPEG, "image/jpeg"),
			failed: "could not save the photo just now", again: "Main menu", retry: []svcStep{{"5", "profile photo"}}, ok: "photo is updated"},
		{name: "departments", op: "departments", reach: when, send: svcText("2"), again: "When would you like", ok: "Choose a *department*"},
		{name: "doctors", op: "doctors", reach: dept, send: svcText("1"), again: "Choose a *department*", ok: "Choose a *doctor*"},
		{name: "book in person", op: "book_in_person", reach: complaint, send: svcText("fever since monday"), again: "what is the problem", ok: "is booked",
			lost: "could not confirm whether your appointment was booked", lostAgain: "Reply with a menu number", lostRetry: complaint[1:]},
		{name: "book video", op: "book_video", reach: video, send: svcText("fever since monday"), again: "what is the problem", ok: "is reserved",
			lost: "could not confirm whether your appointment was booked", lostAgain: "Reply with a menu number", lostRetry: video[1:]},
		{name: "upcoming", op: "upcoming", reach: menu, send: svcText("3"), again: "Main menu", zero: "no upcoming appointments", ok: restapitest.KnownUpcoming},
		{name: "health records", op: "health_records", reach: menu, send: svcText("4"), again: "Main menu", ok: "Chest X-ray normal"},
		{name: "profile photo from the menu", op: "profile_pic", reach: append(menu, svcStep{"5", "profile photo"}),
			send: svcFile(svcPNG, "image/png"), again: "send the new profile photo", ok: "photo is updated", lost: "could not confirm whether that went through"},
		{name: "upload document", op: "upload_document", reach: append(menu, svcStep{"6", "send the document"}),
			send: svcFile(svcPDF, "application/pdf"), again: "send the document", ok: "document is saved", lost: "could not confirm whether that went through"},
		{name: "update address", op: "update_address", reach: append(menu, svcStep{"7", "full address"}),
			send: svcText("Flat 4, 12 MG Road, Pune 411001"), again: "type your full address", ok: "address is updated", lost: "could not confirm whether that went through"},
	}
}

// svcFault is one way the EMR misbehaves and what the patient is told.
type svcFault struct {
	name    string
	set     func(s *restapitest.Server, op string)
	refusal bool   // a status 0 answer, rather than the EMR being down
	told    string // what the usual apology says
}

var svcFaults = []svcFault{
	{"HTTP500", func(s *restapitest.Server, op string) { s.Fail(op, restapitest.HTTP500) }, false, "not responding"},
	{"NotJSON", func(s *restapitest.Server, op string) { s.Fail(op, restapitest.NotJSON) }, false, "not responding"},
	{"Hang", func(s *restapitest.Server, op string) { s.Fail(op, restapitest.Hang) }, false, "not responding"},
	{"StatusZero", func(s *restapitest.Server, op string) { s.Fail(op, restapitest.StatusZero) }, true,
		"could not complete this request: Unable to process the request"},
	{"RejectWith", func(s *restapitest.Server, op string) { s.RejectWith(op, "Doctor on leave") }, true,
		"could not complete this request: Doctor on leave"},
}

// TestEMRFailureAtEveryCall: whatever goes wrong at whichever EMR call, the
// patient gets an answer (with the helpline), and once the EMR is back,
// repeating the answer goes on.
func TestEMRFailureAtEveryCall(t *testing.T) {
	for _, pt := range svcCallPoints() {
		for _, f := range svcFaults {
			t.Run(pt.name+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				h := start(t)
				p := restapitest.KnownMobile
				if pt.fresh {
					p = restapitest.UnknownMobile
				}
				for _, s := range pt.reach {
					svcSay(h, p, s.say, "the way to the "+pt.op+" call", s.want)
				}
				f.set(h.emr, pt.op)
				want := []string{f.told, svcHelpline}
				should := "an apology with the helpline after " + pt.op + " failed (" + f.name + ")"
				switch {
				case pt.failed != "":
					want = []string{pt.failed, svcHelpline}
				case f.refusal && pt.zero != "":
					want, should = []string{pt.zero}, "what status 0 means for "+pt.op
				}
				again, retry := pt.again, pt.retry
				if f.name == "Hang" && pt.lost != "" {
					want, should = []string{pt.lost, svcHelpline}, "the patient told the "+pt.op+" may or may not have happened"
					if pt.lostAgain != "" {
						again = pt.lostAgain
					}
					if pt.lostRetry != nil {
						retry = pt.lostRetry
					}
				}
				if again != "" && !(f.refusal && pt.zero != "") {
					want = append(want, again)
				}
				out := svcSend(h, pt.send(h, p), should, want...)
				assert.NotContains(t, out, pt.ok, "the step must not advance when %s failed", pt.op)
				require.NotEmpty(t, h.emr.CallsTo(pt.op), "the fault was never reached")

				h.emr.Fail(pt.op, restapitest.Normal)
				for _, s := range retry {
					svcSay(h, p, s.say, "the way back to "+pt.op, s.want)
				}
				svcSend(h, pt.send(h, p), "the conversation going on once "+pt.op+" answers again", pt.ok)
			})
		}
	}
}

// TestEMRBreakerOpens: after five failures in a row the breaker opens;
// calls then fail fast without reaching the EMR, patients still get the
// apology, the gauge says so, and the breaker closes after its pause
// (the hospital actor reads the process clock, so the test advances it).
func TestEMRBreakerOpens(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	svcAtMenu(h, p, abc)
	h.emr.Fail("health_records", restapitest.HTTP500)
	for i := 1; i <= 5; i++ {
		svcSay(h, p, "4", "the apology while the EMR fails", "not responding", svcHelpline)
		require.Len(t, h.emr.CallsTo("health_records"), i, "each failure before the breaker opens reaches the EMR")
	}
	assert.Equal(t, "1", svcBreakerGauge(h, abc), "the breaker gauge after five failures in a row")

	svcSay(h, p, "4", "the apology while the breaker is open", "not responding", svcHelpline)
	svcSay(h, p, "3", "the apology for another call while the breaker is open", "not responding", svcHelpline)
	assert.Len(t, h.emr.CallsTo("health_records"), 5, "an open breaker must not call the EMR")
	assert.Empty(t, h.emr.CallsTo("upcoming"), "an open breaker must not call the EMR for any operation")
	svcAtMenu(h, demoemr.AshaMobile, demo) // another hospital's EMR is not affected

	h.emr.Fail("health_records", restapitest.Normal)
	svcSay(h, p, "4", "the apology: the breaker stays open for its pause", "not responding")
	assert.Len(t, h.emr.CallsTo("health_records"), 5)

	h.clock.Advance(31 * time.Second)
	svcSay(h, p, "4", "the records once the breaker lets a trial call through", "Chest X-ray normal")
	assert.Len(t, h.emr.CallsTo("health_records"), 6)
	assert.Equal(t, "0", svcBreakerGauge(h, abc), "the breaker gauge after a successful trial call")
}

// TestMessagesQueuedWhileEMRHangs: what the patient sends while an EMR
// call hangs is kept and answered in order once the call ends.
func TestMessagesQueuedWhileEMRHangs(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	svcAtMenu(h, p, abc)
	h.emr.Fail("upcoming", restapitest.Hang)
	before := len(h.replies(p))
	for _, body := range []string{"3", "4", "1"} {
		if code, out := h.post(h.form(p, body)); code != http.StatusOK {
			t.Fatalf("webhook for %q while the EMR hangs answered %d %s; want 200", body, code, out)
		}
		if body == "3" {
			require.Eventually(t, func() bool { return len(h.emr.CallsTo("upcoming")) == 1 },
				10*time.Second, 5*time.Millisecond, "the upcoming call should reach the EMR")
		}
	}
	out := svcWait(h, p, before, "the apology, then the records, then the day question, in that order",
		"not responding", "Chest X-ray normal", "When would you like")
	apology := strings.Index(out, "not responding")
	records := strings.Index(out, "Chest X-ray normal")
	when := strings.Index(out, "When would you like")
	assert.True(t, apology < records && records < when, "replies out of order: %q", out)
}

// svcBreakerGauge reads frontdesk_emr_breaker_open for a hospital from
// /metrics.
func svcBreakerGauge(h *harness, code string) string {
	h.t.Helper()
	res, err := http.Get(h.base + "/metrics")
	require.NoError(h.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(h.t, err)
	prefix := `frontdesk_emr_breaker_open{hospital="` + code + `"} `
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			return v
		}
	}
	h.t.Fatalf("/metrics has no %s line", prefix)
	return ""
}
