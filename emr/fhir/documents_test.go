package fhir

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

const twilioMedia = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"

// TestUploadDocument: the file becomes a DocumentReference of the patient
// with the URL, content type and caption; other types are refused before
// any request.
func TestUploadDocument(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	asha := emr.PatientRef{ID: fhirtest.AshaID}
	require.NoError(t, c.UploadDocument(ctx(t), asha, emr.Document{URL: twilioMedia, ContentType: "image/JPEG", Caption: " blood test "}))
	docs := srv.Search("DocumentReference", q("patient", "Patient/"+fhirtest.AshaID, "category", sourceSystem+"|"+sourceUpload))
	require.Len(t, docs, 1)
	d := docs[0]
	assert.Equal(t, "current", d["status"])
	assert.Equal(t, "blood test", d["description"])
	assert.Equal(t, map[string]any{"contentType": "image/jpeg", "url": twilioMedia, "title": "blood test"}, field(d, "content", 0, "attachment"))

	for _, doc := range []emr.Document{
		{URL: twilioMedia, ContentType: "image/webp"},
		{URL: "file:///etc/passwd", ContentType: "application/pdf"},
	} {
		err := c.UploadDocument(ctx(t), asha, doc)
		assert.Equal(t, emr.Rejected, emr.KindOf(err))
		assert.NotEmpty(t, emr.DisplayOf(err), "the patient is told what to send")
	}
	assert.Equal(t, 1, srv.Count(http.MethodPost, "DocumentReference"))
}

// TestSetProfilePhoto: Patient.photo is replaced, with If-Match, and every
// other field of the Patient is kept; or a DocumentReference is filed.
func TestSetProfilePhoto(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	before := srv.Read("Patient", fhirtest.AshaID)
	require.NoError(t, c.SetProfilePhoto(ctx(t), emr.PatientRef{ID: fhirtest.AshaID}, twilioMedia))
	after := srv.Read("Patient", fhirtest.AshaID)
	assert.Equal(t, twilioMedia, field(after, "photo", 0, "url"))
	for _, k := range []string{"identifier", "telecom", "name", "address", "birthDate", "managingOrganization"} {
		assert.Equal(t, before[k], after[k], "%s must survive the update", k)
	}
	assert.NotEqual(t, field(before, "meta", "versionId"), field(after, "meta", "versionId"))
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPut {
			assert.Equal(t, "Patient/"+fhirtest.AshaID, r.Path)
		}
	}

	err := c.SetProfilePhoto(ctx(t), emr.PatientRef{ID: fhirtest.AshaID}, "not a url")
	assert.Equal(t, emr.Rejected, emr.KindOf(err))

	docSrv, docs, _ := setup(t, func(h *config.Hospital) { h.EMR.Photo = config.FHIRPhotoDocument })
	require.NoError(t, docs.SetProfilePhoto(ctx(t), emr.PatientRef{ID: fhirtest.SavitaID}, twilioMedia))
	filed := docSrv.Search("DocumentReference", q("patient", "Patient/"+fhirtest.SavitaID, "category", sourceSystem+"|"+sourcePhoto))
	require.Len(t, filed, 1)
	assert.Equal(t, twilioMedia, field(filed[0], "content", 0, "attachment", "url"))
	assert.Nil(t, docSrv.Read("Patient", fhirtest.SavitaID)["photo"], "the Patient is not touched")
}

// TestUpdateAddress: the home address is replaced, a work address kept,
// and a write that lost a race with another change is redone on the
// fresh Patient.
func TestUpdateAddress(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	p := srv.Read("Patient", fhirtest.RameshID)
	p["address"] = append(p["address"].([]any), map[string]any{"use": "work", "text": "Office 5, Hinjewadi Phase 1, Pune"})
	srv.Put(p)

	srv.Fail(fhirtest.Fault{Mode: fhirtest.Outcome, Method: http.MethodPut, Resource: "Patient", Status: http.StatusPreconditionFailed})
	addr := "Flat 4, 12 MG Road, Camp, Pune 411001"
	require.NoError(t, c.UpdateAddress(ctx(t), emr.PatientRef{ID: fhirtest.RameshID}, "  "+addr+"\n"))
	got := srv.Read("Patient", fhirtest.RameshID)
	assert.Equal(t, []any{
		map[string]any{"use": "home", "text": addr},
		map[string]any{"use": "work", "text": "Office 5, Hinjewadi Phase 1, Pune"},
	}, got["address"])
	assert.Equal(t, 2, srv.Count(http.MethodPut, "Patient"), "the refused write is redone once")

	for _, a := range []string{"   ", strings.Repeat("a", 501)} {
		err := c.UpdateAddress(ctx(t), emr.PatientRef{ID: fhirtest.RameshID}, a)
		assert.Equal(t, emr.Rejected, emr.KindOf(err))
	}

	srv.Fail(fhirtest.Fault{Mode: fhirtest.Outcome, Method: http.MethodPut, Resource: "Patient", Status: http.StatusPreconditionFailed, Count: updateTries})
	err := c.UpdateAddress(ctx(t), emr.PatientRef{ID: fhirtest.RameshID}, addr)
	assert.Equal(t, emr.Conflict, emr.KindOf(err), "a Patient changing all the time is a Conflict in the end")

	err = c.UpdateAddress(ctx(t), emr.PatientRef{ID: "pat-nobody"}, addr)
	assert.Equal(t, emr.Rejected, emr.KindOf(err))
}
