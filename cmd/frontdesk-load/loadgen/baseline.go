package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
)

// baselineReply is what the baseline answers every message with: the
// least a reply bot does.
const baselineReply = "Hello! To start, send *hi demo*."

// baseline is the least WhatsApp reply bot: check Twilio's signature, read
// the form, post one reply to Twilio's API, answer empty TwiML. It keeps no
// state and writes nothing durable, so it is what the machine allows for a
// webhook that answers. It checks the signature with twilio-go's
// validator, as the product does, so that the check weighs the same on
// both sides of the ratio.
type baseline struct {
	publicURL, accountSID, authToken, messagesURL string
	validator                                     client.RequestValidator
	client                                        *http.Client
}

// ServeBaseline runs the baseline server with the same variables as the
// product (FRONTDESK_ADDR, FRONTDESK_PUBLIC_URL, TWILIO_ACCOUNT_SID,
// TWILIO_AUTH_TOKEN, TWILIO_API_BASE_URL) until ctx ends.
func ServeBaseline(ctx context.Context, getenv func(string) string) error {
	addr := getenv("FRONTDESK_ADDR")
	b := &baseline{
		publicURL: strings.TrimRight(getenv("FRONTDESK_PUBLIC_URL"), "/"), accountSID: getenv("TWILIO_ACCOUNT_SID"),
		authToken: getenv("TWILIO_AUTH_TOKEN"), validator: client.NewRequestValidator(getenv("TWILIO_AUTH_TOKEN")),
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute,
		}},
	}
	if addr == "" || b.publicURL == "" || b.accountSID == "" || b.authToken == "" || getenv("TWILIO_API_BASE_URL") == "" {
		return errors.New("baseline: FRONTDESK_ADDR, FRONTDESK_PUBLIC_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_API_BASE_URL are required")
	}
	b.messagesURL = strings.TrimRight(getenv("TWILIO_API_BASE_URL"), "/") + "/2010-04-01/Accounts/" + b.accountSID + "/Messages.json"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /twilio/messages", b.messages)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("baseline: listen: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("baseline: serve: %w", err)
	}
	return nil
}

// messages is the webhook: verify, parse, reply through Twilio, answer.
func (b *baseline) messages(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "malformed form body", http.StatusBadRequest)
		return
	}
	params := make(map[string]string, len(r.PostForm))
	for k, v := range r.PostForm {
		params[k] = v[0]
	}
	if !b.validator.Validate(b.publicURL+r.URL.RequestURI(), params, r.Header.Get("X-Twilio-Signature")) {
		http.Error(w, "invalid Twilio signature", http.StatusForbidden)
		return
	}
	if err := b.reply(r.Context(), r.PostForm.Get("To"), r.PostForm.Get("From")); err != nil {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "reply not sent", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`)
}

// reply posts one message to Twilio's API, as the bot's answer.
func (b *baseline) reply(ctx context.Context, from, to string) error {
	form := url.Values{"From": {from}, "To": {to}, "Body": {baselineReply}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.messagesURL, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(b.accountSID, b.authToken)
	res, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("twilio answered %d", res.StatusCode)
	}
	return nil
}
