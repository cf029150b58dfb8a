package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	demoemr "github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

// Tests of how a conversation starts: activation, the "how to start"
// answer to everything else, the welcome back with the main menu, and the
// family phone's chooser.

// wordingCatalog holds the product's catalogs: assertions quote the
// product's own English wording, so rewording a message does not break a
// test, but sending the wrong message does.
var wordingCatalog = catalog.MustLoad()

// wording renders an English catalog text with its placeholders filled.
func wording(key string, args ...string) string {
	return wordingCatalog.Text("en", nil, key, args...)
}

// anyCodeHint is how a patient is told to start when the bot does not
// know which hospital they want.
var anyCodeHint = wording("hi_code")

// testPhone is a mobile number no EMR knows: group tells tests apart in
// logs, n the cases of a test.
func testPhone(group, n int) string { return fmt.Sprintf("+9197%02d%06d", group, n) }

// photoURL is a Twilio media URL as inbound webhooks carry it.
const photoURL = "https://api.twilio.com/2010-04-01/Accounts/" + accountSID + "/Messages/MM0123/Media/ME0123"

// menuKeys are the catalog keys of main menu items 1-7, in the order
// CONTRACT §3 fixes, with a word each item must contain.
var menuKeys = []struct{ key, word string }{
	{"menu_in_person", "in-person"},
	{"menu_video", "video"},
	{"menu_upcoming", "upcoming"},
	{"menu_records", "record"},
	{"menu_photo", "photo"},
	{"menu_documents", "document"},
	{"menu_address", "address"},
}

var itemRe = regexp.MustCompile(`^(\d+)\. (.+)$`)

// listAfter returns the labels of the numbered list that follows heading
// in reply, failing the test unless the list is numbered 1..n.
func listAfter(t *testing.T, reply, heading string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(reply, heading)
	require.Truef(t, ok, "the patient should have seen %q; got %q", heading, reply)
	var labels []string
	for _, line := range strings.Split(strings.TrimLeft(rest, "\n"), "\n") {
		m := itemRe.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			if len(labels) > 0 || strings.TrimSpace(line) != "" {
				break
			}
			continue
		}
		n, _ := strconv.Atoi(m[1])
		require.Equalf(t, len(labels)+1, n, "list under %q must be numbered 1..n in order; got %q", heading, rest)
		labels = append(labels, m[2])
	}
	require.NotEmptyf(t, labels, "a numbered list should follow %q; got %q", heading, reply)
	return labels
}

// assertMainMenu checks that reply shows the main menu with items 1-7 as
// CONTRACT §3 numbers them, in the catalog's wording.
func assertMainMenu(t *testing.T, reply string) {
	t.Helper()
	items := listAfter(t, reply, wording("menu_heading"))
	require.GreaterOrEqualf(t, len(items), len(menuKeys), "the main menu should list at least items 1-7; got %q", reply)
	for i, k := range menuKeys {
		assert.Equalf(t, wording(k.key), items[i], "main menu item %d should read as the catalog's %s", i+1, k.key)
		assert.Containsf(t, strings.ToLower(items[i]), k.word, "main menu item %d should be the %s item of CONTRACT §3", i+1, k.word)
	}
}

// repliesUntilSentinel sends f, waits for a reply containing want, then
// sends an activation of the demo hospital and returns every message the
// patient got in answer to f alone. Replies to one patient go out in order,
// so everything before the sentinel's welcome answered f.
func repliesUntilSentinel(h *harness, f url.Values, want string) []string {
	h.t.Helper()
	phone := strings.TrimPrefix(f.Get("From"), "whatsapp:")
	before := len(h.replies(phone))
	h.sendExpect(f, want)
	welcome := wording("welcome", "hospital", "Demo Hospital")
	h.say(phone, "hi demo", welcome, wording("ask_name"))
	all := h.replies(phone)
	for i := before; i < len(all); i++ {
		if strings.Contains(all[i], welcome) {
			return all[before:i]
		}
	}
	h.t.Fatalf("the sentinel's welcome %q was not among the replies %q", welcome, all[before:])
	return nil
}

func TestActivationStartsAConversation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, hospital string
	}{
		{"hi", "hi abc", "ABC Hospital"},
		{"hello, capitalised code", "Hello ABC", "ABC Hospital"},
		{"extra spaces", "  hi    abc  ", "ABC Hospital"},
		{"folded hands and space", "🙏 abc", "ABC Hospital"},
		{"folded hands, no space", "🙏abc", "ABC Hospital"},
		{"upper case with punctuation", "HI Demo!", "Demo Hospital"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := start(t)
			phone := testPhone(10, i)
			out := h.say(phone, tc.body, wording("welcome", "hospital", tc.hospital), wording("ask_name"))
			assert.Containsf(t, out, wording("not_registered"), "%q from an unknown number should say it is not registered, then ask the name", tc.body)
			assert.NotContainsf(t, out, wording("how_to_start", "start", anyCodeHint), "%q is an activation, not a message to answer with how to start", tc.body)
			if tc.hospital == "ABC Hospital" {
				calls := h.emr.CallsTo("match_mobile")
				require.Lenf(t, calls, 1, "%q should look the patient up once in ABC's EMR", tc.body)
				assert.Equal(t, phone[3:], calls[0].Fields["mobile"], "the EMR lookup should carry the national number")
			} else {
				assert.Empty(t, h.emr.Calls(), "a demo activation should not call ABC's EMR")
			}
		})
	}
}

func TestNonActivationGetsOneHowToStartReply(t *testing.T) {
	t.Parallel()
	howTo := wording("how_to_start", "start", anyCodeHint)
	unknown := wording("unknown_code", "start", anyCodeHint)
	tests := []struct {
		name, body string
		media      bool
		want       string
	}{
		{"unknown code", "hi xyz", false, unknown},
		{"inactive hospital", "hi closed", false, unknown},
		{"plain hello", "hello", false, howTo},
		{"random text", "I need to see a doctor tomorrow", false, howTo},
		{"folded hands alone", "🙏", false, howTo},
		{"another emoji alone", "👍", false, howTo},
		{"a number", "1", false, howTo},
		{"empty body with media", "", true, howTo},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := start(t)
			phone := testPhone(11, i)
			f := h.form(phone, tc.body)
			if tc.media {
				f = withMedia(f, [2]string{photoURL, "image/jpeg"})
			}
			got := repliesUntilSentinel(h, f, tc.want)
			require.Lenf(t, got, 1, "%q without an open conversation should get exactly one reply (%q); got %q", tc.body, tc.want, got)
			assert.Equalf(t, tc.want, got[0], "%q should be answered with how to start", tc.body)
			assert.Lessf(t, utf8.RuneCountInString(got[0]), 200, "the how-to-start reply should be short; got %q", got[0])
			assert.Empty(t, h.emr.CallsTo("register"), "nothing should be registered before an activation")
		})
	}
}

func TestKnownPatientGetsWelcomeBackAndMainMenu(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, phone, body, hospital, patient string
	}{
		{"restapi EMR", restapitest.KnownMobile, "hi abc", "ABC Hospital", restapitest.KnownPatientName},
		{"demo EMR", demoemr.AshaMobile, "Hello DEMO", "Demo Hospital", "Asha Verma"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := start(t)
			out := h.say(tc.phone, tc.body, wording("welcome", "hospital", tc.hospital), wording("welcome_back", "name", tc.patient), wording("menu_heading"))
			assert.NotContains(t, out, wording("not_registered"), "a known patient must not be asked to register")
			assert.Less(t, strings.Index(out, wording("welcome_back", "name", tc.patient)), strings.Index(out, wording("menu_heading")),
				"the patient should be greeted by name before the main menu")
			assertMainMenu(t, out)
		})
	}
}

func TestFamilyPhoneChooser(t *testing.T) {
	t.Parallel()
	someoneNew := wording("someone_new")
	tests := []struct {
		name, pick string
		want       []string
		check      func(t *testing.T, h *harness)
	}{
		{"first member", "1", []string{wording("welcome_back", "name", "Ramesh Patel"), wording("menu_heading")}, func(t *testing.T, h *harness) {
			// The records offered are Ramesh's, so he is the patient now.
			h.say(demoemr.FamilyMobile, "4", "Lipid Profile")
		}},
		{"second member", "2", []string{wording("welcome_back", "name", "Savita Patel"), wording("menu_heading")}, func(t *testing.T, h *harness) {
			h.say(demoemr.FamilyMobile, "4", "Complete Blood Count")
		}},
		{"someone new", "3", []string{wording("ask_name")}, func(t *testing.T, h *harness) {
			h.say(demoemr.FamilyMobile, "Kiran Patel", wording("ask_age"))
		}},
		{"a number not shown", "4", []string{wording("invalid_choice", "max", "3"), wording("choose_family"), "3. " + someoneNew}, nil},
		{"zero: nothing to go back to", "0", []string{wording("invalid_choice", "max", "3"), wording("choose_family")}, nil},
		{"menu before choosing", "menu", []string{wording("menu_needs_registration"), wording("choose_family")}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := start(t)
			out := h.say(demoemr.FamilyMobile, "hi demo", wording("choose_family"), someoneNew)
			assert.Equal(t, []string{"Ramesh Patel", "Savita Patel", someoneNew}, listAfter(t, out, wording("choose_family")),
				"the family phone should be offered both patients, then someone new")
			out = h.say(demoemr.FamilyMobile, tc.pick, tc.want...)
			if tc.check != nil {
				assert.NotContains(t, out, wording("choose_family"), "a valid pick should leave the chooser")
				tc.check(t, h)
			} else {
				assert.NotContains(t, out, wording("welcome_back", "name", "Ramesh Patel"), "%q must not pick a patient", tc.pick)
				assert.NotContains(t, out, wording("ask_name"), "%q must not start registration", tc.pick)
			}
		})
	}
}
