package runtime

import (
	"context"
	"fmt"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// twilioTransport sends outbox messages as WhatsApp messages via Twilio,
// asking for delivery reports on /twilio/status.
type twilioTransport struct {
	client         *twilio.Client
	statusCallback string
}

func newTwilioTransport(cfg config.Config) (*twilioTransport, error) {
	c, err := twilio.New(twilio.Options{
		AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken.Value(), BaseURL: cfg.TwilioAPIBaseURL,
	})
	if err != nil {
		return nil, fmt.Errorf("set up twilio client: %w", err)
	}
	return &twilioTransport{client: c, statusCallback: cfg.PublicURL + "/twilio/status"}, nil
}

// Send implements outbound.Transport.
func (t *twilioTransport) Send(ctx context.Context, m outbound.Message) (string, error) {
	return t.client.Send(ctx, twilio.Message{
		From: m.From, To: "whatsapp:" + m.To, Body: m.Body, MediaURLs: m.Media, StatusCallback: t.statusCallback,
	})
}
