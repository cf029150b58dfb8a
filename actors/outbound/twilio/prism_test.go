package twilio_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"
	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/prismtest"
)

// The contract check: the real client's requests, as Prism validates
// them against Twilio's own OpenAPI description of the 2010-04-01 API.
const (
	prismSID   = "AC0123456789abcdef0123456789abcdef"
	prismToken = "0123456789abcdef0123456789abcdef"
	callback   = "https://frontdesk.example/twilio/status"
)

func prismClient(t *testing.T, p *prismtest.Server) *twilio.Client {
	t.Helper()
	c, err := twilio.New(twilio.Options{AccountSID: prismSID, AuthToken: prismToken, BaseURL: p.URL})
	require.NoError(t, err)
	return c
}

func TestMessagesKeepTwilioContract(t *testing.T) {
	p := prismtest.Start(t)
	c := prismClient(t, p)
	from, to := "whatsapp:+14155238886", "whatsapp:+919876543210"
	messages := []struct {
		name string
		msg  twilio.Message
	}{
		{"text", twilio.Message{From: from, To: to, Body: "Your appointment is confirmed.\n\nMenu: reply *menu*", StatusCallback: callback}},
		{"media", twilio.Message{From: from, To: to, Body: "Your records", StatusCallback: callback,
			MediaURLs: []string{"https://frontdesk.example/media/0123456789abcdef0123456789abcdef?exp=1796119200&sig=ab", "https://emr.example/records/r-1.pdf"}}},
		{"template", twilio.Message{From: from, To: to, StatusCallback: callback,
			ContentSID: "HX0123456789abcdef0123456789abcdef", ContentVariables: `{"1":"Asha","2":"25 Nov, 3:30 PM"}`}},
	}
	for _, m := range messages {
		t.Run(m.name, func(t *testing.T) {
			sid, err := c.Send(t.Context(), m.msg)
			require.NoError(t, err, "Prism's answer: %v", p.Violations())
			assert.Regexp(t, `^SM[0-9a-zA-Z]{32}$`, sid)
		})
	}
	p.Check(t)
	ex := p.Exchanges()
	require.Len(t, ex, len(messages))
	assert.Equal(t, messages[1].msg.MediaURLs, ex[1].Form["MediaUrl"],
		"media go as repeated MediaUrl fields, as Twilio documents, in order")
	for _, e := range ex {
		assert.Equal(t, []string{callback}, e.Form["StatusCallback"])
	}
}

// TestPrismCatchesAViolation shows the check can fail: a content SID
// that breaks the description's pattern is refused with 422.
func TestPrismCatchesAViolation(t *testing.T) {
	p := prismtest.Start(t)
	c := prismClient(t, p)
	_, err := c.Send(t.Context(), twilio.Message{From: "whatsapp:+14155238886", To: "whatsapp:+919876543210", ContentSID: "HX-not-a-sid"})
	var se *twilio.SendError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 422, se.Status)
	v := p.Violations()
	require.Len(t, v, 1)
	assert.Contains(t, v[0], "ContentSid")
}
