package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

// Tests of the commands that work everywhere (language, stop, start) and
// of the inactivity timeout (CONTRACT §3).

// hindi renders a Hindi catalog text (English where hi.yaml lacks it).
func hindi(key string, args ...string) string {
	return wordingCatalog.Text("hi", nil, key, args...)
}

// hindiHas reports whether hi.yaml has its own wording for key.
func hindiHas(key string) bool {
	s, ok := wordingCatalog.Raw("hi", key)
	en, _ := wordingCatalog.Raw("en", key)
	return ok && s != en
}

// chooseLanguage asks for the language list and picks English or, when
// the catalog has Hindi, Hindi; it waits for the confirmation and the
// catalog text next (in the language picked) and returns the reply to the
// pick and whether Hindi was picked.
func chooseLanguage(t *testing.T, h *harness, phone, next string) (string, bool) {
	t.Helper()
	out := h.say(phone, "language", wording("choose_language"))
	langs := listAfter(t, out, wording("choose_language"))
	require.Equal(t, "English", langs[0], "English should be the first language offered")
	if !wordingCatalog.Has("hi") {
		require.Len(t, langs, 1, "without hi.yaml only English can be offered")
		out = h.say(phone, "2", wording("invalid_choice", "max", "1"), wording("choose_language"))
		assert.NotContains(t, out, wording("language_set"), "a language not offered must not be set")
		return h.say(phone, "1", wording("language_set"), wording(next)), false
	}
	require.Len(t, langs, 2, "ABC offers English and Hindi")
	assert.Equal(t, hindi("language_name"), langs[1], "Hindi should be offered by its own name")
	out = h.say(phone, "2", hindi("language_set"), hindi(next))
	assert.NotEqual(t, wording("language_set"), hindi("language_set"), "the confirmation should be in Hindi")
	return out, true
}

func TestLanguageCommand(t *testing.T) {
	t.Parallel()
	t.Run("from the main menu", func(t *testing.T) {
		t.Parallel()
		h := start(t)
		phone := openMenu(h, abc)
		out, hi := chooseLanguage(t, h, phone, "menu_heading")
		if !hi {
			assertMainMenu(t, out)
			t.Log("hi.yaml is not in the catalog yet: only the language step itself is checked")
			return
		}
		out = h.say(phone, "1", hindi("ask_when"))
		if hindiHas("ask_when") {
			assert.NotContains(t, out, wording("ask_when"), "after switching to Hindi the booking question should not be in English")
		}
		// Back to English from the booking question: it is asked again, in English.
		h.say(phone, "LANGUAGE", hindi("choose_language"))
		h.say(phone, "1", wording("language_set"), wording("ask_when"))
		assertMainMenu(t, h.say(phone, "menu", wording("menu_heading")))
	})
	t.Run("from a registration question", func(t *testing.T) {
		t.Parallel()
		h := start(t)
		phone := testPhone(30, 1)
		startRegistration(h, phone, abc, 1)
		// 0 at the language list goes back to the question it was asked at.
		h.say(phone, "language", wording("choose_language"))
		h.say(phone, "0", wording("ask_age"))
		out, hi := chooseLanguage(t, h, phone, "ask_age")
		assert.NotContains(t, out, wording("menu_heading"), "changing language during registration must not skip it")
		if hi {
			require.Contains(t, out, hindi("ask_age"), "the age question should be asked again, in Hindi")
			if hindiHas("ask_age") {
				assert.NotContains(t, out, wording("ask_age"), "the age question should no longer be in English")
			}
		}
		h.say(phone, "34", hindi("ask_gender"))
		h.say(phone, "1", hindi("ask_photo_optional"))
		h.say(phone, "skip", "5001")
		calls := h.emr.CallsTo("register")
		require.Len(t, calls, 1, "registration should finish after the language change")
		assert.Equal(t, "Ravi Kumar", calls[0].Fields["name"], "the name given before the language change should be kept")
		assert.Equal(t, "34", calls[0].Fields["age"])
	})
}

// pushStatus calls the EMR push API (/api/notifyuserwa) with key and
// returns the HTTP status.
func pushStatus(t *testing.T, h *harness, key, national, message string) int {
	t.Helper()
	body, err := json.Marshal(map[string]string{"mobile": national, "message": message})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, h.base+"/api/notifyuserwa", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

// assertPushes checks that a push from code's EMR to phone is refused
// (HTTP 409, nothing sent) when optedOut, and sent otherwise.
func assertPushes(t *testing.T, h *harness, code, phone string, optedOut bool, msg string) {
	t.Helper()
	key := map[string]string{abc: apiKey, demo: demoAPIKey}[code]
	before := len(h.replies(phone))
	status := pushStatus(t, h, key, phone[3:], msg)
	if optedOut {
		assert.Equalf(t, http.StatusConflict, status, "after stop, %s's push should be refused", code)
		// Replies to one patient go out in order: once this one is in, a
		// queued push would have been too.
		h.say(phone, "no", "")
		for _, r := range h.replies(phone)[before:] {
			assert.NotContainsf(t, r, msg, "after stop the patient must not receive %s's push", code)
		}
		return
	}
	require.Equalf(t, http.StatusOK, status, "after start (or without stop), %s's push should be accepted", code)
	h.waitReplies(phone, before, msg)
}

func TestStopAndStart(t *testing.T) {
	t.Parallel()
	t.Run("without a conversation, code given", func(t *testing.T) {
		t.Parallel()
		h := start(t)
		phone := testPhone(31, 1)
		h.say(phone, "stop", wording("consent_which"))
		assertPushes(t, h, abc, phone, false, "Push before any stop")
		h.say(phone, "STOP ABC", wording("stopped", "hospital", "ABC Hospital"))
		assertPushes(t, h, abc, phone, true, "Push after stop abc")
		assertPushes(t, h, demo, phone, false, "Push from the other hospital")
		h.say(phone, "start", wording("consent_which"))
		assertPushes(t, h, abc, phone, true, "Push after a start without a code")
		h.say(phone, "start abc", wording("started", "hospital", "ABC Hospital"))
		assertPushes(t, h, abc, phone, false, "Push after start abc")
	})
	t.Run("in an open conversation", func(t *testing.T) {
		t.Parallel()
		h := start(t)
		phone := openMenu(h, abc)
		out := h.say(phone, "stop", wording("stopped", "hospital", "ABC Hospital"))
		assert.NotContains(t, out, wording("how_to_start", "start", "hi abc"), "stop is a command, not a message outside a conversation")
		assertPushes(t, h, abc, phone, true, "Your report is ready")
		// The conversation goes on where it was.
		h.say(phone, "3", restapitest.KnownUpcoming)
		h.say(phone, "Start", wording("started", "hospital", "ABC Hospital"))
		assertPushes(t, h, abc, phone, false, "Your report is ready")
	})
	t.Run("after the conversation closed", func(t *testing.T) {
		t.Parallel()
		h := start(t)
		phone := openMenu(h, demo)
		h.say(phone, "exit", wording("goodbye", "start", "hi demo"))
		h.say(phone, "stop", wording("stopped", "hospital", "Demo Hospital"))
		assertPushes(t, h, demo, phone, true, "Your report is ready")
		h.say(phone, "start", wording("started", "hospital", "Demo Hospital"))
		assertPushes(t, h, demo, phone, false, "Your report is ready")
	})
}

func TestInactivityClosesTheConversation(t *testing.T) {
	t.Parallel()
	note := wording("closed_inactivity", "start", "hi abc")
	t.Run("a menu choice after 16 minutes", func(t *testing.T) {
		t.Parallel()
		h := start(t)
		phone := openMenu(h, abc)
		calls := len(h.emr.Calls())
		h.clock.Advance(16 * time.Minute)
		got := repliesUntilSentinel(h, h.form(phone, "2"), note)
		assert.Equal(t, []string{note}, got, "after 16 idle minutes, 2 should get only the closed-due-to-inactivity note, not the video booking")
		assert.Len(t, h.emr.Calls(), calls, "2 after the timeout must not reach ABC's EMR")
	})
	t.Run("a list answer after 16 minutes", func(t *testing.T) {
		t.Parallel()
		h := start(t)
		phone := openMenu(h, abc)
		h.say(phone, "1", wording("ask_when"))
		h.clock.Advance(16 * time.Minute)
		out := h.say(phone, "2", note)
		assert.NotContains(t, out, wording("choose_department"), "after 16 idle minutes, 2 must not be taken as the day")
		out = h.say(phone, "2", wording("how_to_start", "start", "hi abc"))
		assert.NotContains(t, out, wording("choose_department"), "the conversation should stay closed")
		assert.Empty(t, h.emr.CallsTo("departments"), "no answer after the timeout should reach the EMR")
	})
	t.Run("an activation after 16 minutes", func(t *testing.T) {
		t.Parallel()
		h := start(t)
		phone := openMenu(h, abc)
		h.say(phone, "1", wording("ask_when"))
		h.clock.Advance(16 * time.Minute)
		welcome := wording("welcome", "hospital", "ABC Hospital")
		out := h.say(phone, "hi abc", note, welcome, wording("welcome_back", "name", restapitest.KnownPatientName), wording("menu_heading"))
		assert.Less(t, strings.Index(out, note), strings.Index(out, welcome), "the note should come before the welcome")
		assertMainMenu(t, out)
	})
	t.Run("14 minutes is not idle", func(t *testing.T) {
		t.Parallel()
		h := start(t)
		phone := openMenu(h, abc)
		h.clock.Advance(14 * time.Minute)
		out := h.say(phone, "1", wording("ask_when"))
		assert.NotContains(t, out, note, "after 14 minutes the conversation should still be open")
		h.clock.Advance(14 * time.Minute) // 28 minutes since the start, 14 since the last message
		out = h.say(phone, "2", wording("choose_department"))
		assert.NotContains(t, out, note, "each message should restart the idle time")
		assert.Len(t, h.emr.CallsTo("departments"), 1, "the day answered should reach the EMR")
	})
}
