package emrapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// push is a message an EMR sends a patient now, through /api/notifyuserwa
// or /v1/messages.
type push struct {
	to    string // E.164
	body  string
	media []string
	// template names the hospital's approved template (config
	// `templates:`) for when the patient is outside the 24-hour window,
	// and variables fill its placeholders.
	template  string
	variables map[string]string
}

// send queues p from the hospital's sender, unless the patient opted out
// of its messages, and hands the entries to the outbound actor. The
// entries are the message's parts in order (a long body is split).
func (a *API) send(ctx context.Context, h *config.Hospital, p push) ([]persistence.OutboxEntry, error) {
	out, err := a.opts.Store.OptedOut(ctx, h.Code, a.opts.Hasher.Hash(p.to))
	if err != nil {
		return nil, unavailable("store unavailable", err)
	}
	if out {
		return nil, fail(http.StatusConflict, "opted_out", "", "patient opted out of messages from this hospital")
	}
	entries, err := a.opts.Codec.Entries(a.opts.Now(), h.Sender, outbound.Message{
		To: p.to, From: h.Sender, Body: p.body, Media: p.media, Hospital: h.Code,
		Kind: outbound.KindPush, Template: p.template, Variables: p.variables,
	})
	if err != nil {
		return nil, fmt.Errorf("encode pushed message: %w", err)
	}
	if err := a.opts.Store.Enqueue(ctx, entries...); err != nil {
		return nil, unavailable("store unavailable", err)
	}
	a.opts.Notify(h.Sender, entries)
	return entries, nil
}

// videoConfirmation is the EMR's word that a video appointment is paid,
// through /api/confirmvideoappt or /v1/appointments/{id}/confirm-video.
type videoConfirmation struct {
	phone, appointmentID, doctor, when, link string
}

// confirmVideo hands the confirmation to the patient's conversation, which
// closes its wait for payment (if it waits) and sends the video link; it
// returns once that is committed.
func (a *API) confirmVideo(ctx context.Context, h *config.Hospital, v videoConfirmation) error {
	ack, err := a.opts.Router.Deliver(ctx, &conversation.Deliver{
		Key: conversation.Key{Sender: h.Sender, Phone: v.phone},
		Event: &flow.VideoConfirmed{
			Hospital: h.Code, AppointmentID: v.appointmentID, Doctor: v.doctor, When: v.when, Link: v.link,
		},
	})
	if err == nil {
		err = ack.Err
	}
	if err != nil {
		return unavailable("not accepted", err)
	}
	return nil
}

// isHTTPURL reports whether s is an absolute http(s) URL with a host:
// what Twilio can fetch media from and a patient can open.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
