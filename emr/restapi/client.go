package restapi

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// OpSlots is the Op of the error Slots returns: the seed contract has no
// slot operation, so there is no endpoint name to borrow.
const OpSlots = "slots"

// Client is one hospital location's seed-compatible EMR. It holds no
// mutable state after New, so it is safe for concurrent use.
type Client struct {
	http        *http.Client
	endpoints   map[string]string
	hid         string
	countryCode string
	auth        string
	timeout     time.Duration
}

// Compile-time check that Client serves the conversation's EMR interface.
var _ emr.Client = (*Client)(nil)

// New builds the adapter for hospital h. The required endpoints of
// CONTRACT §4 must be absolute http(s) URLs; upload_document and
// update_address are optional and switch the matching capability on when
// present. An unknown endpoint name is refused because it is almost always
// a typo that would silently hide a feature. httpClient may be nil; its
// own Timeout, if any, applies on top of the hospital's EMR timeout.
func New(h config.Hospital, httpClient *http.Client) (*Client, error) {
	e := h.EMR
	if strings.TrimSpace(e.HID) == "" {
		return nil, fmt.Errorf("restapi hospital %q: emr.hid is required", h.Code)
	}
	if e.Timeout < 0 {
		return nil, fmt.Errorf("restapi hospital %q: emr.timeout must not be negative", h.Code)
	}
	cc := strings.TrimPrefix(strings.TrimSpace(h.CountryCode), "+")
	if cc != "" && !isDigits(cc) {
		return nil, fmt.Errorf("restapi hospital %q: country_code must be digits", h.Code)
	}
	endpoints, err := checkEndpoints(e.Endpoints)
	if err != nil {
		return nil, fmt.Errorf("restapi hospital %q: %w", h.Code, err)
	}
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	timeout := e.Timeout
	if timeout == 0 {
		timeout = config.DefaultEMRTimeout
	}
	return &Client{
		http:        httpClient,
		endpoints:   endpoints,
		hid:         strings.TrimSpace(e.HID),
		countryCode: cc,
		auth:        e.AuthHeader.Value(),
		timeout:     timeout,
	}, nil
}

// checkEndpoints returns a copy of the configured endpoints holding every
// required operation and the optional ones that are set. Errors name the
// endpoint but never the URL, which may carry a token.
func checkEndpoints(configured map[string]string) (map[string]string, error) {
	required := config.RequiredEndpoints()
	known := append(slices.Clone(required), config.OptionalEndpoints()...)
	out := make(map[string]string, len(configured))
	for name, raw := range configured {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("unknown endpoint %q", name)
		}
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("endpoint %s: must be an absolute http(s) URL", name)
		}
		out[name] = raw
	}
	for _, name := range required {
		if out[name] == "" {
			return nil, fmt.Errorf("endpoint %s: required", name)
		}
	}
	return out, nil
}

// Capabilities reports what the seed contract offers: booking is by day
// (no slots), video visits and profile photos always, documents and
// address changes only when their endpoints are configured.
func (c *Client) Capabilities() emr.Capabilities {
	return emr.Capabilities{
		Slots:          false,
		VideoVisits:    true,
		ProfilePhoto:   true,
		UploadDocument: c.endpoints[config.EndpointUploadDocument] != "",
		UpdateAddress:  c.endpoints[config.EndpointUpdateAddress] != "",
	}
}

// opError builds the error every method returns, so that Op and Kind are
// always set the same way.
func opError(op string, kind emr.Kind, err error) *emr.Error {
	return &emr.Error{Op: op, Kind: kind, Err: err}
}

// errNotConfigured is the cause of NotSupported errors for optional
// operations the hospital did not configure.
var errNotConfigured = errors.New("endpoint not configured")

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
