package simulator

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The patterns http/webhook checks inbound forms against.
var (
	webhookSid   = regexp.MustCompile(`^[A-Z]{2}[0-9a-fA-F]{32}$`)
	webhookPhone = regexp.MustCompile(`^whatsapp:\+[1-9][0-9]{6,14}$`)
)

func TestSendBuildsTwilioTextForm(t *testing.T) {
	hs := newHarness(t, Options{})
	status, out := hs.postJSON(t, "/simulator/send", map[string]any{
		"hospital": "DEMO", "phone": "+919800000001", "body": "hi demo",
	})
	require.Equal(t, http.StatusOK, status)
	forms := hs.sub.got()
	require.Len(t, forms, 1)
	f := forms[0]

	assert.Regexp(t, webhookSid, f.Get("MessageSid"))
	assert.True(t, strings.HasPrefix(f.Get("MessageSid"), "SM"))
	assert.Regexp(t, `^AC[0-9a-f]{32}$`, f.Get("AccountSid"))
	assert.Equal(t, "whatsapp:+919800000001", f.Get("From"))
	assert.Regexp(t, webhookPhone, f.Get("From"))
	assert.Equal(t, "whatsapp:+14155238886", f.Get("To"), "the demo hospital's sender")
	assert.Regexp(t, webhookPhone, f.Get("To"))
	assert.Equal(t, "hi demo", f.Get("Body"))
	assert.Equal(t, "0", f.Get("NumMedia"))
	assert.Empty(t, f.Get("MediaUrl0"))
	assert.Equal(t, "Simulator", f.Get("ProfileName"))
	assert.Equal(t, "919800000001", f.Get("WaId"))

	assert.Equal(t, float64(http.StatusOK), out["status"])
	assert.Equal(t, f.Get("MessageSid"), out["sid"])
}

func TestSendPicksTheHospitalsSenderAndFreshSids(t *testing.T) {
	hs := newHarness(t, Options{})
	for _, code := range []string{"abc", "demo"} {
		status, _ := hs.postJSON(t, "/simulator/send", map[string]any{"hospital": code, "phone": "+919800000002", "body": "1"})
		require.Equal(t, http.StatusOK, status)
	}
	forms := hs.sub.got()
	require.Len(t, forms, 2)
	assert.Equal(t, "whatsapp:+14155550100", forms[0].Get("To"))
	assert.Equal(t, "whatsapp:+14155238886", forms[1].Get("To"))
	assert.NotEqual(t, forms[0].Get("MessageSid"), forms[1].Get("MessageSid"), "each message is a new MessageSid, or the webhook dedupes it")
}

func TestSendBuildsTwilioMediaForm(t *testing.T) {
	hs := newHarness(t, Options{})
	status, up := hs.upload(t, pngFile)
	require.Equal(t, http.StatusOK, status)
	id := up["media_id"].(string)

	status, _ = hs.postJSON(t, "/simulator/send", map[string]any{
		"hospital": "demo", "phone": "+919800000001", "body": "", "media_id": id,
	})
	require.Equal(t, http.StatusOK, status)
	forms := hs.sub.got()
	require.Len(t, forms, 1)
	f := forms[0]
	assert.Equal(t, "1", f.Get("NumMedia"))
	assert.Equal(t, hs.srv.URL+"/simulator/media/"+id, f.Get("MediaUrl0"))
	assert.Equal(t, "image/png", f.Get("MediaContentType0"))

	// The EMR fetches the file at that URL.
	code, ct, body := get(t, f.Get("MediaUrl0"))
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "image/png", ct)
	assert.Equal(t, pngFile, body)
}

func TestSendReportsTheWebhooksAnswer(t *testing.T) {
	hs := newHarness(t, Options{})
	hs.sub.status = http.StatusServiceUnavailable
	status, out := hs.postJSON(t, "/simulator/send", map[string]any{"hospital": "demo", "phone": "+919800000001", "body": "hi demo"})
	require.Equal(t, http.StatusOK, status, "the simulator worked; the webhook's answer is in the body")
	assert.Equal(t, float64(http.StatusServiceUnavailable), out["status"])

	hs.sub.err = errors.New("boom")
	status, out = hs.postJSON(t, "/simulator/send", map[string]any{"hospital": "demo", "phone": "+919800000001", "body": "hi demo"})
	assert.Equal(t, http.StatusBadGateway, status)
	assert.NotEmpty(t, out["error"])
}

func TestSendRefusesBadInput(t *testing.T) {
	tests := []struct {
		name string
		req  any
	}{
		{"not JSON", `{"hospital":`},
		{"phone without plus", map[string]any{"hospital": "demo", "phone": "919800000001", "body": "hi"}},
		{"phone with letters", map[string]any{"hospital": "demo", "phone": "+91980000abcd", "body": "hi"}},
		{"phone too long", map[string]any{"hospital": "demo", "phone": "+9198000000012345", "body": "hi"}},
		{"no phone", map[string]any{"hospital": "demo", "body": "hi"}},
		{"unknown hospital", map[string]any{"hospital": "nope", "phone": "+919800000001", "body": "hi"}},
		{"no hospital", map[string]any{"phone": "+919800000001", "body": "hi"}},
		{"body too long", map[string]any{"hospital": "demo", "phone": "+919800000001", "body": strings.Repeat("अ", maxBodyRunes+1)}},
		{"empty message", map[string]any{"hospital": "demo", "phone": "+919800000001", "body": "  "}},
		{"unknown media", map[string]any{"hospital": "demo", "phone": "+919800000001", "body": "", "media_id": "deadbeef"}},
	}
	hs := newHarness(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := hs.postJSON(t, "/simulator/send", tt.req)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.NotEmpty(t, out["error"])
		})
	}
	assert.Empty(t, hs.sub.got(), "nothing reaches the webhook")
}

func TestSendAcceptsTheLongestBody(t *testing.T) {
	hs := newHarness(t, Options{})
	body := strings.Repeat("अ", maxBodyRunes) // 4096 characters, 12 KiB
	status, _ := hs.postJSON(t, "/simulator/send", map[string]any{"hospital": "demo", "phone": "+919800000001", "body": body})
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, body, hs.sub.got()[0].Get("Body"))
}
