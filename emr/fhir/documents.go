package fhir

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// sourceSystem is the code system of the category this adapter gives the
// DocumentReferences it files, so records can leave them out.
const sourceSystem = "https://github.com/frontdesk-health/frontdesk/fhir/document-source"

// The categories of documents this adapter files.
const (
	sourceUpload = "patient-upload"
	sourcePhoto  = "profile-photo"
)

// documentTypes are the files a patient may upload, as the conversation
// accepts them.
var documentTypes = []string{"image/jpeg", "image/png", "application/pdf"}

// maxCaptionRunes bounds the caption filed with a document.
const maxCaptionRunes = 200

var (
	errBadURL  = errors.New("not an absolute http(s) URL")
	errBadType = errors.New("content type not accepted")
)

// UploadDocument files a DocumentReference whose attachment is the
// document's URL and content type; the caption is its description and
// title. The bytes are not fetched (the URL opens with Twilio's
// credentials, which this adapter does not hold), so only the content type
// is checked; the size is not known here and not filed.
func (c *Client) UploadDocument(ctx context.Context, p emr.PatientRef, d emr.Document) error {
	const op = string(emr.OpUploadDocument)
	switch {
	case p.ID == "":
		return opError(op, emr.Rejected, errNoPatient)
	case !httpURL(d.URL):
		return &emr.Error{Op: op, Kind: emr.Rejected, Err: errBadURL, Display: "The document could not be read. Please send it again."}
	case !slices.Contains(documentTypes, strings.ToLower(d.ContentType)):
		return &emr.Error{Op: op, Kind: emr.Rejected, Err: errBadType, Display: "Please send a JPEG or PNG photo, or a PDF."}
	}
	ctx, cancel := c.begin(ctx)
	defer cancel()
	caption := truncate(strings.TrimSpace(d.Caption), maxCaptionRunes)
	_, err := c.create(ctx, op, "DocumentReference", c.document(p, sourceUpload, "Document from the patient",
		Attachment{ContentType: strings.ToLower(d.ContentType), URL: d.URL, Title: firstOf(caption, "Document from WhatsApp")}, caption))
	return err
}

// SetProfilePhoto stores the image URL as the patient's photo: Patient.photo
// (replacing the previous one, with If-Match) or, with emr.photo:
// document_reference, a DocumentReference. The content type is not known
// from a URL alone, so it is left out.
func (c *Client) SetProfilePhoto(ctx context.Context, p emr.PatientRef, imageURL string) error {
	const op = string(emr.OpProfilePhoto)
	switch {
	case p.ID == "":
		return opError(op, emr.Rejected, errNoPatient)
	case !httpURL(imageURL):
		return &emr.Error{Op: op, Kind: emr.Rejected, Err: errBadURL, Display: "The photo could not be read. Please send it again."}
	}
	ctx, cancel := c.begin(ctx)
	defer cancel()
	photo := Attachment{URL: imageURL, Title: "Profile photo", Creation: c.now().In(c.loc).Format(time.RFC3339)}
	if c.photo == config.FHIRPhotoDocument {
		_, err := c.create(ctx, op, "DocumentReference", c.document(p, sourcePhoto, "Profile photo", photo, ""))
		return err
	}
	return c.updatePatient(ctx, op, p.ID, func(r raw) error { return r.set("photo", []Attachment{photo}) })
}

// document is a DocumentReference this adapter files.
func (c *Client) document(p emr.PatientRef, source, typ string, a Attachment, description string) DocumentReference {
	return DocumentReference{
		ResourceType: "DocumentReference",
		Status:       "current",
		Type:         &CodeableConcept{Text: typ},
		Category:     []CodeableConcept{{Coding: []Coding{{System: sourceSystem, Code: source}}, Text: typ}},
		Subject:      &Reference{Reference: "Patient/" + p.ID},
		Date:         c.now().In(c.loc).Format(time.RFC3339),
		Description:  description,
		Content:      []DocumentContent{{Attachment: a}},
	}
}

// ours reports whether this adapter filed the document.
func ours(d DocumentReference) bool {
	return slices.ContainsFunc(d.Category, func(c CodeableConcept) bool {
		return c.has(sourceSystem, sourceUpload) || c.has(sourceSystem, sourcePhoto)
	})
}

// httpURL accepts absolute http and https URLs, the only kind Twilio media
// has.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
