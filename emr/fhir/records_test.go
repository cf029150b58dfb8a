package fhir

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
)

const records = "https://records.lotus-hospital.example/"

// TestHealthRecords: current documents and final reports with a file,
// newest first; superseded documents, preliminary reports, reports without
// a file and what the patient uploaded are not records.
func TestHealthRecords(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	asha := emr.PatientRef{ID: fhirtest.AshaID, Mobile: fhirtest.AshaMobile}
	require.NoError(t, c.UploadDocument(ctx(t), asha, emr.Document{URL: "https://api.twilio.com/m/ME1", ContentType: "application/pdf"}))
	require.NoError(t, c.SetProfilePhoto(ctx(t), asha, "https://api.twilio.com/m/ME2"))

	got, err := c.HealthRecords(ctx(t), asha)
	require.NoError(t, err)
	assert.Empty(t, got.Text)
	require.Len(t, got.Items, 3, "%+v", got.Items)
	want := []struct{ id, title, url, date string }{
		{"DocumentReference/doc-asha-thyroid", "Lab report: Thyroid profile (T3, T4, TSH)", records + "asha-thyroid.pdf", "2026-11-12"},
		{"DocumentReference/doc-asha-rx", "Prescription: Dr. Alok Mishra", records + "asha-rx.pdf", "2026-11-13"},
		{"DiagnosticReport/dr-asha-hba1c", "Lab report: HbA1c", records + "asha-hba1c.pdf", "2026-10-10"},
	}
	// Newest first: the prescription (11 days ago) before the thyroid
	// report (12 days ago), then the HbA1c report (45 days ago).
	order := []int{1, 0, 2}
	for i, w := range order {
		r := got.Items[i]
		assert.Equal(t, want[w].id, r.ID)
		assert.Equal(t, want[w].title, r.Title)
		assert.Equal(t, want[w].url, r.URL)
		assert.Equal(t, "application/pdf", r.ContentType)
		assert.Equal(t, want[w].date, r.Date.In(kolkata(t)).Format("2006-01-02"))
	}

	none, err := c.HealthRecords(ctx(t), emr.PatientRef{ID: fhirtest.ImranID})
	require.NoError(t, err)
	assert.Empty(t, none.Items)
	assert.Equal(t, 2, srv.Count(http.MethodGet, "DiagnosticReport"))
}

// TestHealthRecordsWithoutDiagnosticReport: a server that refuses the
// DiagnosticReport search still lists the documents.
func TestHealthRecordsWithoutDiagnosticReport(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	srv.Fail(fhirtest.Fault{Mode: fhirtest.Outcome, Method: http.MethodGet, Resource: "DiagnosticReport", Status: http.StatusNotFound,
		Issues: []fhirtest.Issue{{Severity: "error", Code: "not-supported"}}})
	got, err := c.HealthRecords(ctx(t), emr.PatientRef{ID: fhirtest.AshaID})
	require.NoError(t, err)
	assert.Len(t, got.Items, 2)

	srv.Fail(fhirtest.Fault{Mode: fhirtest.Error, Method: http.MethodGet, Resource: "DiagnosticReport"})
	_, err = c.HealthRecords(ctx(t), emr.PatientRef{ID: fhirtest.AshaID})
	assert.Equal(t, emr.Unavailable, emr.KindOf(err), "but a failing server is a failure")
}

func TestAbsoluteAttachmentURL(t *testing.T) {
	t.Parallel()
	c, err := New(hospital(t, "https://fhir.example/R4"), nil)
	require.NoError(t, err)
	for in, want := range map[string]string{
		"Binary/7":                     "https://fhir.example/R4/Binary/7",
		"https://cdn.example/a.pdf":    "https://cdn.example/a.pdf",
		"ftp://files.example/a.pdf":    "",
		"urn:uuid:0e4b-4c1e-8f1a-1234": "",
		"":                             "",
	} {
		assert.Equal(t, want, c.absolute(in), in)
	}
}
