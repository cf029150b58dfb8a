package demo

import (
	"context"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/frontdesk-health/frontdesk/emr"
)

// maxAddressRunes bounds an address the way an EMR's form field would.
const maxAddressRunes = 500

// SetProfilePhoto stores imageURL as the patient's photo. The demo keeps the
// URL and does not fetch the image.
func (e *EMR) SetProfilePhoto(ctx context.Context, ref emr.PatientRef, imageURL string) error {
	if err := e.begin(ctx, OpProfilePhoto); err != nil {
		return err
	}
	if !httpURL(imageURL) {
		return rejected(OpProfilePhoto, errBadURL, "The photo could not be read. Please send it again.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p, err := e.patientLocked(OpProfilePhoto, ref.ID)
	if err != nil {
		return err
	}
	p.photo = imageURL
	return nil
}

// UploadDocument files a document with the patient's record.
func (e *EMR) UploadDocument(ctx context.Context, ref emr.PatientRef, d emr.Document) error {
	if err := e.begin(ctx, OpUploadDocument); err != nil {
		return err
	}
	if !httpURL(d.URL) {
		return rejected(OpUploadDocument, errBadURL, "The document could not be read. Please send it again.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p, err := e.patientLocked(OpUploadDocument, ref.ID)
	if err != nil {
		return err
	}
	p.docs = append(p.docs, d)
	return nil
}

// UpdateAddress replaces the patient's address (spaces trimmed).
func (e *EMR) UpdateAddress(ctx context.Context, ref emr.PatientRef, address string) error {
	if err := e.begin(ctx, OpUpdateAddress); err != nil {
		return err
	}
	address = strings.TrimSpace(address)
	if address == "" || utf8.RuneCountInString(address) > maxAddressRunes {
		return rejected(OpUpdateAddress, errBadAddress, "Please send the full address in one message (up to 500 characters).")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p, err := e.patientLocked(OpUpdateAddress, ref.ID)
	if err != nil {
		return err
	}
	p.address = address
	return nil
}

// Documents returns a copy of the documents a patient uploaded, oldest
// first; an unknown patient has none.
func (e *EMR) Documents(patientID string) []emr.Document {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.byID[patientID]; ok {
		return append([]emr.Document(nil), p.docs...)
	}
	return nil
}

// Address returns the patient's stored address, "" when none.
func (e *EMR) Address(patientID string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.byID[patientID]; ok {
		return p.address
	}
	return ""
}

// Photo returns the URL of the patient's profile photo, "" when none.
func (e *EMR) Photo(patientID string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.byID[patientID]; ok {
		return p.photo
	}
	return ""
}

// httpURL accepts absolute http and https URLs, the only kind Twilio media
// and the simulator produce.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
