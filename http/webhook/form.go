package webhook

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/http/server"
)

// inbound is a Twilio WhatsApp message webhook, decoded and checked.
// Fields Twilio adds that we do not use are ignored.
type inbound struct {
	MessageSid  string
	AccountSid  string
	From        string // whatsapp:+<E.164>
	To          string
	Body        string
	Media       []flow.Media
	ButtonText  string
	ButtonValue string
	Latitude    string
	Longitude   string
}

var (
	sidPattern   = regexp.MustCompile(`^[A-Z]{2}[0-9a-fA-F]{32}$`)
	phonePattern = regexp.MustCompile(`^whatsapp:\+[1-9][0-9]{6,14}$`)
	coordPattern = regexp.MustCompile(`^-?[0-9]{1,3}(\.[0-9]{1,10})?$`)
)

// Limits on what a patient can send in one message.
const (
	maxBody  = 4096 // runes; WhatsApp allows 4096 in inbound text
	maxMedia = 10
)

// decodeInbound validates the form of an inbound message webhook.
func decodeInbound(f url.Values) (inbound, error) {
	// The values are copied: a value the form did not have to unescape is
	// a piece of the whole request body, and a conversation keeps some of
	// them (its key, recent MessageSids, answers) for as long as it stays
	// in memory, which would keep every body alive with them.
	get := func(name string) string { return strings.Clone(f.Get(name)) }
	in := inbound{
		MessageSid:  get("MessageSid"),
		AccountSid:  get("AccountSid"),
		From:        get("From"),
		To:          get("To"),
		Body:        get("Body"),
		ButtonText:  get("ButtonText"),
		ButtonValue: get("ButtonPayload"),
		Latitude:    get("Latitude"),
		Longitude:   get("Longitude"),
	}
	if !sidPattern.MatchString(in.MessageSid) {
		return in, server.Errorf(400, "MessageSid missing or malformed")
	}
	if !phonePattern.MatchString(in.From) {
		return in, server.Errorf(400, "From must be a WhatsApp number (whatsapp:+<E.164>)")
	}
	if !phonePattern.MatchString(in.To) {
		return in, server.Errorf(400, "To must be a WhatsApp number (whatsapp:+<E.164>)")
	}
	if len([]rune(in.Body)) > maxBody {
		return in, server.Errorf(400, "Body longer than %d characters", maxBody)
	}
	if in.Latitude != "" || in.Longitude != "" {
		if !coordPattern.MatchString(in.Latitude) || !coordPattern.MatchString(in.Longitude) {
			return in, server.Errorf(400, "Latitude/Longitude malformed")
		}
	}
	n := 0
	if s := f.Get("NumMedia"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		if err != nil || n < 0 || n > maxMedia {
			return in, server.Errorf(400, "NumMedia must be 0..%d", maxMedia)
		}
	}
	for i := 0; i < n; i++ {
		u := get("MediaUrl" + strconv.Itoa(i))
		ct := strings.ToLower(strings.TrimSpace(get("MediaContentType" + strconv.Itoa(i))))
		if pu, err := url.Parse(u); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
			return in, server.Errorf(400, "MediaUrl%d is not an http(s) URL", i)
		}
		if ct, _, _ = strings.Cut(ct, ";"); ct == "" {
			return in, server.Errorf(400, "MediaContentType%d missing", i)
		}
		in.Media = append(in.Media, flow.Media{URL: u, ContentType: ct})
	}
	return in, nil
}

// phone is the patient's number without the channel prefix.
func (in inbound) phone() string { return strings.TrimPrefix(in.From, "whatsapp:") }

// event is the conversation's view of the message.
func (in inbound) event(now time.Time) *flow.Inbound {
	button := in.ButtonValue
	if button == "" {
		button = in.ButtonText
	}
	return &flow.Inbound{
		Sid: in.MessageSid, Body: in.Body, Media: in.Media, Button: button,
		Lat: in.Latitude, Lon: in.Longitude, At: now,
	}
}
