package flow

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// words are answers that lead somewhere, so random scripts get deep into
// the flows rather than bouncing off the first prompt.
var words = []string{
	"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "00", "menu", "MENU", "exit", "#", "skip", "stop", "start", "stop abc",
	"language", "भाषा", "hi abc", "🙏🏽 abc", "hi xyz", "hi gone", "Asha Devi", "34", "fever for 2 days", "12 MG Road, Pune",
	"२", "３", "", " ", "\u200b", "\u202e1", "a\nb", "hello",
}

// mediaTypes are content types patients send, acceptable or not.
var mediaTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "video/mp4", "audio/ogg", "text/vcard", ""}

// script reads a fuzzer's bytes as a sequence of choices.
type script struct{ b []byte }

func (s *script) more() bool { return len(s.b) > 0 }

func (s *script) next() int {
	if len(s.b) == 0 {
		return 0
	}
	v := int(s.b[0])
	s.b = s.b[1:]
	return v
}

func (s *script) text() string {
	n := s.next() % 24
	if n > len(s.b) {
		n = len(s.b)
	}
	t := string(s.b[:n])
	s.b = s.b[n:]
	// Braces would make the check for unfilled placeholders ambiguous.
	return strings.NewReplacer("{", "(", "}", ")").Replace(t)
}

func (s *script) body() string {
	if s.next()%3 == 0 {
		return s.text()
	}
	return words[s.next()%len(words)]
}

func (s *script) media() []Media {
	out := make([]Media, 1+s.next()%3)
	for i := range out {
		out[i] = Media{URL: "https://m.example/" + itoa(i), ContentType: mediaTypes[s.next()%len(mediaTypes)]}
	}
	return out
}

// result makes a successful answer of plausible shape for a call.
func (s *script) result(call emr.Call) emr.Result {
	n := s.next() % 4
	r := emr.Result{CallID: call.ID}
	for i := range n {
		id := itoa(i + 1)
		r.Patients = append(r.Patients, emr.Patient{ID: "P" + id, Name: "Patient " + id})
		r.Departments = append(r.Departments, emr.Department{ID: "D" + id, Name: "Dept " + id})
		r.Doctors = append(r.Doctors, emr.Doctor{ID: "DR" + id, Name: "Dr. " + id})
		r.Slots = append(r.Slots, emr.Slot{ID: "S" + id, Start: testNow.Add(time.Duration(i) * time.Hour)})
		r.Appointments = append(r.Appointments, emr.Appointment{Doctor: "Dr. " + id, Start: testNow, Video: i%2 == 0})
		r.Records.Items = append(r.Records.Items, emr.Record{Title: "Report " + id, URL: "https://emr.example/" + id})
	}
	if n == 3 {
		r.Records = emr.Records{Text: "Records as text"}
	}
	r.Patient = emr.Patient{ID: "P-NEW"}
	r.Booking = emr.Booking{AppointmentID: "A1", Message: "See you", PaymentLink: []string{"", "https://pay.example"}[s.next()%2]}
	return r
}

// startState puts a conversation into a step with plausible data.
func startState(e *Engine, pick int) State {
	var ids []StepID
	for _, id := range e.Steps() {
		if e.steps[id].Read != nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if pick%(len(ids)+1) == 0 {
		return State{}
	}
	s := State{Hospital: "abc", Lang: []string{"en", "hi"}[pick/2%2], Step: ids[pick%(len(ids)+1)-1], LastInbound: testNow}
	if pick&4 != 0 {
		s.Patient = &patient
	}
	if pick&8 != 0 {
		s.Options = []Option{{ID: "1", Label: "One"}, {ID: "2", Label: "Two"}}
	}
	if pick&16 != 0 {
		s.Video = &VideoWait{AppointmentID: "V1", PaymentLink: "https://pay.example"}
	}
	if s.Step == stepFamily {
		s.Family = []emr.Patient{patient}
	}
	if e.steps[s.Step].Reminder {
		s.Reply = &ReminderReply{ID: "r@1", ReminderID: "r", Hospital: "abc", Kind: KindFeedback, CallbackURL: "https://emr.example/cb",
			Until: testNow.Add(time.Hour), Return: []StepID{"", stepMenu}[pick/2%2]}
		if s.Step == stepReplyConfirm {
			s.Reply.Kind = KindAppointment
		}
	}
	return s
}

// unfilled finds a placeholder left in a reply.
var unfilled = regexp.MustCompile(`\{[a-z_]+\}`)

// FuzzApply feeds random events to random steps: whatever the patient or
// the EMR sends, Apply must not panic, must leave its input alone and must
// keep the state in a step of the table.
func FuzzApply(f *testing.F) {
	add := func(start uint8, parts ...[]byte) { f.Add(start, slices.Concat(parts...)) }
	say := func(w string) []byte { return []byte{0, 1, byte(slices.Index(words, w))} }
	ok := []byte{6, 1}   // answer with one item
	ok2 := []byte{6, 2}  // answer with two items
	none := []byte{6, 0} // answer with nothing
	add(0, say("hi abc"), none, say("Asha Devi"), say("34"), say("2"), []byte{5, 0, 0}, ok, ok)
	add(0, say("hi abc"), ok, say("1"), say("2"), ok2, say("2"), ok2, say("1"), ok2, say("2"), say("fever for 2 days"), ok)
	add(0, say("hi abc"), ok, say("2"), say("1"), ok, say("1"), ok, say("1"), ok, say("1"), say("fever for 2 days"), []byte{6, 1, 1}, []byte{9})
	add(0, say("hi abc"), ok2, say("3"), say("1"), say("2"), say("menu"), []byte{7, 4}, []byte{8, 3}, say("1"))
	add(0, say("hi abc"), ok, say("6"), []byte{5, 2, 4, 0, 5}, ok, []byte{7, 2}, say("0"), say("exit"))
	add(0, say("hi abc"), ok, say("3"), []byte{8, 200}, say("1"), []byte{10}, say("4"), ok2, say("1"))
	add(3, say("0"), say("menu"), say("language"), say("2"))
	add(17, []byte{0, 0, 5, 0xff, 0xfe, '1', 0xe2, 0x80}, say("1"), []byte{11})
	add(0x81, say("hi gone"), say("1"), say("menu"), ok, say("1"), say("2"))
	add(0x40, say("1"), say("2"), ok, say("1"))
	add(0, say("hi abc"), ok, []byte{13, 0, 0, 0, 90}, say("1"), []byte{13, 1, 1, 0}, say("5"), say("0"), say("4"), say("3"), say("2"), say("skip"))
	add(0, say("hi abc"), ok, say("4"), []byte{13, 0, 2, 0, 200}, ok, say("1"), []byte{8, 250}, say("2"))

	f.Fuzz(func(t *testing.T, start uint8, data []byte) {
		caps := emr.Capabilities{Slots: start&1 != 0, VideoVisits: true, UploadDocument: start&2 != 0, UpdateAddress: true, ProfilePhoto: start&0x20 != 0}
		fx := newFixture(t, caps, func(h *config.Hospital) { h.Registration.PhotoOptional = start&0x40 != 0 })
		// A hospital that later left the configuration: its conversations
		// must not break.
		fx.env.Hospitals["gone"] = &Hospital{Config: &config.Hospital{Code: "gone", Name: "Gone"}}
		fx.s = startState(fx.eng, int(start))
		if start&0x80 != 0 {
			defer delete(fx.env.Hospitals, "gone")
		}
		sc := &script{b: data}
		for steps := 0; sc.more() && steps < 200; steps++ {
			if start&0x80 != 0 && steps == 3 {
				delete(fx.env.Hospitals, "gone")
			}
			var eff Effects
			switch op := sc.next() % 14; op {
			case 0, 1, 2, 3, 4:
				eff = fx.send(sc.body())
			case 5:
				eff = fx.sendMedia(sc.body(), sc.media()...)
			case 6:
				if fx.s.Awaiting == nil {
					continue
				}
				eff = fx.apply(&EMRDone{Result: sc.result(fx.s.Awaiting.Call)})
			case 7:
				if fx.s.Awaiting == nil {
					continue
				}
				kind := emr.Kind(sc.next() % 7)
				eff = fx.apply(&EMRDone{Result: emr.Result{CallID: fx.s.Awaiting.Call.ID, Err: &emr.Error{Kind: kind, Display: sc.text()}}})
			case 8:
				fx.advance(time.Duration(sc.next()) * 10 * time.Second)
				continue
			case 9:
				eff = fx.apply(&VideoConfirmed{Hospital: "abc", AppointmentID: []string{"", "V1", "A1", "x"}[sc.next()%4], Link: "https://meet.example"})
			case 10:
				eff = fx.apply(&EMRDone{Result: emr.Result{CallID: callID(uint64(sc.next() % 8))}})
			case 11:
				eff = fx.sendIn(Inbound{Lat: "18.5", Lon: "73.8"})
			case 12:
				eff = fx.sendIn(Inbound{Button: sc.body()})
			case 13:
				kind := []string{KindAppointment, KindFeedback, KindMedicine}[sc.next()%3]
				eff = fx.apply(&ReminderDue{ID: "r@" + itoa(sc.next()%4), ReminderID: "r", Hospital: []string{"abc", "gone"}[sc.next()%2], Kind: kind,
					CallbackURL: "https://emr.example/cb", AppointmentStart: testNow.Add(time.Duration(sc.next()) * time.Minute)})
			}
			for _, cb := range eff.Callbacks {
				require.NotEmpty(t, cb.URL, "a callback without its URL")
				require.True(t, cb.Answer != "" || cb.Ratings != nil, "a callback without an answer")
			}
			for _, r := range eff.Replies {
				require.True(t, strings.TrimSpace(r.Body) != "" || len(r.Media) > 0, "empty reply")
				require.False(t, unfilled.MatchString(r.Body), "unfilled placeholder in %q", r.Body)
			}
		}
	})
}
