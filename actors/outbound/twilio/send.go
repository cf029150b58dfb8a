package twilio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Message is one outbound WhatsApp message. From and To are channel
// addresses ("whatsapp:+14155238886"). A message carries a Body, MediaURLs
// or a ContentSID (an approved template, with ContentVariables as JSON);
// only a template may be sent outside the 24 h window.
type Message struct {
	From, To         string
	Body             string
	MediaURLs        []string
	ContentSID       string
	ContentVariables string
	StatusCallback   string
}

// validate catches caller mistakes before any HTTP call. It names the
// missing field, never its value.
func (m Message) validate() error {
	switch {
	case m.From == "":
		return fmt.Errorf("send message: %w: no From", ErrInvalidMessage)
	case m.To == "":
		return fmt.Errorf("send message: %w: no To", ErrInvalidMessage)
	case m.Body == "" && len(m.MediaURLs) == 0 && m.ContentSID == "":
		return fmt.Errorf("send message: %w: no body, media or content SID", ErrInvalidMessage)
	case m.ContentVariables != "" && m.ContentSID == "":
		return fmt.Errorf("send message: %w: content variables without content SID", ErrInvalidMessage)
	}
	return nil
}

// params maps m onto twilio-go's form parameters, leaving unset fields out.
func (m Message) params() *openapi.CreateMessageParams {
	p := (&openapi.CreateMessageParams{}).SetFrom(m.From).SetTo(m.To)
	if m.Body != "" {
		p.SetBody(m.Body)
	}
	if len(m.MediaURLs) > 0 {
		p.SetMediaUrl(append([]string(nil), m.MediaURLs...))
	}
	if m.ContentSID != "" {
		p.SetContentSid(m.ContentSID)
	}
	if m.ContentVariables != "" {
		p.SetContentVariables(m.ContentVariables)
	}
	if m.StatusCallback != "" {
		p.SetStatusCallback(m.StatusCallback)
	}
	return p
}

// Send creates the message at Twilio and returns its SID ("SM..."). The call
// ends when ctx is done or the client's timeout passes, whichever is first; a
// ctx already done fails before any I/O. Failures are *SendError, except
// caller mistakes, which wrap ErrInvalidMessage.
func (c *Client) Send(ctx context.Context, m Message) (string, error) {
	if err := m.validate(); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", &SendError{Retryable: true, Err: err}
	}
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel() // CreateMessage has read and closed the body when it returns

	call := &callTransport{ctx: callCtx, base: c.base, next: c.transport}
	tc := &client.Client{
		Credentials: c.creds,
		HTTPClient: &http.Client{
			Transport: call,
			// Like twilio-go's own client: a redirect is an answer, not a hop.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	tc.SetAccountSid(c.accountSID)

	msg, err := openapi.NewApiServiceWithClient(tc).CreateMessage(m.params())
	if err != nil {
		return "", classify(err, call.last(), time.Now())
	}
	if msg.Sid == nil || *msg.Sid == "" {
		return "", &SendError{Status: call.last().status, Err: errors.New("answer has no message SID")}
	}
	return *msg.Sid, nil
}
