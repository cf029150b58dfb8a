package restapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/frontdesk-health/frontdesk/emr"
)

// maxAnswerBytes bounds how much of an answer is read: seed answers are a
// few kilobytes, and a runaway EMR must not exhaust our memory.
const maxAnswerBytes = 1 << 20

// answer is an EMR reply that was a JSON object: its status, its message
// and the whole body for the operation's own fields.
type answer struct {
	status  status
	message json.RawMessage
	body    []byte
}

// envelope holds the fields every seed answer shares.
type envelope struct {
	Status  json.RawMessage `json:"status"`
	Message json.RawMessage `json:"message"`
}

// Errors that say why an answer could not be used. They are fixed texts:
// the body itself is never quoted, since it may hold patient data.
var (
	errTooLarge   = fmt.Errorf("answer larger than %d bytes", maxAnswerBytes)
	errNotJSON    = errors.New("answer is not a JSON object")
	errBadFields  = errors.New("answer fields are not of the expected types")
	errNotSuccess = errors.New("EMR answered with status not 1")
)

// exchange posts fields to op's endpoint and reads the answer. Every
// failure before a JSON object is in hand is Unavailable; the caller
// decides what the status means.
func (c *Client) exchange(ctx context.Context, op string, fields map[string]string) (answer, error) {
	endpoint := c.endpoints[op]
	if endpoint == "" {
		return answer{}, opError(op, emr.NotSupported, errNotConfigured)
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fields); err != nil {
		return answer{}, opError(op, emr.Unavailable, fmt.Errorf("encode request: %w", err))
	}
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(callCtx, http.MethodPost, endpoint, &body)
	if err != nil {
		// The URL was checked in New; only a nil context gets here.
		return answer{}, opError(op, emr.Unavailable, errors.New("build request"))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, opError(op, emr.Unavailable, c.transportCause(ctx, callCtx, err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return answer{}, opError(op, emr.Unavailable, c.transportCause(ctx, callCtx, err))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return answer{}, opError(op, emr.Unavailable, fmt.Errorf("HTTP %d", resp.StatusCode))
	}
	if len(raw) > maxAnswerBytes {
		return answer{}, opError(op, emr.Unavailable, errTooLarge)
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return answer{}, opError(op, emr.Unavailable, errNotJSON)
	}
	return answer{status: parseStatus(env.Status), message: env.Message, body: raw}, nil
}

// transportCause describes a failed round trip without the URL that
// net/http puts in its errors (an endpoint may carry a token in its
// query), keeping context errors reachable with errors.Is. It tells the
// caller giving up (ctx) apart from the hospital's timeout (callCtx).
func (c *Client) transportCause(ctx, callCtx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("caller gave up: %w", ctx.Err())
	case callCtx.Err() != nil:
		return fmt.Errorf("no answer within %s: %w", c.timeout, callCtx.Err())
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return fmt.Errorf("round trip: %w", err)
}

// post is exchange for operations where only status 1 is success: any
// other status is Rejected with the EMR's message for the patient. When
// out is not nil the answer is decoded into it.
func (c *Client) post(ctx context.Context, op string, fields map[string]string, out any) error {
	ans, err := c.exchange(ctx, op, fields)
	if err != nil {
		return err
	}
	if ans.status != statusOK {
		return rejected(op, ans)
	}
	return ans.decode(op, out)
}

// decode reads the operation's fields from the answer. A field of an
// unusable type makes the answer unreadable, which is Unavailable.
func (a answer) decode(op string, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(a.body, out); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			// Field is a path of names and Value the JSON type ("string",
			// "number"), never the value itself.
			return opError(op, emr.Unavailable, fmt.Errorf("%w: %s is a JSON %s", errBadFields, typeErr.Field, typeErr.Value))
		}
		return opError(op, emr.Unavailable, errBadFields)
	}
	return nil
}

// rejected is the error for a JSON answer whose status is not 1.
func rejected(op string, a answer) error {
	e := opError(op, emr.Rejected, errNotSuccess)
	e.Display = displayMessage(a.message)
	return e
}
