package emrapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
)

func TestV1SendMessage(t *testing.T) {
	f := newFixture(t)
	res := f.client.Do(req(http.MethodPost, "/v1/messages", map[string]any{
		"to": testNational, "body": "Your report is ready.", "media_url": "https://emr.example.org/r/1.pdf",
		"template": reportTplName, "variables": map[string]string{"patient_name": "Asha"},
	}))
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	require.NoError(t, res.RequestErr)
	var out sendMessageResponse
	res.JSON(t, &out)
	assert.Equal(t, "accepted", out.Status)
	assert.Equal(t, 1, out.Parts)

	got := f.pending(t, testSender)
	require.Len(t, got, 1, "one message queued from the hospital's sender")
	assert.Equal(t, outbound.Message{
		To: testPhone, From: testSender, Body: "Your report is ready.", Media: []string{"https://emr.example.org/r/1.pdf"},
		Hospital: "abc", Kind: outbound.KindPush, Template: reportTplName, Variables: map[string]string{"patient_name": "Asha"},
	}, got[0], "the national number is sent as E.164, as a push that may go as the named template")
	f.mu.Lock()
	require.Len(t, f.notified, 1)
	assert.Equal(t, out.ID, f.notified[0].ID, "the answer's id is the outbox entry's")
	f.mu.Unlock()
}

func TestV1SendMessageLongBodyInParts(t *testing.T) {
	f := newFixture(t)
	var lines []string
	for i := 0; utf8.RuneCountInString(strings.Join(lines, "\n")) < 4000; i++ {
		lines = append(lines, fmt.Sprintf("%03d. take the tablet after food and drink water", i))
	}
	body := strings.Join(lines[:len(lines)-1], "\n")
	require.LessOrEqual(t, utf8.RuneCountInString(body), maxMessageBody)
	res := f.client.Do(req(http.MethodPost, "/v1/messages", map[string]any{"to": testPhone, "body": body}))
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	var out sendMessageResponse
	res.JSON(t, &out)
	got := f.pending(t, testSender)
	assert.Equal(t, len(got), out.Parts)
	assert.GreaterOrEqual(t, out.Parts, 3, "4000 characters need three WhatsApp messages")
	var parts []string
	for _, m := range got {
		parts = append(parts, m.Body)
	}
	assert.Equal(t, body, strings.Join(parts, "\n"))
}

func TestV1SendMessageOptedOut(t *testing.T) {
	f := newFixture(t)
	f.optOut(t, testPhone)
	res := f.client.Do(req(http.MethodPost, "/v1/messages", map[string]any{"to": testNational, "body": "hello"}))
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "opted_out", res.Error.Code)
	f.requireUnchanged(t, "opted out")

	code, body := f.seed("/api/notifyuserwa", `{"mobile":"`+testNational+`","message":"hello"}`)
	assert.Equal(t, http.StatusConflict, code, "the seed route shares the refusal: %s", body)
	assert.JSONEq(t, `{"status":"0","error":"patient opted out of messages from this hospital"}`, body)
	f.requireUnchanged(t, "opted out, seed route")
}

// TestV1KeySelectsHospital: the key alone says which hospital sends.
func TestV1KeySelectsHospital(t *testing.T) {
	f := newFixture(t)
	f.client.Key = otherKey
	res := f.client.Do(req(http.MethodPost, "/v1/messages", map[string]any{"to": testPhone, "body": "from xyz"}))
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	assert.Empty(t, f.pending(t, testSender))
	got := f.pending(t, otherSender)
	require.Len(t, got, 1)
	assert.Equal(t, "xyz", got[0].Hospital)

	res = f.client.Do(req(http.MethodPost, "/v1/messages", map[string]any{"to": testPhone, "body": "x", "template": reportTplName}))
	assert.Equal(t, http.StatusBadRequest, res.Status, "templates are per hospital")
	assert.Equal(t, "unknown_template", res.Error.Code)
}
