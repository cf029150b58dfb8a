package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/http/webhook"
)

const (
	formType = "application/x-www-form-urlencoded"
	// howToStart is in the one reply a closed conversation gives to
	// anything that is not an activation.
	howToStart = "To start, send"
	// askName is in the first registration question.
	askName = "full name"
)

// hookAnswer is what POST /twilio/messages answered.
type hookAnswer struct {
	status int
	ctype  string
	body   string
}

// postHookRaw posts body exactly as given, with no signature header when
// sig is empty.
func postHookRaw(t *testing.T, h *harness, method, ctype, body, sig string) hookAnswer {
	t.Helper()
	req, err := http.NewRequest(method, h.base+"/twilio/messages", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ctype)
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return hookAnswer{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), body: string(b)}
}

// signedHook signs f the way Twilio signs a POST to this process.
func signedHook(h *harness, f url.Values) (ctype, body, sig string) {
	return formType, f.Encode(), webhook.Sign(authToken, h.base+"/twilio/messages", f)
}

// postHookForm posts f signed as Twilio would.
func postHookForm(t *testing.T, h *harness, f url.Values) hookAnswer {
	t.Helper()
	ctype, body, sig := signedHook(h, f)
	return postHookRaw(t, h, http.MethodPost, ctype, body, sig)
}

// requireEmptyTwiML checks the answer Twilio expects for an accepted message.
func requireEmptyTwiML(t *testing.T, a hookAnswer, what string) {
	t.Helper()
	require.Equalf(t, http.StatusOK, a.status, "%s: the webhook should accept the message with 200; body %q", what, a.body)
	assert.Truef(t, strings.HasPrefix(a.ctype, "text/xml"), "%s: the answer should be text/xml, got %q", what, a.ctype)
	assert.Containsf(t, a.body, "<Response></Response>", "%s: the answer should be empty TwiML so Twilio sends nothing itself", what)
}

// requireUntouched proves that a refused message left phone's conversation
// as it was (closed): the next valid message gets the how-to-start reply,
// and it is the only message the patient ever received. Replies go out in
// order per patient, so a reply to the refused message would come first.
func requireUntouched(t *testing.T, h *harness, phone, what string) {
	t.Helper()
	h.say(phone, "1", howToStart)
	got := h.replies(phone)
	require.Lenf(t, got, 1, "%s: the refused message must not have reached the conversation; the patient got %q", what, got)
}

// badHook is a webhook request the process must refuse without touching
// any conversation. Its message says "hi abc" from phone, which would
// start a conversation (and call the EMR) if it were accepted.
type badHook struct {
	name   string
	status int
	build  func(h *harness, phone string) (ctype, body, sig string)
}

// changed returns a case that signs a valid "hi abc" form after edit.
func changed(name string, status int, edit func(f url.Values)) badHook {
	return badHook{name: name, status: status, build: func(h *harness, phone string) (string, string, string) {
		f := h.form(phone, "hi abc")
		edit(f)
		return signedHook(h, f)
	}}
}

func forgeries() []badHook {
	otherToken := "another0token0123456789abcdef0123"
	return []badHook{
		{"forged signature", http.StatusForbidden, func(h *harness, p string) (string, string, string) {
			return formType, h.form(p, "hi abc").Encode(), "dGhpcyBpcyBub3QgYSBzaWduYXR1cmU="
		}},
		{"missing signature", http.StatusForbidden, func(h *harness, p string) (string, string, string) {
			return formType, h.form(p, "hi abc").Encode(), ""
		}},
		{"signature for another host", http.StatusForbidden, func(h *harness, p string) (string, string, string) {
			f := h.form(p, "hi abc")
			return formType, f.Encode(), webhook.Sign(authToken, "https://other.example.test/twilio/messages", f)
		}},
		{"signature for the status URL", http.StatusForbidden, func(h *harness, p string) (string, string, string) {
			f := h.form(p, "hi abc")
			return formType, f.Encode(), webhook.Sign(authToken, h.base+"/twilio/status", f)
		}},
		{"signature with another token", http.StatusForbidden, func(h *harness, p string) (string, string, string) {
			f := h.form(p, "hi abc")
			return formType, f.Encode(), webhook.Sign(otherToken, h.base+"/twilio/messages", f)
		}},
		{"body changed after signing", http.StatusForbidden, func(h *harness, p string) (string, string, string) {
			f := h.form(p, "menu")
			sig := webhook.Sign(authToken, h.base+"/twilio/messages", f)
			f.Set("Body", "hi abc")
			return formType, f.Encode(), sig
		}},
		{"field added after signing", http.StatusForbidden, func(h *harness, p string) (string, string, string) {
			f := h.form(p, "hi abc")
			sig := webhook.Sign(authToken, h.base+"/twilio/messages", f)
			f.Set("ButtonPayload", "1")
			return formType, f.Encode(), sig
		}},
		changed("another Twilio account, validly signed", http.StatusForbidden, func(f url.Values) {
			f.Set("AccountSid", "AC"+strings.Repeat("f", 32))
		}),
	}
}

func malformed() []badHook {
	media := func(f url.Values) {
		f.Set("NumMedia", "1")
		f.Set("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/"+accountSID+"/Messages/MM1/Media/ME1")
		f.Set("MediaContentType0", "image/jpeg")
	}
	return []badHook{
		{"JSON body", http.StatusBadRequest, func(h *harness, p string) (string, string, string) {
			f := h.form(p, "hi abc")
			fields := map[string]string{}
			for k := range f {
				fields[k] = f.Get(k)
			}
			b, _ := json.Marshal(fields)
			// Signed as the server sees it (no form fields): a body that
			// is not a form is the caller's mistake, 400, whatever the
			// signature and account checks would say about its absence.
			return "application/json", string(b), webhook.Sign(authToken, h.base+"/twilio/messages", url.Values{})
		}},
		changed("MessageSid missing", http.StatusBadRequest, func(f url.Values) { f.Del("MessageSid") }),
		changed("MessageSid malformed", http.StatusBadRequest, func(f url.Values) { f.Set("MessageSid", "SM-not-a-sid") }),
		changed("From an SMS number", http.StatusBadRequest, func(f url.Values) { f.Set("From", "+15551234567") }),
		changed("From missing", http.StatusBadRequest, func(f url.Values) { f.Del("From") }),
		changed("To missing", http.StatusBadRequest, func(f url.Values) { f.Del("To") }),
		changed("NumMedia x", http.StatusBadRequest, func(f url.Values) { media(f); f.Set("NumMedia", "x") }),
		changed("NumMedia -1", http.StatusBadRequest, func(f url.Values) { media(f); f.Set("NumMedia", "-1") }),
		changed("NumMedia 11", http.StatusBadRequest, func(f url.Values) { media(f); f.Set("NumMedia", "11") }),
		changed("MediaUrl0 missing", http.StatusBadRequest, func(f url.Values) { media(f); f.Del("MediaUrl0") }),
		changed("MediaUrl0 ftp", http.StatusBadRequest, func(f url.Values) { media(f); f.Set("MediaUrl0", "ftp://api.twilio.com/ME1") }),
		changed("MediaContentType0 missing", http.StatusBadRequest, func(f url.Values) { media(f); f.Del("MediaContentType0") }),
		changed("Latitude garbage", http.StatusBadRequest, func(f url.Values) {
			f.Set("Latitude", "12.9;DROP TABLE")
			f.Set("Longitude", "77.59")
		}),
		// Padded with spaces, which the flow would ignore: accepted, it
		// would activate.
		changed("Body of 4097 characters", http.StatusBadRequest, func(f url.Values) {
			f.Set("Body", "hi abc"+strings.Repeat(" ", 4097-len("hi abc")))
		}),
		changed("100 KiB body", http.StatusRequestEntityTooLarge, func(f url.Values) {
			f.Set("Body", "hi abc"+strings.Repeat(" ", 100<<10))
		}),
		{"invalid percent-encoding", http.StatusBadRequest, func(h *harness, p string) (string, string, string) {
			f := h.form(p, "hi abc")
			f.Del("Body")
			body := f.Encode() + "&Body=hi%20abc%zz"
			return formType, body, webhook.Sign(authToken, h.base+"/twilio/messages", f)
		}},
	}
}

// TestWebhookRefusesForgedAndMalformed posts requests that must be refused
// (403 for what Twilio did not sign, 400/413 for what is not a message) and
// proves after each that no conversation changed and no EMR was called.
func TestWebhookRefusesForgedAndMalformed(t *testing.T) {
	t.Parallel()
	h := start(t)
	cases := append(forgeries(), malformed()...)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			phone := fmt.Sprintf("+9197000%05d", i)
			ctype, body, sig := c.build(h, phone)
			a := postHookRaw(t, h, http.MethodPost, ctype, body, sig)
			assert.Equalf(t, c.status, a.status, "%s must be refused with %d (never 5xx); answer %q", c.name, c.status, a.body)
			assert.NotEmpty(t, strings.TrimSpace(a.body), "the refusal should say briefly what was wrong")
			assert.LessOrEqual(t, len(a.body), 200, "the refusal should be a short text, got %q", a.body)
			assert.NotContains(t, a.body, "hi abc", "the refusal must not echo the message")
			requireUntouched(t, h, phone, c.name)
		})
	}
	assert.Empty(t, h.emr.Calls(), "no refused message may reach the EMR")
	assert.Len(t, h.twilio.Messages(), len(cases), "only the proof messages may have been answered, one reply each")
}

// TestWebhookIgnoresUnknownFields accepts fields Twilio may add.
func TestWebhookIgnoresUnknownFields(t *testing.T) {
	t.Parallel()
	h := start(t)
	p := restapitest.UnknownMobile
	f := h.form(p, "hi abc")
	f.Set("SmsMessageSid", f.Get("MessageSid"))
	f.Set("SmsSid", f.Get("MessageSid"))
	f.Set("ReferralNumMedia", "0")
	f.Set("NumSegments", "1")
	f.Set("MessagingServiceSid", "MG"+strings.Repeat("0", 32))
	f.Set("Foo", "bar")
	requireEmptyTwiML(t, postHookForm(t, h, f), "a message with extra fields")
	h.waitReplies(p, 0, askName)
}

// TestWebhookOddUnicode sends text patients' phones really produce at the
// registration's name step: each is accepted and answered sensibly.
func TestWebhookOddUnicode(t *testing.T) {
	t.Parallel()
	h := start(t)
	const nextAge, badName = "age", "does not look like a name"
	cases := []struct{ name, body, want string }{
		{"invalid UTF-8 bytes", "Ravi \xff\xfe Kumar", nextAge},
		{"NUL", "Ravi\x00 Kumar", nextAge},
		{"RTL marks", "\u200fAli Khan\u200f", nextAge},
		{"bidi override", "\u202eAli Khan\u202c", nextAge},
		{"zero-width joiners", "Anu\u200dsha\u200d Rao", nextAge},
		{"only invisible characters", "\u200d\u200b\ufeff", badName},
		{"4096 emoji", strings.Repeat("😀", 4096), badName},
		{"combining characters", "Zoe\u0308 Ame\u0301lie", nextAge},
		{"Devanagari name", "राम कुमार", nextAge},
		{"Tamil name", "அருண் குமார்", nextAge},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := fmt.Sprintf("+9197100%05d", i)
			h.say(p, "hi abc", askName)
			before := len(h.replies(p))
			requireEmptyTwiML(t, postHookForm(t, h, h.form(p, c.body)), c.name)
			h.waitReplies(p, before, c.want)
		})
	}
	assert.NotContains(t, strings.ToLower(h.logs.String()), "panic", "odd text must never panic anything")
}

// TestWebhookMethods checks the route answers only POST.
func TestWebhookMethods(t *testing.T) {
	t.Parallel()
	h := start(t)
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		a := postHookRaw(t, h, m, formType, "", "")
		assert.Equalf(t, http.StatusMethodNotAllowed, a.status, "%s /twilio/messages should be 405", m)
	}
}

// TestWebhookDuplicateSid delivers one signed message several times, one
// after the other and all at once: it is processed once, and Twilio gets
// 200 every time so it stops retrying.
func TestWebhookDuplicateSid(t *testing.T) {
	t.Parallel()
	h := start(t)
	t.Run("sequential", func(t *testing.T) {
		p := restapitest.KnownMobile
		f := h.form(p, "hi abc")
		for i := range 3 {
			requireEmptyTwiML(t, postHookForm(t, h, f), fmt.Sprintf("delivery %d", i+1))
		}
		h.waitReplies(p, 0, "Welcome back")
		requireProcessedOnce(t, h, p, restapitest.KnownNational, "Welcome back")
	})
	t.Run("concurrent", func(t *testing.T) {
		p := restapitest.UnknownMobile
		f := h.form(p, "hi abc")
		ctype, body, sig := signedHook(h, f)
		answers := make([]hookAnswer, 10)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() { answers[i] = postHookRaw(t, h, http.MethodPost, ctype, body, sig) })
		}
		wg.Wait()
		for i, a := range answers {
			requireEmptyTwiML(t, a, fmt.Sprintf("concurrent delivery %d", i+1))
		}
		h.waitReplies(p, 0, askName)
		requireProcessedOnce(t, h, p, strings.TrimPrefix(p, "+91"), askName)
	})
}

// requireProcessedOnce sends a follow-up (its reply comes after any reply
// to a duplicate) and checks the activation was answered once and looked
// the patient up once.
func requireProcessedOnce(t *testing.T, h *harness, phone, national, marker string) {
	t.Helper()
	h.say(phone, "language", "Choose your language")
	all := strings.Join(h.replies(phone), "\n---\n")
	assert.Equalf(t, 1, strings.Count(all, "Welcome to"), "one welcome expected, the patient got %q", all)
	assert.Equalf(t, 1, strings.Count(all, marker), "the activation should be answered once, the patient got %q", all)
	lookups := 0
	for _, c := range h.emr.CallsTo("match_mobile") {
		if c.Fields["mobile"] == national {
			lookups++
		}
	}
	assert.Equal(t, 1, lookups, "a duplicate MessageSid must not call the EMR again")
}
