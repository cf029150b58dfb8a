package e2e

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	demoemr "github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

// Tests of moving around (CONTRACT §3): 0 goes back one step, menu and
// exit work from every step in any case, and a list step takes only the
// numbers it shows.

// knownPatients are a registered patient at each hospital: phone and name.
var knownPatients = map[string][2]string{
	abc:  {restapitest.KnownMobile, restapitest.KnownPatientName},
	demo: {demoemr.AshaMobile, "Asha Verma"},
}

// openMenu activates code for its known patient and returns the phone,
// once the main menu is shown.
func openMenu(h *harness, code string) string {
	h.t.Helper()
	p := knownPatients[code]
	h.say(p[0], "hi "+code, wording("welcome_back", "name", p[1]), wording("menu_heading"))
	return p[0]
}

// bookStep is one question of a booking and the answer that goes on.
type bookStep struct {
	name, prompt, answer string
}

// bookingSteps are a booking's questions from the main menu on; visit is
// the menu choice ("1" in person, "2" video). The demo EMR offers time
// slots, the restapi EMR does not.
func bookingSteps(code, visit string) []bookStep {
	steps := []bookStep{
		{"main menu", wording("menu_heading"), visit},
		{"when", wording("ask_when"), "2"},
		{"department", wording("choose_department"), "1"},
		{"doctor", wording("choose_doctor"), "1"},
	}
	if code == demo {
		steps = append(steps, bookStep{"time slot", wording("choose_slot"), "1"})
	}
	return append(steps, bookStep{"complaint", wording("ask_complaint"), "fever for three days"})
}

// payLinkLead starts the reply with the payment link of a video booking.
var payLinkLead, _, _ = strings.Cut(wording("pay_link"), ":")

// place is a step a patient can be at, and how to get there.
type place struct {
	name   string
	path   [][2]string // answers from the main menu, each with the reply it brings
	prompt string      // what the patient is asked there
	back   string      // what 0 shows; empty where 0 is not back
	list   bool        // the step is a numbered list under prompt
	next   [2]string   // a valid answer there and the reply it brings
}

// places are the steps of every flow a known patient reaches from the
// main menu at hospital code.
func places(code string) []place {
	out := []place{{name: "main menu", prompt: wording("menu_heading"), list: true, next: [2]string{"1", wording("ask_when")}}}
	steps := bookingSteps(code, "1")
	var path [][2]string
	for i := 1; i < len(steps); i++ {
		path = append(path, [2]string{steps[i-1].answer, steps[i].prompt})
		next := "is booked" // the end of the catalog's "booked"
		if i+1 < len(steps) {
			next = steps[i+1].prompt
		}
		out = append(out, place{
			name: "booking " + steps[i].name, path: slices.Clone(path), prompt: steps[i].prompt,
			back: steps[i-1].prompt, list: steps[i].name != "complaint", next: [2]string{steps[i].answer, next},
		})
	}
	video := bookingSteps(code, "2")
	path = nil
	for i := 1; i < len(video); i++ {
		path = append(path, [2]string{video[i-1].answer, video[i].prompt})
	}
	path = append(path, [2]string{video[len(video)-1].answer, payLinkLead})
	out = append(out,
		place{name: "video payment wait", path: path, prompt: payLinkLead,
			next: [2]string{"ok", wording("still_waiting_payment")}},
		place{name: "profile photo", path: [][2]string{{"5", wording("ask_new_photo")}}, prompt: wording("ask_new_photo"),
			back: wording("menu_heading"), next: [2]string{"hello", wording("expect_photo")}},
		place{name: "documents", path: [][2]string{{"6", wording("ask_document")}}, prompt: wording("ask_document"),
			back: wording("menu_heading"), next: [2]string{"hello", wording("expect_document")}},
		place{name: "address", path: [][2]string{{"7", wording("ask_address")}}, prompt: wording("ask_address"),
			back: wording("menu_heading"), next: [2]string{"12 MG Road, Pune 411001", wording("address_updated")}},
		place{name: "language", path: [][2]string{{"8", wording("choose_language")}}, prompt: wording("choose_language"),
			back: wording("menu_heading"), list: true, next: [2]string{"1", wording("language_set")}},
	)
	if code == demo {
		out = append(out, place{name: "health records", path: [][2]string{{"4", wording("choose_record")}}, prompt: wording("choose_record"),
			back: wording("menu_heading"), list: true, next: [2]string{"1", wording("record_sent")}})
	}
	return out
}

// walk answers p's path from the main menu and returns the last reply.
func walk(h *harness, phone string, p place) string {
	h.t.Helper()
	out := ""
	for _, step := range p.path {
		out = h.say(phone, step[0], step[1])
	}
	return out
}

func TestBookingBackGoesOneStep(t *testing.T) {
	t.Parallel()
	for _, code := range []string{abc, demo} {
		for _, visit := range []string{"1", "2"} {
			kind := map[string]string{"1": "in person", "2": "video"}[visit]
			t.Run(code+" "+kind, func(t *testing.T) {
				t.Parallel()
				h := start(t)
				phone := openMenu(h, code)
				steps := bookingSteps(code, visit)
				shown := map[int]string{}
				for i := 1; i < len(steps); i++ {
					prev, cur := steps[i-1], steps[i]
					shown[i] = h.say(phone, prev.answer, cur.prompt)
					out := h.say(phone, "0", prev.prompt)
					assert.NotContainsf(t, out, cur.prompt, "0 at the %s should show the %s only", cur.name, prev.name)
					if i > 1 {
						assert.Equalf(t, listAfter(t, shown[i-1], prev.prompt), listAfter(t, out, prev.prompt),
							"0 at the %s should show the %s list as before", cur.name, prev.name)
					} else {
						assertMainMenu(t, out)
					}
					again := h.say(phone, prev.answer, cur.prompt)
					if cur.name != "complaint" {
						assert.Equalf(t, listAfter(t, shown[i], cur.prompt), listAfter(t, again, cur.prompt),
							"answering the %s again should show the same %s list", prev.name, cur.name)
					}
				}
				last := steps[len(steps)-1]
				want := "is booked"
				if visit == "2" {
					want = payLinkLead
				}
				h.say(phone, last.answer, want)
				if code != abc {
					return
				}
				op := map[string]string{"1": "book_in_person", "2": "book_video"}[visit]
				calls := h.emr.CallsTo(op)
				require.Lenf(t, calls, 1, "going back and forth should end in one %s call", op)
				f := calls[0].Fields
				assert.Equal(t, []string{"2", "11", "fever for three days"}, []string{f["day_count"], f["did"], f["chiefcompliant"]},
					"the booking should carry the answers given last: tomorrow, the first doctor, the complaint")
			})
		}
	}
}

// menuWords and exitWords are the commands as patients type them.
var (
	menuWords = []string{"menu", "MENU", " menu ", "Menu"}
	exitWords = []string{"exit", "Exit", " EXIT ", "exit "}
)

func TestBackMenuAndExitFromEveryStep(t *testing.T) {
	t.Parallel()
	for _, code := range []string{abc, demo} {
		for i, p := range places(code) {
			t.Run(code+" "+p.name, func(t *testing.T) {
				t.Parallel()
				h := start(t)
				phone := openMenu(h, code)
				hint := "hi " + code

				walk(h, phone, p)
				if p.back != "" {
					out := h.say(phone, "0", p.back)
					assert.NotContainsf(t, out, p.prompt, "0 at the %s should leave it for the step before", p.name)
				} else {
					h.say(phone, "0", p.prompt)
				}

				menu := menuWords[i%len(menuWords)]
				h.say(phone, menu, wording("menu_heading"))
				walk(h, phone, p)
				out := h.say(phone, menu, wording("menu_heading"))
				assertMainMenu(t, out)
				assert.NotContainsf(t, out, wording("invalid_choice", "max", "8"), "%q at the %s should show the menu, not be refused", menu, p.name)

				exit := exitWords[i%len(exitWords)]
				walk(h, phone, p)
				h.say(phone, exit, wording("goodbye", "start", hint))
				out = h.say(phone, p.next[0], wording("how_to_start", "start", hint))
				assert.NotContainsf(t, out, p.next[1], "after %q at the %s, %q must not be taken as an answer", exit, p.name, p.next[0])
			})
		}
	}
}

func TestListsTakeOnlyNumbersShown(t *testing.T) {
	t.Parallel()
	for _, code := range []string{abc, demo} {
		for _, p := range places(code) {
			if !p.list {
				continue
			}
			t.Run(code+" "+p.name, func(t *testing.T) {
				t.Parallel()
				h := start(t)
				phone := openMenu(h, code)
				arrived := walk(h, phone, p)
				if len(p.path) == 0 {
					arrived = h.replies(phone)[len(h.replies(phone))-1]
				}
				items := listAfter(t, arrived, p.prompt)
				n := strconv.Itoa(len(items))
				bad := []string{"99", "-1", "1.5", "two", strconv.Itoa(len(items) + 1)}
				if p.back == "" {
					bad = append(bad, "0")
				}
				for _, b := range bad {
					out := h.say(phone, b, wording("invalid_choice", "max", n), p.prompt)
					assert.Equalf(t, items, listAfter(t, out, p.prompt), "after %q the %s list should be shown again as it was", b, p.name)
					assert.NotContainsf(t, out, p.next[1], "%q must not be taken as a choice at the %s", b, p.name)
					assert.Lessf(t, strings.Index(out, wording("invalid_choice", "max", n)), strings.Index(out, p.prompt),
						"after %q the patient should hear which numbers are accepted, then the list", b)
				}
				h.say(phone, p.next[0], p.next[1])
			})
		}
	}
}
