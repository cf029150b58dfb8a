package e2e

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	demoemr "github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

// TestBookInPersonRESTAPI books in person on the seed-compatible EMR for
// each of the three days: the EMR sees exactly the CONTRACT §4 fields,
// the lists are the EMR's in its order, and there is no time-slot step.
func TestBookInPersonRESTAPI(t *testing.T) {
	for _, day := range []struct{ choice, word string }{{"1", "today"}, {"2", "tomorrow"}, {"3", "day after tomorrow"}} {
		t.Run(day.word, func(t *testing.T) {
			t.Parallel()
			h := start(t)
			p := restapitest.KnownMobile
			svcAtMenu(h, p, abc)
			svcSay(h, p, "1", "the day question", "When would you like")
			out := svcSay(h, p, day.choice, "the EMR's departments", "Choose a *department*")
			svcAssertList(t, out, svcDeptNames(restapitest.Departments()), "the department list")
			svcAssertFields(t, h.emr.CallsTo("departments"), map[string]string{"hid": restapitest.HID, "day_count": day.choice})

			out = svcSay(h, p, "2", "the Paediatrics doctors", "Choose a *doctor*")
			svcAssertList(t, out, svcDoctorNames(restapitest.Doctors("2")), "the doctor list")
			svcAssertFields(t, h.emr.CallsTo("doctors"), map[string]string{"hid": restapitest.HID, "dept_id": "2", "day_count": day.choice})

			out = svcSay(h, p, "3", "the numbers that are accepted and the doctor list again", "from the list (1 to 2)", "1. Dr. Sunil Nair")
			assert.NotContains(t, out, "what is the problem", "a number not shown must not advance")
			out = svcSay(h, p, "2", "the complaint question (the seed contract has no time slots)", "what is the problem")
			assert.NotContains(t, out, "Choose a *time*", "restapi books by day: no slot step")

			out = svcSay(h, p, "cough and cold", "the booking confirmation with the EMR's own message",
				"is booked", "Dr. Meera Iyer", "booked for "+day.word)
			assert.Contains(t, out, "Reply with a menu number", "after booking the patient is back at the menu")
			svcAssertFields(t, h.emr.CallsTo("book_in_person"), map[string]string{
				"hid": restapitest.HID, "did": "22", "pid": restapitest.KnownPatientID,
				"chiefcompliant": "cough and cold", "day_count": day.choice, "encounter_type": "1",
			})
			assert.Empty(t, h.emr.CallsTo("book_video"), "an in-person booking must not call book_video")
		})
	}
}

// TestBookVideoRESTAPI books a video consultation: the EMR's payment link,
// a wait that repeats itself whatever the patient sends, then the EMR's
// confirmation (either spelling) with the video link and back to the menu.
func TestBookVideoRESTAPI(t *testing.T) {
	for _, route := range []string{"/api/confirmvideoappt", "/api/confirmvideoappt.php"} {
		t.Run(route, func(t *testing.T) {
			t.Parallel()
			h := start(t)
			p := restapitest.KnownMobile
			link := svcBookVideoABC(h, p)
			svcAssertFields(t, h.emr.CallsTo("book_video"), map[string]string{
				"hid": restapitest.HID, "did": "11", "pid": restapitest.KnownPatientID,
				"chiefcompliant": "fever and headache", "day_count": "1", "encounter_type": "2",
			})
			out := svcSay(h, p, "hello?", "that we still wait for the payment, with the link", "still waiting for your payment", link)
			out += svcSay(h, p, "3", "that we still wait for the payment (a menu number is no escape)", "still waiting for your payment")
			assert.NotContains(t, out, "upcoming appointments", "while waiting for payment the menu does not answer")

			before := len(h.replies(p))
			a := svcAPI(h, route, apiKey, "application/json", svcConfirmBody(restapitest.KnownNational, "7001"))
			require.Equal(t, http.StatusOK, a.code, "confirmation refused: %s", a.raw)
			assert.Equal(t, "1", a.status)
			svcWait(h, p, before, "the payment confirmation with the video link and the menu hint",
				"Payment received", "Dr. Rohan Mehta", "https://meet.example.test/abc-7001", "Reply with a menu number")
			svcSay(h, p, "3", "the upcoming appointments: the conversation is back at the menu", "Your upcoming appointments")
		})
	}
}

// TestVideoConfirmationAfterExit: the patient leaves while waiting for the
// payment; the EMR's confirmation still reaches them.
func TestVideoConfirmationAfterExit(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	svcBookVideoABC(h, p)
	svcSay(h, p, "EXIT", "the goodbye", "take care")
	before := len(h.replies(p))
	a := svcAPI(h, "/api/confirmvideoappt", apiKey, "application/json", svcConfirmBody(restapitest.KnownNational, "7001"))
	require.Equal(t, http.StatusOK, a.code, a.raw)
	svcWait(h, p, before, "the video link even after exit", "Payment received", "https://meet.example.test/abc-7001")
	svcSay(h, p, "hi abc", "a fresh start after the confirmation", "Welcome back", "Main menu")
}

// TestBookDemoInPersonWithSlots books on the demo EMR, which offers time
// slots: every list is the EMR's, numbered in its order.
func TestBookDemoInPersonWithSlots(t *testing.T) {
	h, d := svcStartDemo(t)
	p := demoemr.AshaMobile
	day := emr.Day{Offset: 1}
	depts, err := d.Departments(t.Context(), day)
	require.NoError(t, err)
	svcAtMenu(h, p, demo)
	svcSay(h, p, "1", "the day question", "When would you like")
	out := svcSay(h, p, "2", "tomorrow's departments", "Choose a *department*")
	svcAssertList(t, out, svcDeptNames(depts), "the demo department list")

	docs, err := d.Doctors(t.Context(), depts[0].ID, day)
	require.NoError(t, err)
	out = svcSay(h, p, "1", "the doctors of "+depts[0].Name, "Choose a *doctor*")
	svcAssertList(t, out, svcDoctorNames(docs), "the demo doctor list")

	slots, err := d.Slots(t.Context(), docs[0].ID, day)
	require.NoError(t, err)
	out = svcSay(h, p, "1", "the free times of "+docs[0].Name, "Choose a *time*")
	svcAssertList(t, out, svcSlotLabels(slots), "the demo slot list")

	svcSay(h, p, "2", "the complaint question", "what is the problem")
	out = svcSay(h, p, "knee pain while walking", "the booking with the second time and the EMR's message",
		"is booked", svcSlotLabels(slots)[1], "Appointment APT-5001 confirmed")
	appts := d.Appointments("DEMO-0001")
	var got *demoemr.Appointment
	for i := range appts {
		if appts[i].ID == "APT-5001" {
			got = &appts[i]
		}
	}
	require.NotNil(t, got, "the demo EMR should hold the booking the patient was told about: %s", out)
	assert.Equal(t, slots[1].ID, got.SlotID)
	assert.Equal(t, emr.InPerson, got.Visit)
	assert.Equal(t, "knee pain while walking", got.Complaint)
}

// TestBookDemoVideo books a video slot on the demo EMR and confirms it the
// way the EMR does, with the demo hospital's own key.
func TestBookDemoVideo(t *testing.T) {
	h, d := svcStartDemo(t)
	p := demoemr.AshaMobile
	svcAtMenu(h, p, demo)
	svcSay(h, p, "2", "the day question", "When would you like")
	svcSay(h, p, "2", "departments", "Choose a *department*")
	svcSay(h, p, "1", "doctors", "Choose a *doctor*")
	svcSay(h, p, "1", "times", "Choose a *time*")
	svcSay(h, p, "1", "the complaint question", "what is the problem")
	svcSay(h, p, "headache", "the reservation with the demo EMR's payment link", "is reserved", svcDemoPay+"/APT-5001")
	svcSay(h, p, "menu please", "that we still wait for the payment", "still waiting for your payment")

	conf, err := d.ConfirmPayment("APT-5001")
	require.NoError(t, err)
	before := len(h.replies(p))
	a := svcAPI(h, "/api/confirmvideoappt", demoAPIKey, "application/json", svcJSON(conf))
	require.Equal(t, http.StatusOK, a.code, a.raw)
	svcWait(h, p, before, "the video link", "Payment received", demoemr.VideoLinkBase+"APT-5001")
	svcSay(h, p, "3", "the paid video consultation among the upcoming ones", "APT-5001", "video consultation, paid")
}

// TestBookDemoSlotRace: two patients pick the same time; the second one's
// booking is a Conflict and they are offered the times still free.
func TestBookDemoSlotRace(t *testing.T) {
	h, d := svcStartDemo(t)
	asha, family := demoemr.AshaMobile, demoemr.FamilyMobile
	svcAtMenu(h, asha, demo)
	svcSay(h, family, "hi demo", "the family chooser", "Who is this for")
	svcSay(h, family, "1", "the menu for Ramesh", "Welcome back", "Main menu")
	var first, second string
	for _, p := range []string{asha, family} {
		svcSay(h, p, "1", "the day question", "When would you like")
		svcSay(h, p, "2", "departments", "Choose a *department*")
		svcSay(h, p, "1", "doctors", "Choose a *doctor*")
		out := svcSay(h, p, "1", "times", "Choose a *time*")
		slots := svcNumbered(out)
		require.GreaterOrEqual(t, len(slots), 2, "the doctor should offer at least two times: %s", out)
		first, second = slots[0], slots[1]
		svcSay(h, p, "1", "the complaint question", "what is the problem")
	}
	svcSay(h, asha, "fever", "the first booking", "is booked", first)
	out := svcSay(h, family, "cough and cold", "that the time was just taken, and the times still free",
		"just taken by someone else", "1. "+second)
	assert.NotContains(t, out, first, "the taken time must not be offered again")
	svcSay(h, family, "1", "the booking at the next free time, with the complaint already given", "is booked", second)
	assert.Len(t, d.Appointments("DEMO-0002"), 1, "Ramesh should have exactly one booking")
}

// svcBookVideoABC takes the known patient through a video booking for
// today with Dr. Rohan Mehta and returns the payment link shown.
func svcBookVideoABC(h *harness, p string) string {
	h.t.Helper()
	link := restapitest.PaymentLinkPrefix + "7001"
	svcAtMenu(h, p, abc)
	svcSay(h, p, "2", "the day question", "When would you like")
	svcSay(h, p, "1", "departments", "Choose a *department*")
	svcSay(h, p, "1", "doctors", "Choose a *doctor*")
	svcSay(h, p, "1", "the complaint question", "what is the problem")
	svcSay(h, p, "fever and headache", "the reservation with the EMR's payment link", "is reserved", "Dr. Rohan Mehta", link)
	return link
}

// svcConfirmBody is the seed EMR's video confirmation for an appointment.
func svcConfirmBody(mobile, apptID string) string {
	return svcJSON(map[string]string{
		"appt_id": apptID, "mobile": mobile, "doctor": "Dr. Rohan Mehta",
		"appdatetime": "24 Nov 2026 05:00 PM", "link": "https://meet.example.test/abc-" + apptID,
	})
}

// svcAssertFields checks that the EMR got one call with exactly want.
func svcAssertFields(t *testing.T, calls []restapitest.Call, want map[string]string) {
	t.Helper()
	if assert.Len(t, calls, 1, "the EMR should have been called once") {
		assert.Equal(t, want, calls[0].Fields, "the EMR should get exactly the CONTRACT §4 fields")
	}
}

// svcAssertMediaFields is svcAssertFields for a call that carries a file:
// field holds frontdesk's own link to the bytes the patient sent as
// twilioURL (an EMR cannot fetch Twilio's media without its credentials).
func svcAssertMediaFields(t *testing.T, h *harness, calls []restapitest.Call, want map[string]string, field, twilioURL string) {
	t.Helper()
	if !assert.Len(t, calls, 1, "the EMR should have been called once") {
		return
	}
	got := maps.Clone(calls[0].Fields)
	link := got[field]
	delete(got, field)
	assert.Equal(t, want, got, "the EMR should get exactly the CONTRACT §4 fields")
	h.assertMediaLink(t, link, twilioURL)
}

// svcAssertList checks that a reply lists names numbered 1..n in order,
// and nothing else numbered.
func svcAssertList(t *testing.T, reply string, names []string, what string) {
	t.Helper()
	got := svcNumbered(reply)
	if !assert.Len(t, got, len(names), "%s should have one numbered line per EMR entry: %s", what, reply) {
		return
	}
	for i, n := range names {
		assert.True(t, strings.HasPrefix(got[i], n), "%s entry %d should be %q: %s", what, i+1, n, reply)
	}
}

// svcNumbered returns the texts of the lines "1. ...", "2. ..." of a reply
// in order, stopping at the first line that breaks the numbering.
func svcNumbered(reply string) []string {
	var out []string
	for _, line := range strings.Split(reply, "\n") {
		if rest, ok := strings.CutPrefix(line, fmt.Sprintf("%d. ", len(out)+1)); ok {
			out = append(out, rest)
		}
	}
	return out
}

func svcDeptNames(ds []emr.Department) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Name
	}
	return out
}

func svcDoctorNames(ds []emr.Doctor) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Name
	}
	return out
}

// svcSlotLabels are the times of slots as the patient reads them.
func svcSlotLabels(ss []emr.Slot) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Start.In(svcKolkata()).Format("3:04 PM")
	}
	return out
}
