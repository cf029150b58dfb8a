package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
	"github.com/frontdesk-health/frontdesk/runtime"
)

// The FHIR hospital of these tests: emr.kind fhir on a real FHIR server
// (fhirtest: Medplum's fhir-router over its memory repository), seeded
// with the Lotus hospital of fhirtest/seed.json.
const (
	fhirCode     = "fhir"
	fhirHelpline = "+912024550000"
	// Media URLs as Twilio sends them.
	fhirJPEG = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM9/Media/ME1"
	fhirPDF  = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM9/Media/ME2"
)

// fhirHospitalYAML is the hospitals file: one hospital on the FHIR
// server, with a 2 s EMR timeout: hanging calls end quickly, and the
// shared Node server, busy with many tests at once, still answers in time.
const fhirHospitalYAML = `hospitals:
  - code: fhir
    name: Lotus Multispeciality Hospital
    helpline: "%[1]s"
    timezone: Asia/Kolkata
    languages: [en, hi]
    sender: "%[2]s"
    country_code: "91"
    emr:
      kind: fhir
      base_url: %[3]s
      timeout: 2s
      departments: %[4]s
      location: %[5]s
`

// fhirStart runs a process whose only hospital is on a fresh FHIR server
// seeded for the harness's today; departments is the mapping
// (healthcare_service or specialty).
func fhirStart(t *testing.T, departments string, opts ...runtime.Option) (*harness, *fhirtest.Server) {
	t.Helper()
	h := &harness{
		t:       t,
		twilio:  twiliotest.NewServer(t, accountSID, authToken),
		clock:   storetest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)), // a Tuesday, 15:30 IST
		dataDir: t.TempDir(),
		logs:    &syncBuffer{},
	}
	h.storeEnv = e2eStoreEnv(t)
	srv := fhirtest.Start(t, fhirtest.Today(h.clock.Now()), fhirtest.Zone(fhirKolkata(t)))
	path := filepath.Join(h.dataDir, "hospitals.yaml")
	yaml := fmt.Sprintf(fhirHospitalYAML, fhirHelpline, sender, srv.URL(), departments, fhirtest.MainLocationIdentifier)
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
	h.opts = append([]runtime.Option{runtime.WithClock(h.clock.Now), runtime.WithShards(2)}, opts...)
	h.bootWithEnv(path, nil)
	t.Cleanup(h.stop)
	return h, srv
}

func fhirKolkata(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	return loc
}

// fhirSay sends body and waits for replies containing want; should says
// what the patient should have seen.
func fhirSay(h *harness, phone, body, should string, want ...string) string {
	h.t.Helper()
	return fhirSend(h, h.form(phone, body), should, want...)
}

func fhirSend(h *harness, f url.Values, should string, want ...string) string {
	h.t.Helper()
	phone := strings.TrimPrefix(f.Get("From"), "whatsapp:")
	before := len(h.replies(phone))
	if code, body := h.post(f); code != http.StatusOK {
		h.t.Fatalf("webhook for %q answered %d %s; Twilio must get 200", f.Get("Body"), code, body)
	}
	return h.waitFor(phone, before, should, want...)
}

// fhirNumbered is the texts of a reply's lines "1. ...", "2. ..." in order.
func fhirNumbered(reply string) []string {
	var out []string
	for _, line := range strings.Split(reply, "\n") {
		if rest, ok := strings.CutPrefix(line, fmt.Sprintf("%d. ", len(out)+1)); ok {
			out = append(out, rest)
		}
	}
	return out
}

// TestFHIRActivation: a known patient is greeted by name however the EMR
// stored the number; a family phone asks who it is for, and the choice is
// the patient the conversation acts for.
func TestFHIRActivation(t *testing.T) {
	t.Parallel()
	h, srv := fhirStart(t, "healthcare_service")
	out := fhirSay(h, fhirtest.AshaMobile, "hi FHIR", "Asha greeted by name (her inactive duplicate is not offered)", "Welcome back, *Asha Verma*", "Main menu")
	assert.NotContains(t, out, "Who is this for")
	fhirSay(h, fhirtest.TrunkMobile, "hello fhir", "Imran, whose number the EMR stored with a trunk 0", "Welcome back, *Imran Shaikh*")

	f := fhirtest.FamilyMobile
	out = fhirSay(h, f, "hi fhir", "the family chooser", "Who is this for")
	assert.Equal(t, []string{"Ramesh Patel", "Savita Patel", "Someone new (register)"}, fhirNumbered(out),
		"both, though the EMR stored the number in two forms")
	fhirSay(h, f, "3", "registration of someone new on the family phone", "full name")
	fhirSay(h, f, "exit", "the goodbye", "take care")

	fhirSay(h, f, "hi fhir", "the family chooser", "Who is this for")
	fhirSay(h, f, "4", "the numbers that are accepted", "from the list (1 to 3)")
	fhirSay(h, f, "2", "Savita's menu", "Welcome back, *Savita Patel*", "Main menu")
	fhirSay(h, f, "3", "Savita's (empty) upcoming list", "no upcoming appointments")
	reqs := srv.Requests()
	assert.Contains(t, reqs[len(reqs)-1].Path, "patient=Patient%2F"+fhirtest.SavitaID, "the EMR is asked about the chosen family member")
}

// TestFHIRRegistration: an unknown number registers with a photo; the EMR
// holds the Patient with its phone, birth year and photo, and the next
// conversation finds it.
func TestFHIRRegistration(t *testing.T) {
	t.Parallel()
	h, srv := fhirStart(t, "healthcare_service")
	p := "+919811100007"
	fhirSay(h, p, "hi fhir", "the registration", "not find a patient", "full name")
	fhirSay(h, p, "Neha Joshi", "the age question", "age")
	fhirSay(h, p, "29", "the gender question", "Gender")
	fhirSay(h, p, "2", "the photo question", "photo")
	out := fhirSend(h, withMedia(h.form(p, ""), [2]string{fhirJPEG, "image/jpeg"}), "the patient id and the menu", "patient ID is", "Main menu")
	found := srv.Search("Patient", map[string][]string{"telecom": {p}})
	require.Len(t, found, 1, "the EMR should hold one Patient on the number")
	pat := found[0]
	assert.Contains(t, out, fmt.Sprint(pat["id"]), "the reply carries the EMR's id")
	assert.Equal(t, "1997", pat["birthDate"])
	assert.Equal(t, "female", pat["gender"])
	photo, _ := pat["photo"].([]any)
	require.Len(t, photo, 1, "the photo sent at registration")
	h.assertMediaLink(t, fmt.Sprint(photo[0].(map[string]any)["url"]), fhirJPEG)

	fhirSay(h, p, "exit", "the goodbye", "take care")
	fhirSay(h, p, "hi fhir", "a welcome back by name", "Welcome back, *Neha Joshi*")
}

// TestFHIRBookInPersonAndCancel: tomorrow's departments, doctors and free
// times are the EMR's; the booking holds the slot; the upcoming list
// shows it and cancelling frees the slot again.
func TestFHIRBookInPersonAndCancel(t *testing.T) {
	t.Parallel()
	h, srv := fhirStart(t, "healthcare_service")
	p := fhirtest.AshaMobile
	fhirSay(h, p, "hi fhir", "the menu", "Main menu")
	fhirSay(h, p, "1", "the day question", "When would you like")
	out := fhirSay(h, p, "2", "Wednesday's departments", "Choose a *department*")
	assert.Equal(t, []string{"General Medicine", "Paediatrics", "Orthopaedics", "Cardiology"}, fhirNumbered(out),
		"departments with a doctor free on Wednesday, in the EMR's order")
	out = fhirSay(h, p, "1", "the General Medicine doctors", "Choose a *doctor*")
	assert.Equal(t, []string{"Dr. Alok Mishra (MD, General Medicine)", "Dr. Shalini Rao (MD, Internal Medicine)"}, fhirNumbered(out))
	out = fhirSay(h, p, "1", "Dr. Mishra's free times", "Choose a *time*")
	times := fhirNumbered(out)
	require.Greater(t, len(times), 3)
	assert.Equal(t, []string{"9:15 AM", "9:30 AM", "10:00 AM"}, times[:3], "9:00 is Asha's follow-up and 9:45 is taken")
	fhirSay(h, p, "2", "the complaint question", "what is the problem")
	fhirSay(h, p, "knee pain while walking", "the booking", "is booked", "Dr. Alok Mishra", "9:30 AM")
	const slot = "alok-20261125-0930"
	assert.Equal(t, "busy", srv.Read("Slot", slot)["status"])
	appts := srv.Search("Appointment", map[string][]string{"slot": {"Slot/" + slot}})
	require.Len(t, appts, 1)
	assert.Equal(t, "booked", appts[0]["status"])
	assert.Contains(t, fmt.Sprint(appts[0]["reasonCode"]), "knee pain while walking")

	out = fhirSay(h, p, "3", "both appointments with a way to cancel", "Your upcoming appointments", "reply with its number")
	assert.Equal(t, []string{"Dr. Alok Mishra, Wed 25 Nov, 9:00 AM (in person)", "Dr. Alok Mishra, Wed 25 Nov, 9:30 AM (in person)"},
		fhirNumbered(out))
	fhirSay(h, p, "2", "the question whether to cancel the new one", "Cancel this appointment?", "9:30 AM")
	fhirSay(h, p, "1", "the cancellation", "Your appointment is cancelled")
	assert.Equal(t, "cancelled", srv.Read("Appointment", fmt.Sprint(appts[0]["id"]))["status"])
	assert.Equal(t, "free", srv.Read("Slot", slot)["status"], "the slot is free again")
	out = fhirSay(h, p, "3", "only the follow-up left", "Your upcoming appointments")
	assert.Len(t, fhirNumbered(out), 1)
}

// TestFHIRBookVideo: a video consultation by specialty: the Appointment
// is virtual, there is no payment link (FHIR has none), and the menu
// still answers.
func TestFHIRBookVideo(t *testing.T) {
	t.Parallel()
	h, srv := fhirStart(t, "specialty")
	p := fhirtest.TrunkMobile
	fhirSay(h, p, "hi fhir", "the menu", "Main menu")
	fhirSay(h, p, "2", "the day question", "When would you like")
	out := fhirSay(h, p, "1", "today's specialties (only the evening OPDs are left at 3:30 PM)", "Choose a *department*")
	assert.Equal(t, []string{"General Medicine", "Orthopaedics"}, fhirNumbered(out))
	fhirSay(h, p, "0", "back to the day question", "When would you like")
	fhirSay(h, p, "1", "the specialties again", "Choose a *department*")
	out = fhirSay(h, p, "2", "the orthopaedic surgeon on duty", "Choose a *doctor*")
	assert.Equal(t, []string{"Dr. Sameer Bhatt (MS, Arthroscopy & Sports Medicine)"}, fhirNumbered(out))
	out = fhirSay(h, p, "1", "his free times", "Choose a *time*")
	assert.Equal(t, "4:00 PM", fhirNumbered(out)[0])
	fhirSay(h, p, "1", "the complaint question", "what is the problem")
	fhirSay(h, p, "shoulder pain", "the reservation, with no payment step (the EMR gives no payment link)", "is reserved",
		"send you the video link here once the hospital confirms", "Reply with a menu number")
	appts := srv.Search("Appointment", map[string][]string{"patient": {"Patient/" + fhirtest.ImranID}})
	require.Len(t, appts, 1)
	assert.Contains(t, fmt.Sprint(appts[0]["appointmentType"]), "VR", "a virtual visit")
	fhirSay(h, p, "3", "the video consultation among the upcoming ones", "Dr. Sameer Bhatt, Tue 24 Nov, 4:00 PM (video)")
}

// TestFHIRErrands: records as documents, profile photo, document upload
// and address change, each landing in the EMR.
func TestFHIRErrands(t *testing.T) {
	t.Parallel()
	h, srv := fhirStart(t, "healthcare_service")
	p := fhirtest.AshaMobile
	fhirSay(h, p, "hi fhir", "the menu", "Main menu")
	out := fhirSay(h, p, "4", "the records list", "Which record")
	assert.Equal(t, []string{
		"Prescription: Dr. Alok Mishra (Fri 13 Nov)", "Lab report: Thyroid profile (T3, T4, TSH) (Thu 12 Nov)", "Lab report: HbA1c (Sat 10 Oct)",
	}, fhirNumbered(out))
	fhirSay(h, p, "3", "the HbA1c report as a document", "[media https://records.lotus-hospital.example/asha-hba1c.pdf]", "Here it is")
	fhirSay(h, p, "menu", "the menu", "Main menu")

	fhirSay(h, p, "5", "the photo question", "new profile photo")
	fhirSend(h, withMedia(h.form(p, ""), [2]string{fhirJPEG, "image/jpeg"}), "the photo saved", "profile photo is updated")
	photos, _ := srv.Read("Patient", fhirtest.AshaID)["photo"].([]any)
	require.Len(t, photos, 1, "the new profile photo")
	h.assertMediaLink(t, fmt.Sprint(photos[0].(map[string]any)["url"]), fhirJPEG)

	fhirSay(h, p, "menu", "the menu", "Main menu")
	fhirSay(h, p, "6", "the document question", "send the document")
	fhirSend(h, withMedia(h.form(p, "blood test report"), [2]string{fhirPDF, "application/pdf"}), "the document saved", "document is saved")
	docs := srv.Search("DocumentReference", map[string][]string{"patient": {"Patient/" + fhirtest.AshaID}, "description": {"blood test report"}})
	require.Len(t, docs, 1)
	content, _ := docs[0]["content"].([]any)
	require.NotEmpty(t, content)
	att, _ := content[0].(map[string]any)["attachment"].(map[string]any)
	h.assertMediaLink(t, fmt.Sprint(att["url"]), fhirPDF)

	fhirSay(h, p, "menu", "the menu", "Main menu")
	fhirSay(h, p, "7", "the address question", "full address")
	addr := "Flat 4, 12 MG Road, Camp, Pune 411001"
	fhirSay(h, p, addr, "the address saved", "address is updated")
	assert.Contains(t, fmt.Sprint(srv.Read("Patient", fhirtest.AshaID)["address"]), addr)

	out = fhirSay(h, p, "4", "the records, without the uploads", "Which record")
	assert.Len(t, fhirNumbered(out), 3, "what the patient sent is not among the hospital's records")
	fhirSay(h, p, "exit", "the goodbye", "take care")
	fhirSay(h, p, "4", "how to start: the conversation is closed", "To start, send")
}
