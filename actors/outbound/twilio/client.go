// Package twilio sends one WhatsApp message through Twilio's Messages API.
//
// It uses twilio-go for the request itself but sends it to a configurable base
// URL (TWILIO_API_BASE_URL), so tests, staging and the Prism contract check can
// point it at a fake, and it turns every failure into a *SendError that tells
// the outbound actor whether to retry, how long to wait (Retry-After) and
// whether the patient's 24 h window has closed. Error texts never carry the
// recipient or the message body.
package twilio

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
)

// DefaultBaseURL is Twilio's REST API, the base URL twilio-go hard-codes.
const DefaultBaseURL = "https://api.twilio.com"

// DefaultTimeout bounds one Send when Options.Timeout is zero; twilio-go takes
// no context, so without it a stalled Twilio would stall the outbound actor.
const DefaultTimeout = 10 * time.Second

// Options configure a Client. AccountSID and AuthToken are required.
type Options struct {
	AccountSID string
	AuthToken  string
	// BaseURL replaces https://api.twilio.com in every request; it may carry
	// a path prefix (a proxy mounted under /twilio). Empty means DefaultBaseURL.
	BaseURL string
	// Timeout bounds one Send, answer included. Zero means DefaultTimeout.
	Timeout time.Duration
	// Transport is the base RoundTripper (connection pool, TLS, proxies).
	// Nil means a private clone of http.DefaultTransport.
	Transport http.RoundTripper
}

// Client sends messages for one Twilio account. It is safe for concurrent use:
// each Send builds its own small twilio-go client over the shared transport,
// so the answer's headers can be tied to the call that received them.
type Client struct {
	creds      *client.Credentials
	accountSID string
	base       *url.URL
	timeout    time.Duration
	transport  http.RoundTripper
}

// New checks the options and returns a Client; it does no network I/O.
func New(opts Options) (*Client, error) {
	if err := checkCredential("account SID", opts.AccountSID); err != nil {
		return nil, fmt.Errorf("new twilio client: %w", err)
	}
	if err := checkCredential("auth token", opts.AuthToken); err != nil {
		return nil, fmt.Errorf("new twilio client: %w", err)
	}
	base, err := parseBaseURL(opts.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("new twilio client: %w", err)
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("new twilio client: negative timeout %s", opts.Timeout)
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	transport := opts.Transport
	if transport == nil {
		transport = defaultTransport()
	}
	return &Client{
		creds:      client.NewCredentials(opts.AccountSID, opts.AuthToken),
		accountSID: opts.AccountSID,
		base:       base,
		timeout:    timeout,
		transport:  transport,
	}, nil
}

// checkCredential refuses what twilio-go would refuse on every request
// (it only accepts letters and digits), so a bad secret fails at start-up.
// The value itself never appears in the error.
func checkCredential(name, value string) error {
	if value == "" {
		return fmt.Errorf("%s is empty", name)
	}
	for _, r := range value {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return fmt.Errorf("%s may hold only letters and digits", name)
		}
	}
	return nil
}

// parseBaseURL accepts an http(s) URL with an optional path prefix. Query,
// fragment and user info are refused: they would be silently dropped.
func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the wrapper repeats the raw text, which may hold a password
		}
		return nil, fmt.Errorf("parse base URL: %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("base URL %s: scheme must be http or https", u.Redacted())
	case u.Host == "":
		return nil, fmt.Errorf("base URL %s: no host", u.Redacted())
	case u.User != nil:
		return nil, errors.New("base URL: user info is not allowed; credentials come from the account SID and auth token")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("base URL %s: query and fragment are not allowed", u.Redacted())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}

// defaultTransport gives each Client its own connection pool, sized for
// WhatsApp's default 80 messages/s per sender.
func defaultTransport() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	c := t.Clone()
	c.MaxIdleConnsPerHost = 64
	return c
}
