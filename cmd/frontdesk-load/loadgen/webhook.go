package loadgen

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/frontdesk-health/frontdesk/http/webhook"
)

// phonePrefix starts every load patient's number: +91 then a 10-digit
// mobile number starting with 7, which no demo patient uses.
const phonePrefix = "+917"

// Phone is the WhatsApp number of load patient i (0 ≤ i < 10⁹).
func Phone(i int) string { return phonePrefix + fmt.Sprintf("%09d", i) }

// PatientIndex reads i back from a reply's To ("whatsapp:+917000000042").
func PatientIndex(to string) (int, bool) {
	rest, ok := strings.CutPrefix(to, "whatsapp:"+phonePrefix)
	if !ok || len(rest) != 9 {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	return i, err == nil
}

// Form is an inbound WhatsApp text as Twilio posts it.
func Form(sid, phone, body string) url.Values {
	return url.Values{
		"MessageSid": {sid}, "SmsMessageSid": {sid}, "AccountSid": {AccountSID},
		"From": {"whatsapp:" + phone}, "To": {Sender}, "Body": {body}, "NumMedia": {"0"},
		"ProfileName": {"Load"}, "WaId": {strings.TrimPrefix(phone, "+")},
		"SmsStatus": {"received"}, "NumSegments": {"1"}, "ApiVersion": {"2010-04-01"},
	}
}

// Poster sends signed webhooks to one server.
type Poster struct {
	Client *http.Client
	dials  atomic.Int64
}

// NewPoster returns a poster keeping up to conns connections alive.
func NewPoster(conns int) *Poster {
	p := &Poster{}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	p.Client = &http.Client{
		Timeout: 20 * time.Second, // Twilio waits 15 s
		Transport: &http.Transport{
			MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: time.Minute,
			DisableCompression: true,
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				p.dials.Add(1)
				return dialer.DialContext(ctx, network, addr)
			},
		},
	}
	return p
}

// Dials is how many connections the poster opened.
func (p *Poster) Dials() int64 { return p.dials.Load() }

// Post signs form for base (the server's public URL, which is also where
// it listens) and posts it to /twilio/messages. It returns the HTTP status,
// or an error when no answer came.
func (p *Poster) Post(ctx context.Context, base string, form url.Values) (int, error) {
	target := base + "/twilio/messages"
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("build webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", webhook.Sign(AuthToken, target, form))
	req.Header.Set("I-Twilio-Idempotency-Token", form.Get("MessageSid"))
	res, err := p.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("post webhook: %w", err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// CloseIdle closes idle connections (after the server changed).
func (p *Poster) CloseIdle() { p.Client.CloseIdleConnections() }
