package fhir

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/frontdesk-health/frontdesk/emr"
)

// maxAnswerBytes bounds how much of an answer is read: a day of slots or a
// patient's document list is far smaller, and a runaway server must not
// exhaust our memory.
const maxAnswerBytes = 4 << 20

// fhirJSON is the media type of every request and answer.
const fhirJSON = "application/fhir+json"

// request is one FHIR interaction.
type request struct {
	op      string     // the emr operation it serves, for errors
	method  string     // GET, POST, PUT
	path    string     // relative to the base: "Patient", "Slot/1"; "" is the base
	query   url.Values // search parameters
	next    string     // an absolute paging link, instead of path and query
	body    any
	ifMatch string // the version the update expects
}

// what names the request's target in errors: its resource type, never an
// id, a URL or a query.
func (r request) what() string {
	if r.next != "" {
		return "search page"
	}
	if r.path == "" {
		return "transaction"
	}
	t, _, _ := strings.Cut(r.path, "/")
	return t
}

// reply is a 2xx answer.
type reply struct {
	header http.Header
	body   []byte
}

// do sends one request and returns a 2xx answer, or an *emr.Error whose
// Kind follows the status. A 401 with OAuth2 gets a fresh token and one
// more try.
func (c *Client) do(ctx context.Context, r request) (reply, error) {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return reply{}, opError(r.op, emr.Unavailable, fmt.Errorf("encode %s: %w", r.what(), err))
		}
	}
	for attempt := 0; ; attempt++ {
		auth, err := c.authorization(ctx, r.op)
		if err != nil {
			return reply{}, err
		}
		status, rep, err := c.roundTrip(ctx, r, body, auth)
		if err != nil {
			return reply{}, err
		}
		if status == http.StatusUnauthorized && c.tokens != nil && attempt == 0 {
			c.tokens.invalidate(auth)
			continue
		}
		if status/100 != 2 {
			return reply{}, statusError(r, status, rep.body)
		}
		return rep, nil
	}
}

// roundTrip makes the HTTP exchange. Transport failures are Unavailable
// and never quote the URL, which net/http puts in its errors.
func (c *Client) roundTrip(ctx context.Context, r request, body []byte, auth string) (int, reply, error) {
	target := r.next
	if target == "" {
		target = c.base
		if r.path != "" {
			target += "/" + r.path
		}
		if len(r.query) > 0 {
			target += "?" + r.query.Encode()
		}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, rd)
	if err != nil {
		return 0, reply{}, opError(r.op, emr.Unavailable, fmt.Errorf("build %s request", r.what()))
	}
	req.Header.Set("Accept", fhirJSON)
	if body != nil {
		req.Header.Set("Content-Type", fhirJSON)
		req.Header.Set("Prefer", "return=representation")
	}
	if r.ifMatch != "" {
		req.Header.Set("If-Match", `W/"`+r.ifMatch+`"`)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, reply{}, opError(r.op, emr.Unavailable, fmt.Errorf("%s %s: %w", r.method, r.what(), transportCause(ctx, err)))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return 0, reply{}, opError(r.op, emr.Unavailable, fmt.Errorf("%s %s: read answer: %w", r.method, r.what(), transportCause(ctx, err)))
	}
	if len(raw) > maxAnswerBytes {
		return 0, reply{}, opError(r.op, emr.Unavailable, fmt.Errorf("%s %s: answer larger than %d bytes", r.method, r.what(), maxAnswerBytes))
	}
	return resp.StatusCode, reply{header: resp.Header, body: raw}, nil
}

// transportCause strips the URL from a net/http error, keeping context
// errors reachable with errors.Is.
func transportCause(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("no answer in time: %w", ctx.Err())
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	return fmt.Errorf("round trip: %w", err)
}

// statusError classifies a non-2xx answer by what the patient should be
// told, and describes it for the log by status and the OperationOutcome's
// issue severities and codes only.
func statusError(r request, status int, body []byte) error {
	cause := fmt.Errorf("%s %s: HTTP %d%s", r.method, r.what(), status, outcomeSummary(body))
	switch {
	case status == http.StatusConflict || status == http.StatusPreconditionFailed:
		return opError(r.op, emr.Conflict, cause)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		// Our credentials are wrong or expired: the hospital must fix its
		// configuration; to the patient the EMR is unavailable.
		return opError(r.op, emr.Unavailable, fmt.Errorf("%w (check the EMR credentials)", cause))
	case status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500 || status < 400:
		return opError(r.op, emr.Unavailable, cause)
	}
	return opError(r.op, emr.Rejected, cause)
}

// outcomeSummary lists an OperationOutcome's issues as severity/code.
// Diagnostics, details and expressions are left out: servers quote the
// offending values there, which may be patient data.
func outcomeSummary(body []byte) string {
	var oo OperationOutcome
	if json.Unmarshal(body, &oo) != nil || oo.ResourceType != "OperationOutcome" || len(oo.Issue) == 0 {
		return ""
	}
	parts := make([]string, 0, len(oo.Issue))
	for i, is := range oo.Issue {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(oo.Issue)-i))
			break
		}
		parts = append(parts, safeToken(is.Severity)+"/"+safeToken(is.Code))
	}
	return ": OperationOutcome " + strings.Join(parts, ", ")
}

// safeToken keeps a code as it is when it looks like one (a-z, digits, '-'
// and '_', at most 32), so a server putting text there cannot leak it.
func safeToken(s string) string {
	if s == "" || len(s) > 32 {
		return "?"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return "?"
		}
	}
	return s
}

// opError builds the error every method returns.
func opError(op string, kind emr.Kind, err error) *emr.Error {
	return &emr.Error{Op: op, Kind: kind, Err: err}
}
