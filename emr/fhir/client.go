package fhir

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// Client is one hospital location's FHIR R4 server. It is safe for
// concurrent use.
type Client struct {
	http        *http.Client
	base        string
	auth        string       // fixed Authorization header, when no OAuth2
	tokens      *tokenSource // OAuth2 client credentials, or nil
	timeout     time.Duration
	now         func() time.Time
	loc         *time.Location
	countryCode string
	departments string // config.FHIRDepartments*
	photo       string // config.FHIRPhoto*
	location    string // as configured: id, Location/id or system|value

	locMu sync.Mutex
	locID string // the configured location's id, once resolved
}

// Compile-time check that Client serves the conversation's EMR interface.
var _ emr.Client = (*Client)(nil)

// Option tunes New.
type Option func(*Client)

// WithClock makes the adapter read "now" (which slots have passed, which
// appointments are upcoming, a patient's age) from now instead of the
// system clock, so it agrees with the process clock in tests.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// New builds the adapter for hospital h (emr.kind fhir). httpClient may be
// nil; its own Timeout, if any, applies on top of the hospital's EMR
// timeout, which bounds each operation with all its requests.
func New(h config.Hospital, httpClient *http.Client, opts ...Option) (*Client, error) {
	e := h.EMR
	base := strings.TrimRight(strings.TrimSpace(e.BaseURL), "/")
	if u, err := url.Parse(base); base == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("fhir hospital %q: emr.base_url must be an absolute http(s) URL", h.Code)
	}
	if e.Timeout < 0 {
		return nil, fmt.Errorf("fhir hospital %q: emr.timeout must not be negative", h.Code)
	}
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	c := &Client{
		http:        httpClient,
		base:        base,
		auth:        e.AuthHeader.Value(),
		timeout:     e.Timeout,
		now:         time.Now,
		loc:         h.Location,
		countryCode: strings.TrimPrefix(strings.TrimSpace(h.CountryCode), "+"),
		departments: e.Departments,
		photo:       e.Photo,
		location:    strings.TrimSpace(e.Location),
	}
	if c.timeout == 0 {
		c.timeout = config.DefaultEMRTimeout
	}
	if c.loc == nil {
		c.loc = time.UTC
		if loc, err := time.LoadLocation(h.Timezone); err == nil && h.Timezone != "" {
			c.loc = loc
		}
	}
	switch c.departments {
	case "":
		c.departments = config.FHIRDepartmentsService
	case config.FHIRDepartmentsService, config.FHIRDepartmentsSpecialty:
	default:
		return nil, fmt.Errorf("fhir hospital %q: emr.departments %q is not known", h.Code, c.departments)
	}
	switch c.photo {
	case "":
		c.photo = config.FHIRPhotoPatient
	case config.FHIRPhotoPatient, config.FHIRPhotoDocument:
	default:
		return nil, fmt.Errorf("fhir hospital %q: emr.photo %q is not known", h.Code, c.photo)
	}
	if e.TokenURL != "" {
		if e.ClientID == "" || e.ClientSecret == "" {
			return nil, fmt.Errorf("fhir hospital %q: emr.token_url needs emr.client_id and emr.client_secret", h.Code)
		}
		c.tokens = &tokenSource{
			http: httpClient, url: e.TokenURL, id: e.ClientID, secret: e.ClientSecret.Value(), scope: e.Scope, now: time.Now,
		}
	}
	for _, opt := range opts {
		opt(c)
	}
	return c, nil
}

// Capabilities reports that a FHIR server serves every operation: slots
// come from Schedules, video visits are Appointments of their own type,
// and documents, photos and addresses are resources to write.
func (c *Client) Capabilities() emr.Capabilities {
	return emr.Capabilities{
		Slots:          true,
		VideoVisits:    true,
		UploadDocument: true,
		UpdateAddress:  true,
		ProfilePhoto:   true,
		Cancel:         true,
	}
}

// begin bounds an operation, all its requests together, by the
// hospital's EMR timeout.
func (c *Client) begin(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.timeout)
}

// today is midnight of the current day in the hospital's zone.
func (c *Client) today() time.Time {
	now := c.now().In(c.loc)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, c.loc)
}

// dayRange is the day a Day names, [midnight, next midnight) in the
// hospital's zone.
func (c *Client) dayRange(d emr.Day) (time.Time, time.Time) {
	start := c.today().AddDate(0, 0, d.Offset)
	if !d.Date.IsZero() {
		y, m, dd := d.Date.In(c.loc).Date()
		start = time.Date(y, m, dd, 0, 0, 0, 0, c.loc)
	}
	return start, start.AddDate(0, 0, 1)
}

var errNoLocation = errors.New("the configured emr.location matches no Location on the server")

// locationRef is "Location/<id>" of the configured location, "" when the
// hospital did not scope one. An identifier is looked up once.
func (c *Client) locationRef(ctx context.Context, op string) (string, error) {
	switch {
	case c.location == "":
		return "", nil
	case !strings.Contains(c.location, "|"):
		return "Location/" + strings.TrimPrefix(c.location, "Location/"), nil
	}
	c.locMu.Lock()
	defer c.locMu.Unlock()
	if c.locID != "" {
		return "Location/" + c.locID, nil
	}
	f, err := c.search(ctx, op, "Location", url.Values{"identifier": {c.location}})
	if err != nil {
		return "", err
	}
	locs, err := decodeAll[Location](op, f.matches)
	if err != nil {
		return "", err
	}
	if len(locs) != 1 || locs[0].ID == "" {
		return "", opError(op, emr.Unavailable, errNoLocation)
	}
	c.locID = locs[0].ID
	return "Location/" + c.locID, nil
}
