package runtime

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/http/simulator"
	"github.com/frontdesk-health/frontdesk/http/webhook"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// simulatorRoutes are the web simulator's routes, served when
// FRONTDESK_SIMULATOR is on (the default in the demo). Its messages go
// through the real webhook; the bot's replies go to the sink when Twilio
// is not configured, else out through Twilio to the number typed on the
// page (the page says so). Outside the plain demo, config.Load has made
// sure the listen address is loopback or a token is set: the token then
// guards every route, and without one only loopback Host names are served.
// In the plain demo the page also schedules reminders through the
// process's scheduler and plays the EMR that receives the answers.
func (a *App) simulatorRoutes() []server.Route {
	if !a.cfg.Simulator {
		return nil
	}
	if !a.cfg.PlainDemo() && a.cfg.SimulatorToken == "" && !config.IsLoopback(a.cfg.Addr) {
		// config.Load refuses this; a configuration built by hand fails closed.
		a.log.Error("web simulator NOT served: outside the plain demo it needs a loopback address or FRONTDESK_SIMULATOR_TOKEN",
			"component", "simulator")
		return nil
	}
	opts := simulator.Options{
		Sink: a.sink, Submit: a.submit, Hospitals: a.cfg.Hospitals, Demo: a.demoEMR,
		Confirm: a.confirmDemoPayment, PublicURL: a.cfg.PublicURL, Logger: a.log, Now: a.now,
		Token:        a.cfg.SimulatorToken.Value(),
		LoopbackOnly: !a.cfg.PlainDemo() && a.cfg.SimulatorToken == "",
	}
	if a.cfg.PlainDemo() {
		// Only the plain demo schedules reminders from the page: its
		// hospital is the built-in one (with a callback secret made for this
		// run), and nothing it sends reaches a real patient.
		opts.Reminders = a.scheduler
		opts.OptedOut = func(ctx context.Context, hospital, phone, kind string) (bool, error) {
			return a.store.OptedOutOf(ctx, hospital, a.hasher.Hash(phone), kind)
		}
	}
	return simulator.Routes(opts)
}

// submit runs a simulated inbound message through the real webhook
// handler, signed as Twilio would sign it when a token is configured.
func (a *App) submit(ctx context.Context, form url.Values) (int, error) {
	target := a.cfg.PublicURL + "/twilio/messages"
	if a.cfg.TwilioConfigured() {
		form.Set("AccountSid", a.cfg.TwilioAccountSID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/twilio/messages", strings.NewReader(form.Encode()))
	if err != nil {
		return 0, fmt.Errorf("build simulated webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token := a.cfg.TwilioAuthToken.Value(); token != "" {
		req.Header.Set("X-Twilio-Signature", webhook.Sign(token, target, form))
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	return rec.Code, nil
}

// confirmDemoPayment delivers the demo EMR's payment confirmation to the
// patient's conversation, as an EMR would through /api/confirmvideoappt.
func (a *App) confirmDemoPayment(ctx context.Context, code string, v demo.VideoConfirmation) error {
	var sender string
	for _, h := range a.cfg.Hospitals {
		if h.Code == code {
			sender = h.Sender
		}
	}
	ack, err := a.router.Deliver(ctx, &conversation.Deliver{
		Key: conversation.Key{Sender: sender, Phone: v.Mobile},
		Event: &flow.VideoConfirmed{Hospital: code, AppointmentID: v.AppointmentID, Doctor: v.Doctor,
			When: v.DateTime, Link: v.Link},
	})
	if err == nil {
		err = ack.Err
	}
	if err != nil {
		return fmt.Errorf("confirm demo payment: %w", err)
	}
	return nil
}
