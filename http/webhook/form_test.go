package webhook

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/http/server"
)

const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testSender  = "whatsapp:+14155238886"
	testFrom    = "whatsapp:+919812345678"
	mediaBase   = "https://api.twilio.com/2010-04-01/Accounts/" + testAccount + "/Messages/"
)

// fixture reads a form Twilio posted, as captured in testdata.
func fixture(t testing.TB, name string) url.Values {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	f, err := url.ParseQuery(strings.TrimSpace(string(b)))
	require.NoError(t, err, "fixture %s is not a form", name)
	return f
}

func TestDecodeInboundFixtures(t *testing.T) {
	cases := []struct {
		fixture string
		want    inbound
	}{
		{"text.form", inbound{
			MessageSid: "SM1f0e2d3c4b5a69788796a5b4c3d2e1f0", AccountSid: testAccount,
			From: testFrom, To: testSender, Body: "hi abc",
		}},
		{"image.form", inbound{
			MessageSid: "MM0a1b2c3d4e5f60718293a4b5c6d7e8f9", AccountSid: testAccount, From: testFrom, To: testSender,
			Media: []flow.Media{{
				URL:         mediaBase + "MM0a1b2c3d4e5f60718293a4b5c6d7e8f9/Media/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9",
				ContentType: "image/jpeg",
			}},
		}},
		{"document.form", inbound{
			MessageSid: "MM9f8e7d6c5b4a39281706f5e4d3c2b1a0", AccountSid: testAccount, From: testFrom, To: testSender,
			Body: "blood report March",
			Media: []flow.Media{{
				URL:         mediaBase + "MM9f8e7d6c5b4a39281706f5e4d3c2b1a0/Media/ME9f8e7d6c5b4a39281706f5e4d3c2b1a0",
				ContentType: "application/pdf",
			}},
		}},
		// Content types are compared by the flow in lower case without
		// parameters, so the decoder normalises them.
		{"two_media.form", inbound{
			MessageSid: "MM00112233445566778899aabbccddeeff", AccountSid: testAccount, From: testFrom, To: testSender,
			Media: []flow.Media{
				{URL: mediaBase + "MM00112233445566778899aabbccddeeff/Media/ME00112233445566778899aabbccddeef0", ContentType: "image/png"},
				{URL: mediaBase + "MM00112233445566778899aabbccddeeff/Media/ME00112233445566778899aabbccddeef1", ContentType: "application/pdf"},
			},
		}},
		{"location.form", inbound{
			MessageSid: "SMaabbccddeeff00112233445566778899", AccountSid: testAccount, From: testFrom, To: testSender,
			Latitude: "12.9716", Longitude: "77.5946",
		}},
		{"button.form", inbound{
			MessageSid: "SM99887766554433221100ffeeddccbbaa", AccountSid: testAccount, From: testFrom, To: testSender,
			Body: "Yes, confirm", ButtonText: "Yes, confirm", ButtonValue: "confirm_appt_42",
		}},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			got, err := decodeInbound(fixture(t, c.fixture))
			require.NoError(t, err, "a message Twilio really sends must be accepted")
			assert.Equal(t, c.want, got)
		})
	}
}

func TestDecodeInboundRefuses(t *testing.T) {
	media := func(f url.Values) {
		f.Set("NumMedia", "1")
		f.Set("MediaUrl0", mediaBase+"MM1/Media/ME1")
		f.Set("MediaContentType0", "image/jpeg")
	}
	cases := []struct {
		name string
		edit func(f url.Values)
		says string // part of the caller-safe message
	}{
		{"no MessageSid", func(f url.Values) { f.Del("MessageSid") }, "MessageSid"},
		{"short MessageSid", func(f url.Values) { f.Set("MessageSid", "SM123") }, "MessageSid"},
		{"lower-case prefix", func(f url.Values) { f.Set("MessageSid", "sm1f0e2d3c4b5a69788796a5b4c3d2e1f0") }, "MessageSid"},
		{"From an SMS number", func(f url.Values) { f.Set("From", "+919812345678") }, "From"},
		{"From without plus", func(f url.Values) { f.Set("From", "whatsapp:919812345678") }, "From"},
		{"From with letters", func(f url.Values) { f.Set("From", "whatsapp:+91981234567x") }, "From"},
		{"From missing", func(f url.Values) { f.Del("From") }, "From"},
		{"To missing", func(f url.Values) { f.Del("To") }, "To"},
		{"To an SMS number", func(f url.Values) { f.Set("To", "+14155238886") }, "To"},
		{"Body 4097 characters", func(f url.Values) { f.Set("Body", strings.Repeat("क", 4097)) }, "Body"},
		{"NumMedia x", func(f url.Values) { media(f); f.Set("NumMedia", "x") }, "NumMedia"},
		{"NumMedia -1", func(f url.Values) { media(f); f.Set("NumMedia", "-1") }, "NumMedia"},
		{"NumMedia 11", func(f url.Values) { media(f); f.Set("NumMedia", "11") }, "NumMedia"},
		{"NumMedia larger than the URLs sent", func(f url.Values) { media(f); f.Set("NumMedia", "2") }, "MediaUrl1"},
		{"MediaUrl0 missing", func(f url.Values) { media(f); f.Del("MediaUrl0") }, "MediaUrl0"},
		{"MediaUrl0 ftp", func(f url.Values) { media(f); f.Set("MediaUrl0", "ftp://api.twilio.com/ME1") }, "MediaUrl0"},
		{"MediaUrl0 relative", func(f url.Values) { media(f); f.Set("MediaUrl0", "/Media/ME1") }, "MediaUrl0"},
		{"MediaContentType0 missing", func(f url.Values) { media(f); f.Del("MediaContentType0") }, "MediaContentType0"},
		{"MediaContentType0 only parameters", func(f url.Values) { media(f); f.Set("MediaContentType0", "; charset=x") }, "MediaContentType0"},
		{"Latitude garbage", func(f url.Values) { f.Set("Latitude", "12.9;1=1"); f.Set("Longitude", "77.5") }, "Latitude"},
		{"Latitude without Longitude", func(f url.Values) { f.Set("Latitude", "12.9") }, "Latitude"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fixture(t, "text.form")
			c.edit(f)
			_, err := decodeInbound(f)
			require.Error(t, err, "the form must be refused")
			status, msg := server.StatusOf(err)
			assert.Equal(t, http.StatusBadRequest, status, "a malformed form is the caller's mistake")
			assert.Contains(t, msg, c.says, "the message should name the bad field")
			assert.NotContains(t, msg, "919812345678", "the message must not quote the patient's number")
		})
	}
}

func TestDecodeInboundLimits(t *testing.T) {
	f := fixture(t, "text.form")
	f.Set("Body", strings.Repeat("😀", maxBody))
	in, err := decodeInbound(f)
	require.NoError(t, err, "a body of exactly %d characters (not bytes) is allowed", maxBody)
	assert.Len(t, []rune(in.Body), maxBody)

	f = fixture(t, "text.form")
	f.Set("NumMedia", "10")
	for i := range 10 {
		f.Set("MediaUrl"+strconv.Itoa(i), mediaBase+"MM1/Media/ME"+strconv.Itoa(i))
		f.Set("MediaContentType"+strconv.Itoa(i), "image/jpeg")
	}
	in, err = decodeInbound(f)
	require.NoError(t, err, "Twilio sends at most 10 media, all accepted")
	assert.Len(t, in.Media, 10)

	f = fixture(t, "text.form")
	f.Set("NumMedia", "")
	in, err = decodeInbound(f)
	require.NoError(t, err, "an absent NumMedia means no media")
	assert.Empty(t, in.Media)
}

func TestInboundEvent(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	in, err := decodeInbound(fixture(t, "button.form"))
	require.NoError(t, err)
	ev := in.event(now)
	assert.Equal(t, "confirm_appt_42", ev.Button, "the button's payload is what the flow matches, not its label")
	assert.Equal(t, "Yes, confirm", ev.Body)
	assert.Equal(t, now, ev.At)
	assert.Equal(t, "+919812345678", in.phone())

	f := fixture(t, "button.form")
	f.Del("ButtonPayload")
	in, err = decodeInbound(f)
	require.NoError(t, err)
	assert.Equal(t, "Yes, confirm", in.event(now).Button, "without a payload the button's text is used")

	in, err = decodeInbound(fixture(t, "location.form"))
	require.NoError(t, err)
	ev = in.event(now)
	assert.Equal(t, [2]string{"12.9716", "77.5946"}, [2]string{ev.Lat, ev.Lon})
}
