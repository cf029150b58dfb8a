package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

// twilioMedia answers Twilio's media hosts in process (the process's
// media transport, runtime.WithMediaTransport; every harness has one as
// h.media) the way Twilio does: a media URL on api.twilio.com wants the
// account's basic auth and redirects to a short-lived URL on
// mms.twiliocdn.com, which serves the file. Other hosts go out for real.
type twilioMedia struct {
	mu      sync.Mutex
	files   map[string]twilioFile // by media URL path
	seq     int
	apiAuth []string // Authorization headers api.twilio.com received
	cdnAuth []string // and mms.twiliocdn.com
	others  []string // hosts of other requests
}

type twilioFile struct {
	data        []byte
	contentType string // what Twilio claims, whatever the bytes are
}

// newTwilioMedia serves, besides what put adds, the media URLs other
// tests of this package send, with files of the type they claim.
func newTwilioMedia() *twilioMedia {
	m := &twilioMedia{files: map[string]twilioFile{}}
	for u, f := range map[string]twilioFile{
		svcJPEG: {photoJPEG, "image/jpeg"}, svcPNG: {photoPNG, "image/png"}, svcPDF: {reportPDF, "application/pdf"},
		svcWEBP: {stickerWEBP, "image/webp"}, fhirJPEG: {photoJPEG, "image/jpeg"}, fhirPDF: {reportPDF, "application/pdf"},
		photoURL: {photoJPEG, "image/jpeg"},
	} {
		parsed, err := url.Parse(u)
		if err != nil {
			panic(err)
		}
		m.files[parsed.Path] = f
	}
	return m
}

// put stores a file as an inbound message's media and returns its URL.
func (m *twilioMedia) put(data []byte, contentType string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	path := fmt.Sprintf("/2010-04-01/Accounts/%s/Messages/MM%032d/Media/ME%032d", accountSID, m.seq, m.seq)
	m.files[path] = twilioFile{data: data, contentType: contentType}
	return "https://api.twilio.com" + path
}

// file returns what a Twilio media URL serves.
func (m *twilioMedia) file(rawURL string) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	return m.files[u.Path].data
}

func (m *twilioMedia) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	m.mu.Lock()
	switch r.URL.Host {
	case "api.twilio.com":
		m.apiAuth = append(m.apiAuth, r.Header.Get("Authorization"))
		sid, token, ok := r.BasicAuth()
		_, known := m.files[r.URL.Path]
		switch {
		case !ok || sid != accountSID || token != authToken:
			http.Error(rec, `{"code":20003,"message":"Authenticate","status":401}`, http.StatusUnauthorized)
		case !known:
			http.Error(rec, `{"code":20404,"status":404}`, http.StatusNotFound)
		default:
			http.Redirect(rec, r, "https://mms.twiliocdn.com"+r.URL.Path+"?Expires=1&Signature=s", http.StatusTemporaryRedirect)
		}
	case "mms.twiliocdn.com":
		m.cdnAuth = append(m.cdnAuth, r.Header.Get("Authorization"))
		if f, ok := m.files[r.URL.Path]; ok {
			rec.Header().Set("Content-Type", f.contentType)
			rec.Write(f.data)
		} else {
			http.Error(rec, "AccessDenied", http.StatusForbidden)
		}
	default:
		m.others = append(m.others, r.URL.Host)
		m.mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	}
	m.mu.Unlock()
	return rec.Result(), nil
}

func (m *twilioMedia) auth() (api, cdn []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.apiAuth...), append([]string(nil), m.cdnAuth...)
}

// otherHosts are the hosts asked that are not Twilio's.
func (m *twilioMedia) otherHosts() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.others...)
}

// Files as patients send them.
var (
	photoJPEG = func() []byte {
		img := image.NewRGBA(image.Rect(0, 0, 64, 64))
		for x := range 64 {
			img.Set(x, x, color.RGBA{R: 200, A: 255})
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, nil); err != nil {
			panic(err)
		}
		return b.Bytes()
	}()
	photoPNG = func() []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
			panic(err)
		}
		return b.Bytes()
	}()
	reportPDF = []byte("%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n" +
		"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
	stickerWEBP = append([]byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00"), make([]byte, 16)...)
)

// fetch GETs a link as the EMR would and returns status, type and body.
func fetch(t *testing.T, link string) (int, string, []byte) {
	t.Helper()
	res, err := http.Get(link)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, res.Header.Get("Content-Type"), body
}

// ourLink checks that the EMR was handed a link of our own, not Twilio's.
func ourLink(t *testing.T, h *harness, link string) {
	t.Helper()
	assert.True(t, strings.HasPrefix(link, h.base+"/media/"), "the EMR gets a link to frontdesk, got %q", link)
	assert.NotContains(t, link, "twilio")
}

// assertMediaLink checks that link, given to the EMR for a file the
// patient sent as twilioURL, is frontdesk's own and serves that file's
// bytes: what tests compared with the Twilio URL before the bot
// downloaded media.
func (h *harness) assertMediaLink(t *testing.T, link, twilioURL string) {
	t.Helper()
	ourLink(t, h, link)
	code, _, body := fetch(t, link)
	require.Equal(t, http.StatusOK, code, "the link serves the file: %s", body)
	assert.Equal(t, h.media.file(twilioURL), body, "the link serves the bytes the patient sent")
}

func TestMediaReachTheEMRAsOurOwnSignedLinks(t *testing.T) {
	t.Parallel()
	h := start(t)
	media := h.media
	phone := "+919790000001"

	h.say(phone, "hi abc", wording("ask_name"))
	h.say(phone, "Meera Nair", wording("ask_age"))
	h.say(phone, "52", wording("ask_gender"))
	h.say(phone, "2", wording("ask_photo_optional"))
	photo := media.put(photoJPEG, "image/jpeg")
	h.sendExpect(withMedia(h.form(phone, ""), [2]string{photo, "image/jpeg"}), "patient ID", wording("menu_heading"))

	pics := h.emr.CallsTo("profile_pic")
	require.Len(t, pics, 1)
	photoLink := pics[0].Fields["image_url"]
	h.assertMediaLink(t, photoLink, photo)
	code, ct, body := fetch(t, photoLink)
	require.Equal(t, http.StatusOK, code, string(body))
	assert.Equal(t, "image/jpeg", ct)
	assert.Equal(t, photoJPEG, body, "the EMR gets the very bytes the patient sent")

	h.say(phone, "6", "send the document")
	h.sendExpect(withMedia(h.form(phone, "blood test"), [2]string{media.put(reportPDF, "application/pdf"), "application/pdf"}),
		"document is saved")
	docs := h.emr.CallsTo("upload_document")
	require.Len(t, docs, 1)
	assert.Equal(t, "application/pdf", docs[0].Fields["content_type"])
	assert.Equal(t, "blood test", docs[0].Fields["caption"])
	docLink := docs[0].Fields["url"]
	ourLink(t, h, docLink)
	code, ct, body = fetch(t, docLink)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "application/pdf", ct)
	assert.Equal(t, reportPDF, body)

	api, cdn := media.auth()
	require.Len(t, api, 2)
	for _, a := range api {
		assert.True(t, strings.HasPrefix(a, "Basic "), "Twilio's API gets the account's credentials")
	}
	assert.Equal(t, []string{"", ""}, cdn, "Twilio's CDN gets no credentials")
	assert.NotContains(t, h.logs.String(), photoLink[strings.Index(photoLink, "?"):], "links are not logged")

	t.Run("a tampered link is refused", func(t *testing.T) {
		u, err := url.Parse(docLink)
		require.NoError(t, err)
		q := u.Query()
		sig := []byte(q.Get("sig"))
		sig[3] ^= 1
		q.Set("sig", string(sig))
		u.RawQuery = q.Encode()
		code, _, body := fetch(t, u.String())
		assert.Equal(t, http.StatusForbidden, code)
		assert.NotContains(t, string(body), "PDF")

		q = u.Query()
		q.Set("exp", fmt.Sprint(time.Now().Add(365*24*time.Hour).Unix()))
		u.RawQuery = q.Encode()
		code, _, _ = fetch(t, u.String())
		assert.Equal(t, http.StatusForbidden, code, "a longer expiry breaks the signature")
	})
	t.Run("an expired link is refused", func(t *testing.T) {
		h.clock.Advance(7*24*time.Hour + time.Minute)
		code, _, body := fetch(t, photoLink)
		assert.Equal(t, http.StatusForbidden, code)
		assert.Contains(t, string(body), "expired")
	})
}

func TestMediaOfTheWrongKindIsRefusedWithAReason(t *testing.T) {
	t.Parallel()
	h := start(t)
	media := h.media
	p := restapitest.KnownMobile
	h.say(p, "hi abc", wording("menu_heading"))
	h.say(p, "5", wording("ask_new_photo"))

	// WhatsApp stickers are WebP; Twilio may well call one image/jpeg.
	out := h.sendExpect(withMedia(h.form(p, ""), [2]string{media.put(stickerWEBP, "image/jpeg"), "image/jpeg"}),
		wording("media_refused", "reason", wording("media_reason_type_photo")), wording("ask_new_photo"))
	assert.NotContains(t, out, wording("photo_updated"))
	assert.Empty(t, h.emr.CallsTo("profile_pic"), "a refused file never reaches the EMR")

	h.sendExpect(withMedia(h.form(p, ""), [2]string{svcJPEG, "image/jpeg"}), wording("photo_updated"))
	pics := h.emr.CallsTo("profile_pic")
	require.Len(t, pics, 1)
	h.assertMediaLink(t, pics[0].Fields["image_url"], svcJPEG)

	h.say(p, "6", "send the document")
	h.sendExpect(withMedia(h.form(p, ""), [2]string{"https://files.example.org/report.pdf", "application/pdf"}),
		wording("media_refused", "reason", wording("media_reason_unreachable")), wording("ask_document"))
	assert.Empty(t, h.emr.CallsTo("upload_document"))
	assert.NotContains(t, media.otherHosts(), "files.example.org", "a host other than Twilio's is never asked")
}
