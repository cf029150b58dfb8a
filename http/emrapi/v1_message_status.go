package emrapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// messageStatusResponse answers GET /v1/messages/{id}: where one message
// is, as frontdesk and Twilio know it. It carries no recipient or text.
type messageStatusResponse struct {
	ID string `json:"id"`
	// State is frontdesk's: pending (queued or between retries), sent
	// (Twilio accepted it) or failed (given up).
	State string `json:"state"`
	// Status is Twilio's latest delivery status (queued, sent, delivered,
	// read, failed, undelivered), with its error code; empty until
	// Twilio's first status callback.
	Status    string     `json:"status,omitempty"`
	ErrorCode string     `json:"error_code,omitempty"`
	StatusAt  *time.Time `json:"status_at,omitempty"`
	// Reason is why the last attempt failed (Twilio's error code, or
	// outside_window_no_template, ...), for failed and retried messages.
	Reason    string    `json:"reason,omitempty"`
	Attempts  int       `json:"attempts"`
	TwilioSID string    `json:"twilio_sid,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// getMessage is GET /v1/messages/{id}: the state of a message the key's
// hospital sent (through /v1/messages, /api/notifyuserwa, a reminder or a
// conversation), by the id sending answered. Messages of other hospitals,
// even on a shared sender, are not found; so are messages past the
// store's retention.
func (a *API) getMessage(ctx context.Context, call *v1Call) (int, any, error) {
	id, h := call.params["id"], call.hospital
	notFound := fail(http.StatusNotFound, "not_found", "id", "no message with this id at this hospital")
	if len(id) > 128 {
		return 0, nil, notFound
	}
	e, err := a.opts.Store.Entry(ctx, h.Sender, id)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		return 0, nil, notFound
	case err != nil:
		return 0, nil, unavailable("read the message", fmt.Errorf("read outbox entry %s: %w", id, err))
	}
	m, err := a.opts.Codec.Decode(e)
	if err != nil {
		return 0, nil, fmt.Errorf("read message status: %w", err)
	}
	if m.Hospital != h.Code {
		return 0, nil, notFound
	}
	out := messageStatusResponse{
		ID: e.ID, State: string(e.State), Status: e.Status, ErrorCode: e.ErrorCode, Reason: e.LastError,
		Attempts: e.Attempts, TwilioSID: e.ProviderID, CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC(),
	}
	if !e.StatusAt.IsZero() {
		at := e.StatusAt.UTC()
		out.StatusAt = &at
	}
	return http.StatusOK, out, nil
}
