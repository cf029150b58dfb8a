package emrapi

import (
	"context"
	"net/http"
	"regexp"
	"unicode/utf8"

	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// maxMessageBody bounds a /v1 message: longer bodies are split into
// WhatsApp-sized parts, and a patient reads no more than a few.
const maxMessageBody = 4096

// sendMessageRequest is the body of POST /v1/messages.
type sendMessageRequest struct {
	To        string            `json:"to"`
	Body      string            `json:"body"`
	MediaURL  string            `json:"media_url"`
	Template  string            `json:"template"`
	Variables map[string]string `json:"variables"`
}

// sendMessageResponse answers it: the outbox id of the message's first
// part and how many parts it was split into.
type sendMessageResponse struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Parts  int    `json:"parts"`
}

// sendMessage is POST /v1/messages: the native twin of /api/notifyuserwa,
// through the same send.
func (a *API) sendMessage(ctx context.Context, call *v1Call) (int, any, error) {
	var req sendMessageRequest
	if err := decodeJSON(call.body, &req); err != nil {
		return 0, nil, err
	}
	h := call.hospital
	to, err := phoneField("to", req.To, h.CountryCode)
	if err != nil {
		return 0, nil, err
	}
	if err := need("body", req.Body); err != nil {
		return 0, nil, err
	}
	if err := atMost("body", req.Body, maxMessageBody); err != nil {
		return 0, nil, err
	}
	if err := urlField("media_url", req.MediaURL); err != nil {
		return 0, nil, err
	}
	if _, ok := h.Templates[req.Template]; req.Template != "" && !ok {
		return 0, nil, fail(http.StatusBadRequest, "unknown_template", "template", "the hospital has no template of that name")
	}
	if err := checkVariables(req.Variables); err != nil {
		return 0, nil, err
	}
	p := push{to: to, body: req.Body, template: req.Template, variables: req.Variables}
	if req.MediaURL != "" {
		p.media = []string{req.MediaURL}
	}
	entries, err := a.send(ctx, h, p)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, sendMessageResponse{ID: entries[0].ID, Status: "accepted", Parts: len(entries)}, nil
}

// Limits of a message's template variables: as many as a template may
// have placeholders, named as config names them.
const maxVariableValue = 500

var variableKeyRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// checkVariables refuses too many variables, a bad name or a value too
// long (code invalid_variables, as the reminder scheduler answers).
func checkVariables(vars map[string]string) error {
	if len(vars) > config.MaxTemplateVariables {
		return fail(http.StatusBadRequest, "invalid_variables", "variables", "at most %d variables", config.MaxTemplateVariables)
	}
	for k, v := range vars {
		if !variableKeyRe.MatchString(k) {
			return fail(http.StatusBadRequest, "invalid_variables", "variables", "variable names must match [a-z][a-z0-9_]{0,63}")
		}
		if utf8.RuneCountInString(v) > maxVariableValue {
			return fail(http.StatusBadRequest, "invalid_variables", "variables."+k, "a variable's value is at most %d characters", maxVariableValue)
		}
	}
	return nil
}
