package outbound

import (
	"context"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"
)

// TwilioTransport sends outbox messages as WhatsApp messages through
// Twilio, asking for delivery reports at StatusCallback (/twilio/status).
type TwilioTransport struct {
	Client         *twilio.Client
	StatusCallback string
}

// Send implements Transport: a template (ContentSID) goes with its
// variables and without body or media, anything else as body and media.
func (t *TwilioTransport) Send(ctx context.Context, m Message) (string, error) {
	msg := twilio.Message{From: m.From, To: "whatsapp:" + m.To, StatusCallback: t.StatusCallback}
	if m.ContentSID != "" {
		msg.ContentSID, msg.ContentVariables = m.ContentSID, m.ContentVariables
	} else {
		msg.Body, msg.MediaURLs = m.Body, m.Media
	}
	return t.Client.Send(ctx, msg)
}
