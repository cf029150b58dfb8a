package simulator

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		`id="reset"`, "Reset conversation",
		`id="hospital"`, `id="phone"`, `value="+919800000001"`, `value="+919800000002"`,
		`value="demo" data-sender="whatsapp:&#43;14155238886"`, // each hospital with its sender
		`value="abc" data-sender="whatsapp:&#43;14155550100"`,
		`<kbd>hi <span id="hint-code">demo</span></kbd> to start`,
		`src="/simulator/assets/render.js"`, `src="/simulator/assets/app.js"`, `href="/simulator/assets/app.css"`,
	} {
		assert.Contains(t, page, want)
	}
	assert.NotContains(t, page, "://", "nothing loaded from another host: the machine is offline")
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
		"app.js":    "text/javascript; charset=utf-8",
		"render.js": "text/javascript; charset=utf-8",
		"app.css":   "text/css; charset=utf-8",
		"demo.css":  "text/css; charset=utf-8",
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
