package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/frontdesk-health/frontdesk/runtime"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

func TestPushNotify(t *testing.T) {
	h := startPush(t)
	fields := map[string]string{"message": "Your lab report is ready.", "calltoaction": "Send *hi abc* and choose 4 to see it."}
	want := "Your lab report is ready.\n\nSend *hi abc* and choose 4 to see it."
	cases := []struct{ route, kind, national string }{
		{"/api/notifyuserwa", "json", "9811200001"},
		{"/api/notifyuserwa", "form", "9811200002"},
		{"/api/notifyuserwa.php", "json", "9811200003"},
		{"/api/notifyuserwa.php", "form", "9811200004"},
	}
	for _, c := range cases {
		t.Run(c.route+"/"+c.kind, func(t *testing.T) {
			a := svcNotify(h, c.route, c.kind, map[string]string{"mobile": c.national, "message": fields["message"], "calltoaction": fields["calltoaction"]})
			require.Equal(t, http.StatusOK, a.code, a.raw)
			assert.Equal(t, "1", a.status)
			got := svcWaitSent(h, "+91"+c.national, 1, "the EMR's message, a blank line and the call to action")
			assert.Equal(t, want, got[0].Body)
			assert.Equal(t, sender, got[0].From, "pushes go out from the hospital's sender")
		})
	}
	t.Run("without call to action", func(t *testing.T) {
		a := svcNotify(h, "/api/notifyuserwa", "json", map[string]string{"mobile": "9811200005", "message": "Clinic closed tomorrow."})
		require.Equal(t, http.StatusOK, a.code, a.raw)
		assert.Equal(t, "Clinic closed tomorrow.", svcWaitSent(h, "+919811200005", 1, "the message alone")[0].Body)
	})
	t.Run("media", func(t *testing.T) {
		media := "https://emr.example.test/reports/r1.pdf"
		a := svcNotify(h, "/api/notifyuserwa", "json", map[string]string{"mobile": "9811200006", "message": "Your report", "mediapath": media})
		require.Equal(t, http.StatusOK, a.code, a.raw)
		got := svcWaitSent(h, "+919811200006", 1, "the report as media")
		assert.Equal(t, []string{media}, got[0].MediaURLs)
		assert.Equal(t, "Your report", got[0].Body)
	})
}

func TestPushMobileForms(t *testing.T) {
	h := startPush(t)
	forms := []string{"9811200011", "+919811200011", "919811200011", "09811200011", "98112 00011"}
	for i, m := range forms {
		a := svcNotify(h, "/api/notifyuserwa", "json", map[string]string{"mobile": m, "message": fmt.Sprintf("form %d", i)})
		require.Equal(t, http.StatusOK, a.code, "mobile %q: %s", m, a.raw)
	}
	got := svcWaitSent(h, "+919811200011", len(forms), "every form of the number reaching whatsapp:+919811200011")
	for i := range forms {
		assert.Equal(t, fmt.Sprintf("form %d", i), got[i].Body, "pushes to one patient keep their order")
	}
}

func TestPushLongBodySplit(t *testing.T) {
	h := startPush(t)
	var lines []string
	for i := range 45 {
		lines = append(lines, fmt.Sprintf("%02d. Tablet %s once daily after food for five days, then review.", i+1, strings.Repeat("x", 30)))
	}
	body := strings.Join(lines, "\n")
	require.Greater(t, utf8.RuneCountInString(body), 3200)
	a := svcNotify(h, "/api/notifyuserwa", "json", map[string]string{"mobile": "9811200021", "message": body})
	require.Equal(t, http.StatusOK, a.code, a.raw)
	svcWait(h, "+919811200021", 0, "the long message in parts, up to its last line", lines[len(lines)-1])
	got := h.twilio.MessagesTo("whatsapp:+919811200021")
	assert.GreaterOrEqual(t, len(got), 3, "a message of %d characters needs at least three parts", utf8.RuneCountInString(body))
	var parts []string
	for _, m := range got {
		assert.LessOrEqual(t, utf8.RuneCountInString(m.Body), 1600, "each part fits WhatsApp's limit")
		assert.True(t, strings.HasSuffix(m.Body, "review."), "parts are cut at line breaks: %q", m.Body)
		parts = append(parts, m.Body)
	}
	assert.Equal(t, body, strings.Join(parts, "\n"), "the parts, in order, are the whole message")
}

func TestPushRefused(t *testing.T) {
	h := startPush(t)
	mobile := "9811200031"
	ok := svcJSON(map[string]string{"mobile": mobile, "message": "hello"})
	cases := []struct {
		name, key, contentType, body string
		code                         int
	}{
		{"no key", "", "application/json", ok, http.StatusUnauthorized},
		{"wrong key", "not-the-key", "application/json", ok, http.StatusUnauthorized},
		{"malformed JSON", apiKey, "application/json", `{"mobile":"` + mobile, http.StatusBadRequest},
		{"JSON array", apiKey, "application/json", `[` + ok + `]`, http.StatusBadRequest},
		{"missing mobile", apiKey, "application/json", `{"message":"hello"}`, http.StatusBadRequest},
		{"missing message", apiKey, "application/json", `{"mobile":"` + mobile + `"}`, http.StatusBadRequest},
		{"blank message", apiKey, "application/json", `{"mobile":"` + mobile + `","message":"  "}`, http.StatusBadRequest},
		{"nested object", apiKey, "application/json", `{"mobile":"` + mobile + `","message":{"text":"hello"}}`, http.StatusBadRequest},
		{"not a phone number", apiKey, "application/json", `{"mobile":"call me","message":"hello"}`, http.StatusBadRequest},
		{"media not a URL", apiKey, "application/json", `{"mobile":"` + mobile + `","message":"hello","mediapath":"report.pdf"}`, http.StatusBadRequest},
		{"100 KiB body", apiKey, "application/json", svcJSON(map[string]string{"mobile": mobile, "message": strings.Repeat("a", 100<<10)}), http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		for _, route := range []string{"/api/notifyuserwa", "/api/notifyuserwa.php"} {
			a := svcAPI(h, route, c.key, c.contentType, c.body)
			assert.Equal(t, c.code, a.code, "%s on %s: %s", c.name, route, a.raw)
			assert.Equal(t, "0", a.status, "%s on %s answers status 0: %s", c.name, route, a.raw)
			assert.NotEmpty(t, a.err, "%s on %s says what is wrong: %s", c.name, route, a.raw)
			if c.code == http.StatusUnauthorized {
				assert.Contains(t, a.header.Get("WWW-Authenticate"), "Bearer", "%s: a 401 names the scheme", c.name)
			}
		}
	}
	svcAssertOnlySentinel(h, mobile)
}

// TestPushOversizedFormBody: a form body over the API's limit is refused
// as too large, like a JSON one, rather than read as an empty form.
func TestPushOversizedFormBody(t *testing.T) {
	h := startPush(t)
	mobile := "9811200032"
	body := url.Values{"mobile": {mobile}, "message": {strings.Repeat("a", 100<<10)}}.Encode()
	for _, route := range []string{"/api/notifyuserwa", "/api/notifyuserwa.php"} {
		a := svcAPI(h, route, apiKey, "application/x-www-form-urlencoded", body)
		assert.Equal(t, "0", a.status, a.raw)
		assert.Equal(t, http.StatusRequestEntityTooLarge, a.code,
			"a 100 KiB form on %s should be refused as too large (413, as for JSON), not read as a form without fields: %s", route, a.raw)
	}
	svcAssertOnlySentinel(h, mobile)
}

func TestPushOptedOut(t *testing.T) {
	h := startPush(t)
	p := "+919811200041"
	svcSay(h, p, "STOP abc", "the opt-out confirmation", "no longer receive")
	a := svcNotify(h, "/api/notifyuserwa", "json", map[string]string{"mobile": "9811200041", "message": "promo while opted out"})
	assert.Equal(t, http.StatusConflict, a.code, a.raw)
	assert.Equal(t, "0", a.status)
	svcSay(h, p, "start abc", "the opt-in confirmation", "receive reminders and messages")
	a = svcNotify(h, "/api/notifyuserwa", "json", map[string]string{"mobile": "9811200041", "message": "after opting in"})
	require.Equal(t, http.StatusOK, a.code, a.raw)
	got := svcWaitSent(h, p, 3, "the push after opting back in")
	assert.Equal(t, "after opting in", got[2].Body)
	for _, m := range got {
		assert.NotContains(t, m.Body, "promo while opted out", "a push to an opted-out patient must not be sent")
	}
}

func TestConfirmVideoRefused(t *testing.T) {
	h := startPush(t)
	full := map[string]string{
		"appt_id": "7001", "mobile": "9811200051", "doctor": "Dr. Rohan Mehta",
		"appdatetime": "24 Nov 2026 05:00 PM", "link": "https://meet.example.test/abc-7001",
	}
	for _, route := range []string{"/api/confirmvideoappt", "/api/confirmvideoappt.php"} {
		for field := range full {
			body := map[string]string{}
			for k, v := range full {
				if k != field {
					body[k] = v
				}
			}
			a := svcAPI(h, route, apiKey, "application/json", svcJSON(body))
			assert.Equal(t, http.StatusBadRequest, a.code, "%s without %s: %s", route, field, a.raw)
			assert.Contains(t, a.err, field, "the error names the missing field")
		}
		for _, link := range []string{"meet.example.test/abc-7001", "not a link", "javascript:alert(1)"} {
			body := map[string]string{}
			for k, v := range full {
				body[k] = v
			}
			body["link"] = link
			a := svcAPI(h, route, apiKey, "application/json", svcJSON(body))
			assert.Equal(t, http.StatusBadRequest, a.code, "%s with link %q: %s", route, link, a.raw)
		}
		a := svcAPI(h, route, "", "application/json", svcJSON(full))
		assert.Equal(t, http.StatusUnauthorized, a.code, "%s without a key: %s", route, a.raw)
	}
	svcAssertOnlySentinel(h, full["mobile"])
}

// TestPushOrderWithConversation: pushes and conversation replies to one
// patient go out in the order they were accepted.
func TestPushOrderWithConversation(t *testing.T) {
	h := startPush(t)
	p := restapitest.KnownMobile
	svcAtMenu(h, p, abc)
	before := len(h.replies(p))
	var want []string
	for i := range 5 {
		if code, out := h.post(h.form(p, "99")); code != http.StatusOK {
			t.Fatalf("webhook answered %d %s", code, out)
		}
		want = append(want, "from the list (1 to 8)")
		msg := fmt.Sprintf("push %d", i)
		a := svcNotify(h, "/api/notifyuserwa", "json", map[string]string{"mobile": restapitest.KnownNational, "message": msg})
		require.Equal(t, http.StatusOK, a.code, a.raw)
		want = append(want, msg)
	}
	got := svcWaitSent(h, p, before+len(want), "replies and pushes in the order they were accepted")[before:]
	for i, w := range want {
		assert.Contains(t, got[i].Body, w, "message %d should be %q", i, w)
	}
}

// svcAnswer is the push API's answer.
type svcAnswer struct {
	code   int
	header http.Header
	raw    string
	status string // JSON "status"
	err    string // JSON "error"
}

// svcAPI posts body to an EMR API route with a bearer key ("" for none).
func svcAPI(h *harness, route, key, contentType, body string) svcAnswer {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.base+route, strings.NewReader(body))
	require.NoError(h.t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(h.t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := svcAnswer{code: res.StatusCode, header: res.Header, raw: string(raw)}
	var m map[string]any
	if json.Unmarshal(raw, &m) == nil {
		a.status, _ = m["status"].(string)
		a.err, _ = m["error"].(string)
	}
	return a
}

// svcNotify calls a notify route with fields as JSON or as a form.
func svcNotify(h *harness, route, kind string, fields map[string]string) svcAnswer {
	h.t.Helper()
	if kind == "form" {
		f := url.Values{}
		for k, v := range fields {
			f.Set(k, v)
		}
		return svcAPI(h, route, apiKey, "application/x-www-form-urlencoded", f.Encode())
	}
	return svcAPI(h, route, apiKey, "application/json", svcJSON(fields))
}

// svcJSON encodes v.
func svcJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// svcWaitSent waits until phone got at least n messages and returns them.
func svcWaitSent(h *harness, phone string, n int, should string) []twiliotest.Sent {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := h.twilio.MessagesTo("whatsapp:" + phone)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s should have received %s (%d messages); got %d: %q", phone, should, n, len(got), h.replies(phone))
		}
		select {
		case <-h.twilio.Changed():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// svcAssertOnlySentinel sends one good push after refused ones and checks
// that it is the only message the patient got: anything refused before it
// would have gone out first.
func svcAssertOnlySentinel(h *harness, national string) {
	h.t.Helper()
	a := svcNotify(h, "/api/notifyuserwa", "json", map[string]string{"mobile": national, "message": "sentinel"})
	require.Equal(h.t, http.StatusOK, a.code, a.raw)
	svcWaitSent(h, "+91"+national, 1, "the sentinel push")
	assert.Equal(h.t, []string{"sentinel"}, h.replies("+91"+national), "refused calls must send nothing")
}

// startPush runs a process for the push API's own checks, with WhatsApp's
// 24-hour window off: these patients never wrote, and what happens to a
// push outside the window (a template, or held) is outbound_test.go's.
func startPush(t *testing.T) *harness {
	t.Helper()
	return start(t, runtime.WithWindow(0))
}
