package flow

import (
	"strings"
	"unicode/utf8"

	"github.com/frontdesk-health/frontdesk/emr"
)

// menuEntries are the main menu's numbers, fixed by the contract (1-7),
// and the step each leads to.
var menuEntries = []struct {
	key  string
	step StepID
}{
	{"menu_in_person", stepBookWhen},
	{"menu_video", stepBookWhen},
	{"menu_upcoming", stepUpcoming},
	{"menu_records", stepRecords},
	{"menu_photo", stepPhotoAsk},
	{"menu_documents", stepDocAsk},
	{"menu_address", stepAddrAsk},
	{"menu_language", stepLanguage},
}

func promptMenu(t *turn) {
	lines := make([]string, 0, len(menuEntries)+1)
	lines = append(lines, t.text("menu_heading"))
	for i, e := range menuEntries {
		lines = append(lines, itoa(i+1)+". "+t.text(e.key))
	}
	t.sayRaw(strings.Join(lines, "\n"))
	t.say("menu_footer")
}

func readMenu(t *turn, in Inbound) {
	n, ok := number(in.Body)
	if !ok || n < 1 || n > len(menuEntries) {
		t.retry("invalid_choice", "max", itoa(len(menuEntries)))
		return
	}
	t.s.Answers = Answers{}
	caps := t.h.Caps
	switch n {
	case 1:
		t.s.Answers.Visit = emr.InPerson
	case 2:
		if !caps.VideoVisits {
			t.say("not_available", "helpline", t.helpline())
			return
		}
		t.s.Answers.Visit = emr.Video
	case 5:
		if !caps.ProfilePhoto {
			t.say("not_available", "helpline", t.helpline())
			return
		}
	case 6:
		if !caps.UploadDocument {
			t.say("not_available", "helpline", t.helpline())
			return
		}
	case 7:
		if !caps.UpdateAddress {
			t.say("not_available", "helpline", t.helpline())
			return
		}
	case 8:
		t.s.Return = stepMenu
	}
	t.goTo(menuEntries[n-1].step)
}

// backToMenu leaves an errand: the menu stays current, with a short hint
// rather than the whole menu again.
func (t *turn) backToMenu() {
	t.s.Answers = Answers{}
	t.s.Options = nil
	t.s.Step = stepMenu
	t.say("menu_again")
}

func promptLanguage(t *turn) {
	langs := t.languages()
	opts := make([]Option, len(langs))
	for i, l := range langs {
		opts[i] = Option{ID: l, Label: t.eng.cat.Text(l, nil, "language_name")}
	}
	t.sayRaw(t.text("choose_language") + "\n" + renderOptions(opts))
	t.hint()
}

// languages are those both the hospital and the catalog offer.
func (t *turn) languages() []string {
	var out []string
	if t.h != nil {
		for _, l := range t.h.Config.Languages {
			if t.eng.cat.Has(l) {
				out = append(out, l)
			}
		}
	}
	if len(out) == 0 {
		out = []string{"en"}
	}
	return out
}

func readLanguage(t *turn, in Inbound) {
	langs := t.languages()
	n, ok := number(in.Body)
	if !ok || n < 1 || n > len(langs) {
		t.retry("invalid_choice", "max", itoa(len(langs)))
		return
	}
	t.s.Lang = langs[n-1]
	t.say("language_set")
	t.returnFromLanguage()
}

func languageBack(t *turn) StepID {
	if r := t.s.Return; r != "" && (!t.eng.steps[r].Reminder || t.s.Reply != nil) {
		return r
	}
	return stepMenu
}

// returnFromLanguage goes back to where the patient asked for a language.
func (t *turn) returnFromLanguage() {
	back := languageBack(t)
	t.s.Return = ""
	if back == stepMenu && t.s.Patient == nil {
		back = stepRegName
	}
	t.goTo(back)
}

func loadUpcoming(t *turn) emr.Call {
	return emr.Call{Op: emr.OpUpcoming, Patient: t.patient()}
}

func upcomingLoaded(t *turn, r emr.Result) bool {
	if len(r.Appointments) == 0 {
		t.say("no_upcoming")
		t.backToMenu()
		return false
	}
	if t.h.Caps.Cancel {
		t.s.Options = t.s.Options[:0]
		for _, a := range r.Appointments {
			if a.ID != "" {
				t.s.Options = append(t.s.Options, Option{ID: a.ID, Label: t.describeAppointment(a)})
			}
		}
		if len(t.s.Options) == len(r.Appointments) {
			t.show(stepUpcomingPick)
			return false
		}
	}
	lines := []string{t.text("upcoming_heading")}
	for i, a := range r.Appointments {
		lines = append(lines, itoa(i+1)+". "+t.describeAppointment(a))
	}
	t.sayRaw(strings.Join(lines, "\n"))
	t.backToMenu()
	return false
}

func loadRecords(t *turn) emr.Call {
	return emr.Call{Op: emr.OpHealthRecords, Patient: t.patient()}
}

func recordsLoaded(t *turn, r emr.Result) bool {
	if len(r.Records.Items) == 0 {
		if r.Records.Text != "" {
			t.sayRaw(r.Records.Text)
		} else {
			t.say("no_records")
		}
		t.backToMenu()
		return false
	}
	t.s.Options = t.s.Options[:0]
	for _, rec := range r.Records.Items {
		label := rec.Title
		if !rec.Date.IsZero() {
			label += " (" + t.date(rec.Date) + ")"
		}
		t.s.Options = append(t.s.Options, Option{ID: rec.URL + "\n" + rec.Title, Label: label})
	}
	return true
}

func promptRecords(t *turn) {
	t.sayRaw(t.text("choose_record") + "\n" + renderOptions(t.s.Options))
	t.hint()
}

func readRecords(t *turn, in Inbound) {
	o, ok := t.choose(in)
	if !ok {
		t.retryChoice()
		return
	}
	url, title, _ := strings.Cut(o.ID, "\n")
	t.sendMedia(title, url)
	t.say("record_sent")
}

func promptPhoto(t *turn) {
	t.say("ask_new_photo")
	t.hint()
}

func readPhoto(t *turn, in Inbound) {
	url, ok := t.photo(in)
	if !ok {
		return
	}
	t.s.Answers.PhotoURL = url
	t.goTo(stepPhotoSave)
}

func loadPhoto(t *turn) emr.Call {
	return emr.Call{Op: emr.OpProfilePhoto, Patient: t.patient(), URL: t.s.Answers.PhotoURL}
}

// docTypes are the files accepted as documents.
var docTypes = map[string]bool{"image/jpeg": true, "image/png": true, "application/pdf": true}

func promptDoc(t *turn) {
	t.say("ask_document")
	t.hint()
}

func readDoc(t *turn, in Inbound) {
	if len(in.Media) == 0 {
		t.retry("expect_document")
		return
	}
	var docs []Media
	for _, m := range in.Media {
		if docTypes[m.ContentType] {
			docs = append(docs, m)
		}
	}
	if len(docs) == 0 {
		t.retry("wrong_document_type")
		return
	}
	if len(docs) < len(in.Media) {
		t.say("some_documents_skipped")
	}
	t.s.Answers.Docs = docs
	t.s.Answers.Caption = truncate(in.Body, 200)
	t.goTo(stepDocSave)
}

func loadDoc(t *turn) emr.Call {
	d := t.s.Answers.Docs[0]
	return emr.Call{Op: emr.OpUploadDocument, Patient: t.patient(),
		Document: emr.Document{URL: d.URL, ContentType: d.ContentType, Caption: t.s.Answers.Caption}}
}

func docSaved(t *turn, _ emr.Result) bool {
	t.s.Answers.Docs = t.s.Answers.Docs[1:]
	if len(t.s.Answers.Docs) > 0 {
		t.goTo(stepDocSave)
		return false
	}
	t.s.Answers.Caption = ""
	t.say("document_saved")
	t.s.Step = stepDocAsk
	t.hint()
	return false
}

func promptAddr(t *turn) {
	t.say("ask_address")
	t.hint()
}

func readAddr(t *turn, in Inbound) {
	addr := in.Body
	if addr == "" && in.Lat != "" && in.Lon != "" {
		addr = "Location " + in.Lat + "," + in.Lon
	}
	if n := utf8.RuneCountInString(addr); n < 5 || n > 300 || !hasLetter(addr) && in.Lat == "" {
		t.retry("invalid_address")
		return
	}
	t.s.Answers.Address = addr
	t.goTo(stepAddrSave)
}

func loadAddr(t *turn) emr.Call {
	return emr.Call{Op: emr.OpUpdateAddress, Patient: t.patient(), Address: t.s.Answers.Address}
}

// thenMenu is a Loaded that confirms an errand and leaves it.
func thenMenu(key string) func(*turn, emr.Result) bool {
	return func(t *turn, _ emr.Result) bool {
		t.say(key)
		t.backToMenu()
		return false
	}
}

// describeAppointment writes one upcoming appointment: the EMR's own text
// when it gives one, else doctor, day, time and kind.
func (t *turn) describeAppointment(a emr.Appointment) string {
	if a.Text != "" {
		return a.Text
	}
	kind := t.text("appt_in_person")
	if a.Video {
		kind = t.text("appt_video")
	}
	when := ""
	if !a.Start.IsZero() {
		when = t.date(a.Start) + ", " + t.clock(a.Start)
	}
	return t.text("appointment_line", "doctor", a.Doctor, "when", when, "kind", kind)
}
