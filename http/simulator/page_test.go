package simulator

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

func TestPageServesTheChat(t *testing.T) {
	hs := newHarness(t, Options{})
	code, ct, body := get(t, hs.srv.URL+"/")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "text/html; charset=utf-8", ct)
	page := string(body)
	for _, want := range []string{
		`id="chat"`, `role="log"`, // the chat pane
		`id="text"`, `<label for="text"`, // the text box, labelled
		`id="file"`, `id="attach"`, // attach an image or PDF
		`id="reset"`, `Reset<span class="wide"> conversation</span>`,
		`id="hospital"`, `id="phone"`, `value="new"`, `id="custom-number"`, // any number can be typed
		`value="demo" data-sender="whatsapp:&#43;14155238886"`, // each hospital with its sender
		`value="abc" data-sender="whatsapp:&#43;14155550100"`,
		`<kbd>hi <span class="hint-code">demo</span></kbd>`, // the guide names the first hospital's code
		`src="/simulator/assets/render.js"`, `src="/simulator/assets/view.js"`, `src="/simulator/assets/app.js"`,
		`href="/simulator/assets/app.css"`,
		`data-replies="simulator"`, // replies are shown on the page
	} {
		assert.Contains(t, page, want)
	}
	assert.NotContains(t, page, "://", "nothing loaded from another host: the machine is offline")
	assert.NotContains(t, page, "+919800000001", "the demo EMR's numbers are offered only when it runs")
	assert.NotContains(t, page, "Twilio is configured")
}

func TestPageOffersTheDemoPatients(t *testing.T) {
	hs := newHarness(t, Options{Demo: demo.New(demo.Options{Now: tuesday})})
	_, _, body := get(t, hs.srv.URL+"/")
	for _, want := range []string{`value="+919800000001"`, `value="+919800000002"`, "Demo patients"} {
		assert.Contains(t, string(body), want)
	}
}

func TestPageOffersRemindersInTheDemo(t *testing.T) {
	r := newRemindersRig(t, Options{})
	_, _, body := get(t, r.srv.URL+"/")
	page := string(body)
	for _, want := range []string{
		`data-reminders="demo"`, `id="reminders-button"`, `aria-haspopup="menu"`, `role="menu"`,
		`data-kind="appointment"`, `data-kind="medicine"`, `data-kind="follow_up"`, `data-kind="feedback"`,
		`src="/simulator/assets/reminders.js"`,
	} {
		assert.Contains(t, page, want)
	}
}

// TestAnswerPromptsGetButtons checks that the catalog's questions a
// patient answers with a number keep the shape render.js turns into
// buttons (RANGE_RE: "*1*" and later "*N*" on one line) in every
// language.
func TestAnswerPromptsGetButtons(t *testing.T) {
	rangeRE := regexp.MustCompile(`\*1\*.*\*([2-9])\*`)
	cat := catalog.MustLoad()
	for _, lang := range []string{"en", "hi"} {
		for key, n := range map[string]string{"reply_confirm_ask": "2", "survey_question": "5", "survey_invalid": "5"} {
			m := rangeRE.FindStringSubmatch(cat.Text(lang, nil, key))
			if assert.NotNil(t, m, "%s %s", lang, key) {
				assert.Equal(t, n, m[1], "%s %s", lang, key)
			}
		}
	}
}

func TestPageSaysWhenRepliesGoToTwilio(t *testing.T) {
	hs := newHarnessNoSink(t, Options{})
	code, _, body := get(t, hs.srv.URL+"/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(body), `data-replies="twilio"`)
	assert.Contains(t, string(body), "the bot's replies go out through Twilio to the real WhatsApp number")

	code, out := hs.postJSON(t, "/simulator/send", map[string]string{"hospital": "demo", "phone": "+919800000009", "body": "hi demo"})
	require.Equal(t, http.StatusOK, code, out)
	require.Len(t, hs.sub.got(), 1, "a message still goes through the webhook")
	res, err := http.Get(hs.srv.URL + "/simulator/messages?phone=%2B919800000009&wait=0")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusConflict, res.StatusCode, "no replies are kept to poll")
	code, _ = hs.postJSON(t, "/simulator/reset", map[string]string{"phone": "+919800000009"})
	assert.Equal(t, http.StatusOK, code)
}

func TestPageWithoutHospitals(t *testing.T) {
	hs := newHarness(t, Options{Hospitals: []config.Hospital{}})
	code, _, body := get(t, hs.srv.URL+"/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(body), `id="chat"`)
}

func TestAssetsAreServed(t *testing.T) {
	hs := newHarness(t, Options{})
	for name, want := range map[string]string{
		"app.js":       "text/javascript; charset=utf-8",
		"render.js":    "text/javascript; charset=utf-8",
		"view.js":      "text/javascript; charset=utf-8",
		"reminders.js": "text/javascript; charset=utf-8",
		"app.css":      "text/css; charset=utf-8",
		"demo.css":     "text/css; charset=utf-8",
	} {
		code, ct, body := get(t, hs.srv.URL+"/simulator/assets/"+name)
		require.Equal(t, http.StatusOK, code, name)
		assert.Equal(t, want, ct, name)
		assert.NotEmpty(t, body, name)
		assert.NotContains(t, string(body), "http://", "%s fetches nothing from the network", name)
		assert.NotContains(t, string(body), "https://", "%s fetches nothing from the network", name)
	}
	code, _, _ := get(t, hs.srv.URL+"/simulator/assets/index.html")
	assert.Equal(t, http.StatusNotFound, code)
}
