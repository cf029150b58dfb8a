package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	demoemr "github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/emr/restapi"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
	"github.com/frontdesk-health/frontdesk/runtime"
)

// Media URLs as Twilio would send them.
const (
	svcJPEG = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
	svcPNG  = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2"
	svcPDF  = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME3"
	svcWEBP = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME4"
)

func TestUpcomingRESTAPI(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	svcAtMenu(h, p, abc)
	svcSay(h, p, "3", "the EMR's own text of the seed appointment", "Your upcoming appointments", "1. "+restapitest.KnownUpcoming)
	svcAssertFields(t, h.emr.CallsTo("upcoming"), map[string]string{"mobile": restapitest.KnownNational, "hid": restapitest.HID})

	fresh := "+919811100001"
	svcRegisterABC(h, fresh)
	svcSay(h, fresh, "3", "that there are no upcoming appointments", "You have no upcoming appointments")
}

func TestUpcomingDemo(t *testing.T) {
	h, _ := svcStartDemo(t)
	p := demoemr.AshaMobile
	svcAtMenu(h, p, demo)
	out := svcSay(h, p, "3", "the seed follow-up, with a way to cancel it", "Your upcoming appointments", demoemr.SeedAppointmentID,
		"reply with its number")
	assert.NotContains(t, out, "APT-5001")
	svcSay(h, p, "menu", "the main menu", "Main menu")
	svcSay(h, p, "1", "the day question", "When would you like")
	svcSay(h, p, "2", "departments", "Choose a *department*")
	svcSay(h, p, "1", "doctors", "Choose a *doctor*")
	svcSay(h, p, "1", "times", "Choose a *time*")
	svcSay(h, p, "1", "the complaint question", "what is the problem")
	svcSay(h, p, "sore throat", "the booking", "is booked")
	svcSay(h, p, "3", "the new booking next to the seed one", demoemr.SeedAppointmentID, "APT-5001", "Dr. Rajesh Kumar Sharma")
	svcSay(h, p, "1", "the question whether to cancel the new booking (listed first: it is earlier)", "Cancel this appointment?", "APT-5001")
	svcSay(h, p, "1", "the cancellation", "Your appointment is cancelled")
	out = svcSay(h, p, "3", "only the seed follow-up left", demoemr.SeedAppointmentID)
	assert.NotContains(t, out, "APT-5001", "a cancelled appointment is no longer listed")

	fresh := "+919811100002"
	svcRegisterDemo(h, fresh)
	svcSay(h, fresh, "3", "that there are no upcoming appointments", "You have no upcoming appointments")
}

func TestHealthRecordsRESTAPI(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	svcAtMenu(h, p, abc)
	first, _, _ := strings.Cut(restapitest.KnownRecords, "\n")
	out := svcSay(h, p, "4", "the EMR's records text", first, "Chest X-ray normal", "Reply with a menu number")
	assert.NotContains(t, out, "[media", "the seed contract's records are text")
	svcAssertFields(t, h.emr.CallsTo("health_records"), map[string]string{"pid": restapitest.KnownPatientID})
	svcSay(h, p, "3", "upcoming appointments: the menu answers again", "Your upcoming appointments")
}

func TestHealthRecordsDemo(t *testing.T) {
	h, d := svcStartDemo(t)
	p := demoemr.AshaMobile
	recs, err := d.HealthRecords(t.Context(), emr.PatientRef{ID: "DEMO-0001", Mobile: p})
	require.NoError(t, err)
	require.Len(t, recs.Items, 3)
	titles := make([]string, len(recs.Items))
	for i, r := range recs.Items {
		titles[i] = r.Title
	}
	svcAtMenu(h, p, demo)
	out := svcSay(h, p, "4", "the list of records", "Which record")
	svcAssertList(t, out, titles, "the records list")
	svcSay(h, p, "2", "the second record as a PDF", "[media "+recs.Items[1].URL+"]", "Here it is")
	out = svcSay(h, p, "9", "which numbers are accepted and the list again", "from the list (1 to 3)", "1. "+titles[0])
	assert.NotContains(t, out, "[media", "a wrong number sends no record")
	svcSay(h, p, "1", "the first record", "[media "+recs.Items[0].URL+"]")
	svcSay(h, p, "0", "the main menu", "Main menu")
	svcSay(h, p, "3", "upcoming appointments: back at the menu", "Your upcoming appointments")
}

func TestProfilePhotoRESTAPI(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	svcAtMenu(h, p, abc)
	svcSay(h, p, "5", "the photo question", "send the new profile photo")
	svcSend(h, withMedia(h.form(p, ""), [2]string{svcPDF, "application/pdf"}), "that a PDF is no photo", "cannot be used as a photo", "send the new profile photo")
	svcSay(h, p, "here you go", "that an image is needed", "We need an image here", "send the new profile photo")
	assert.Empty(t, h.emr.CallsTo("profile_pic"), "nothing reaches the EMR before an image")
	svcSend(h, withMedia(h.form(p, ""), [2]string{svcPNG, "image/png"}), "that the photo is updated", "profile photo is updated")
	svcAssertMediaFields(t, h, h.emr.CallsTo("profile_pic"), map[string]string{"pid": restapitest.KnownPatientID}, "image_url", svcPNG)
}

func TestUploadDocumentsDemo(t *testing.T) {
	h, d := svcStartDemo(t)
	p := demoemr.AshaMobile
	svcAtMenu(h, p, demo)
	svcSay(h, p, "6", "the document question", "send the document")
	svcSay(h, p, "my report", "that a file is needed", "attach the document")
	svcSend(h, withMedia(h.form(p, "blood test"), [2]string{svcJPEG, "image/jpeg"}), "that the photo is saved", "document is saved")
	svcSend(h, withMedia(h.form(p, ""), [2]string{svcPDF, "application/pdf"}), "that the PDF is saved", "document is saved")
	svcSend(h, withMedia(h.form(p, ""), [2]string{svcWEBP, "image/webp"}),
		"which file types are accepted", "not accepted", "JPEG or PNG photo, or a PDF")
	out := svcSend(h, withMedia(h.form(p, "x-ray and report"), [2]string{svcPNG, "image/png"}, [2]string{svcPDF, "application/pdf"}),
		"one confirmation for both files", "document is saved")
	assert.Equal(t, 1, strings.Count(out, "document is saved"), "two files in one message get one confirmation: %s", out)
	svcSend(h, withMedia(h.form(p, ""), [2]string{svcJPEG, "image/jpeg"}, [2]string{svcWEBP, "image/webp"}),
		"that the WEBP was left out and the rest saved", "left out", "document is saved")
	want := []emr.Document{
		{URL: svcJPEG, ContentType: "image/jpeg", Caption: "blood test"},
		{URL: svcPDF, ContentType: "application/pdf"},
		{URL: svcPNG, ContentType: "image/png", Caption: "x-ray and report"},
		{URL: svcPDF, ContentType: "application/pdf", Caption: "x-ray and report"},
		{URL: svcJPEG, ContentType: "image/jpeg"},
	}
	got := d.Documents("DEMO-0001")
	require.Len(t, got, len(want), "the EMR should hold every accepted file, and no WEBP")
	for i := range want {
		h.assertMediaLink(t, got[i].URL, want[i].URL)
		got[i].URL = want[i].URL
	}
	assert.Equal(t, want, got, "the EMR should hold every accepted file with its type and caption")
	svcSay(h, p, "menu", "the main menu", "Main menu")
}

func TestUploadDocumentRESTAPI(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	svcAtMenu(h, p, abc)
	svcSay(h, p, "6", "the document question", "send the document")
	svcSend(h, withMedia(h.form(p, "discharge summary"), [2]string{svcPDF, "application/pdf"}), "that the document is saved", "document is saved")
	svcAssertMediaFields(t, h, h.emr.CallsTo("upload_document"), map[string]string{
		"pid": restapitest.KnownPatientID, "content_type": "application/pdf", "caption": "discharge summary",
	}, "url", svcPDF)
}

func TestUpdateAddressRESTAPI(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	svcAtMenu(h, p, abc)
	svcSay(h, p, "7", "the address question", "type your full address")
	svcSay(h, p, "Pune", "that the address is too short", "5 to 300 characters")
	assert.Empty(t, h.emr.CallsTo("update_address"), "a refused address must not reach the EMR")
	addr := "Flat 4, 12 MG Road, Camp, Pune 411001"
	svcSay(h, p, addr, "that the address is updated", "address is updated")
	svcAssertFields(t, h.emr.CallsTo("update_address"), map[string]string{"pid": restapitest.KnownPatientID, "address": addr})

	svcSay(h, p, "7", "the address question", "type your full address")
	loc := h.form(p, "")
	loc.Set("Latitude", "18.5204")
	loc.Set("Longitude", "73.8567")
	svcSend(h, loc, "that the shared location is taken as the address", "address is updated")
	calls := h.emr.CallsTo("update_address")
	require.Len(t, calls, 2)
	assert.Contains(t, calls[1].Fields["address"], "18.5204", "the EMR should get the shared coordinates")
	assert.Contains(t, calls[1].Fields["address"], "73.8567", "the EMR should get the shared coordinates")
}

// TestServicesMissingOnRESTAPI: a hospital whose EMR has no
// upload_document and update_address endpoints answers menu 6 and 7 with
// "not available" and the helpline, and the menu keeps working.
func TestServicesMissingOnRESTAPI(t *testing.T) {
	fake := restapitest.NewServer(t)
	hc := fake.Hospital(abc)
	delete(hc.EMR.Endpoints, "upload_document")
	delete(hc.EMR.Endpoints, "update_address")
	client, err := restapi.New(hc, nil)
	require.NoError(t, err)
	h := start(t, runtime.WithEMR(abc, client))
	p := restapitest.KnownMobile
	svcAtMenu(h, p, abc)
	for _, n := range []string{"6", "7"} {
		out := svcSay(h, p, n, "that option "+n+" is not available, with the helpline", "not available", "+919800000000")
		assert.NotContains(t, out, "send the document")
		assert.NotContains(t, out, "type your full address")
	}
	svcSay(h, p, "3", "upcoming appointments: still at the menu", "Your upcoming appointments")
	assert.Empty(t, fake.CallsTo("upload_document"))
	assert.Empty(t, fake.CallsTo("update_address"))
}

// svcAtMenu activates a known patient's conversation.
func svcAtMenu(h *harness, phone, code string) {
	h.t.Helper()
	svcSay(h, phone, "hi "+code, "a welcome back and the main menu", "Welcome back", "Main menu")
}

// svcRegisterABC registers a new patient on the fake EMR, without a photo.
func svcRegisterABC(h *harness, phone string) {
	h.t.Helper()
	svcSay(h, phone, "hi abc", "the name question", "full name")
	svcSay(h, phone, "Ravi Kumar", "the age question", "age")
	svcSay(h, phone, "41", "the gender question", "Gender")
	svcSay(h, phone, "1", "the photo question", "photo")
	svcSay(h, phone, "skip", "the patient id and the menu", "patient ID", "Main menu")
}

// svcRegisterDemo registers a new patient on the demo EMR with a photo.
func svcRegisterDemo(h *harness, phone string) {
	h.t.Helper()
	svcSay(h, phone, "hi demo", "the name question", "full name")
	svcSay(h, phone, "Neha Joshi", "the age question", "age")
	svcSay(h, phone, "29", "the gender question", "Gender")
	svcSay(h, phone, "2", "the photo question", "photo")
	svcSend(h, withMedia(h.form(phone, ""), [2]string{svcJPEG, "image/jpeg"}), "the patient id and the menu", "patient ID", "Main menu")
}

// svcSay sends body from phone and waits for replies containing want;
// should says what the patient should have seen, for the failure message.
func svcSay(h *harness, phone, body, should string, want ...string) string {
	h.t.Helper()
	return svcSend(h, h.form(phone, body), should, want...)
}

// svcSend posts a webhook form and waits for replies containing want.
func svcSend(h *harness, f url.Values, should string, want ...string) string {
	h.t.Helper()
	phone := strings.TrimPrefix(f.Get("From"), "whatsapp:")
	before := len(h.replies(phone))
	if code, body := h.post(f); code != http.StatusOK {
		h.t.Fatalf("webhook for %q answered %d %s; Twilio must get 200", f.Get("Body"), code, body)
	}
	return svcWait(h, phone, before, should, want...)
}

// svcWait waits until the replies after index from contain every want.
func svcWait(h *harness, phone string, from int, should string, want ...string) string {
	h.t.Helper()
	return h.waitFor(phone, from, should, want...)
}

// The demo EMR's links in tests that wire their own demo EMR.
const (
	svcDemoPay     = "https://pay.demo.test/pay"
	svcDemoRecords = "https://records.demo.test/records"
)

// svcStartDemo starts a process whose demo hospital runs on a demo EMR the
// test holds, so it can look at what the EMR stored. The EMR reads the
// harness clock once the harness exists (its seed is dated from the
// harness's start time before that).
func svcStartDemo(t *testing.T, opts ...runtime.Option) (*harness, *demoemr.EMR) {
	t.Helper()
	var clk atomic.Pointer[storetest.Clock]
	now := func() time.Time {
		if c := clk.Load(); c != nil {
			return c.Now()
		}
		return time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	}
	d := demoemr.New(demoemr.Options{
		Now: now, Location: svcKolkata(), HospitalName: "Demo Hospital",
		PaymentBaseURL: svcDemoPay, RecordURLBase: svcDemoRecords,
	})
	h := start(t, append(opts, runtime.WithEMR(demo, d))...)
	clk.Store(h.clock)
	return h, d
}

// svcKolkata is the hospitals' zone.
func svcKolkata() *time.Location {
	if loc, err := time.LoadLocation("Asia/Kolkata"); err == nil {
		return loc
	}
	return time.FixedZone("IST", 5*60*60+30*60)
}
