package fhir

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// TestServerFailures: what a failing server answers decides the Kind the
// conversation acts on; the error text names the request and the
// OperationOutcome's issue codes, never its diagnostics or patient data.
func TestServerFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault fhirtest.Fault
		kind  emr.Kind
		text  string
	}{
		{"500", fhirtest.Fault{Mode: fhirtest.Error}, emr.Unavailable, "GET Patient: HTTP 500: OperationOutcome fatal/exception"},
		{"503", fhirtest.Fault{Mode: fhirtest.Error, Status: 503}, emr.Unavailable, "HTTP 503"},
		{"429", fhirtest.Fault{Mode: fhirtest.Error, Status: 429}, emr.Unavailable, "HTTP 429"},
		{"401", fhirtest.Fault{Mode: fhirtest.Error, Status: 401}, emr.Unavailable, "check the EMR credentials"},
		{"OperationOutcome 422", fhirtest.Fault{Mode: fhirtest.Outcome}, emr.Rejected, "GET Patient: HTTP 422: OperationOutcome error/business-rule"},
		{"OperationOutcome 400, several issues", fhirtest.Fault{Mode: fhirtest.Outcome, Status: 400, Issues: []fhirtest.Issue{
			{Severity: "error", Code: "required", Diagnostics: "Patient.name: Asha Verma"},
			{Severity: "warning", Code: "Free Text With +919800000101"},
		}}, emr.Rejected, "HTTP 400: OperationOutcome error/required, warning/?"},
		{"409", fhirtest.Fault{Mode: fhirtest.Outcome, Status: 409}, emr.Conflict, "HTTP 409"},
		{"412", fhirtest.Fault{Mode: fhirtest.Outcome, Status: 412}, emr.Conflict, "HTTP 412"},
	}
	srv, c, _ := setup(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.Fail(tt.fault)
			_, err := c.FindPatients(ctx(t), fhirtest.AshaMobile)
			require.Error(t, err)
			assert.Equal(t, tt.kind, emr.KindOf(err))
			assert.Empty(t, emr.DisplayOf(err), "a server's words never reach the patient")
			assert.Contains(t, err.Error(), tt.text)
			assert.Contains(t, err.Error(), "emr find_patients")
			for _, secret := range []string{"Asha", "9800000101", "diagnostics", "injected", "pat-", srv.URL()} {
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}
	got, err := c.FindPatients(ctx(t), fhirtest.AshaMobile)
	require.NoError(t, err, "faults are used up")
	assert.Len(t, got, 1)
}

// TestTimeout: a server that never answers fails the call as Unavailable
// within the hospital's timeout.
func TestTimeout(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, func(h *config.Hospital) { h.EMR.Timeout = time.Second })
	srv.Fail(fhirtest.Fault{Mode: fhirtest.Hang, Resource: "Patient"})
	begin := time.Now()
	_, err := c.FindPatients(context.Background(), fhirtest.AshaMobile)
	elapsed := time.Since(begin)
	assert.Equal(t, emr.Unavailable, emr.KindOf(err))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "GET Patient: no answer in time")
	assert.Less(t, elapsed, 10*time.Second)
	assert.GreaterOrEqual(t, elapsed, time.Second, "the hospital's timeout ends the call")

	got, err := c.FindPatients(context.Background(), fhirtest.AshaMobile)
	require.NoError(t, err, "the next call is answered")
	assert.Len(t, got, 1)

	srv.Fail(fhirtest.Fault{Mode: fhirtest.Hang})
	caller, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.FindPatients(caller, fhirtest.AshaMobile)
		done <- err
	}()
	require.Eventually(t, func() bool {
		reqs := srv.Requests()
		return len(reqs) > 0 && reqs[len(reqs)-1].Status == -1
	}, 5*time.Second, 5*time.Millisecond, "the request should reach the server and hang")
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled, "the caller giving up ends the call")
}

// TestUnreachable: nothing listening is Unavailable; the error names the
// address that refused, not the URL with its search parameters.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	c, err := New(hospital(t, "http://127.0.0.1:1/fhir"), nil)
	require.NoError(t, err)
	_, err = c.FindPatients(ctx(t), fhirtest.AshaMobile)
	assert.Equal(t, emr.Unavailable, emr.KindOf(err))
	assert.Contains(t, err.Error(), "connection refused")
	assert.NotContains(t, err.Error(), "/fhir")
	assert.NotContains(t, err.Error(), "9800000101")
}

// TestIfMatch: an update carrying the version we read is refused when the
// resource changed since, and the server keeps the other change.
func TestIfMatch(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	const op = "test"
	r, err := c.read(ctx(t), op, "Patient", fhirtest.ImranID)
	require.NoError(t, err)
	require.NotEmpty(t, r.version)

	p := srv.Read("Patient", fhirtest.ImranID)
	p["gender"] = "other"
	srv.Put(p)

	require.NoError(t, r.set("birthDate", "1980"))
	err = c.update(ctx(t), op, r)
	assert.Equal(t, emr.Conflict, emr.KindOf(err))
	assert.Equal(t, "1985", srv.Read("Patient", fhirtest.ImranID)["birthDate"])

	r, err = c.read(ctx(t), op, "Patient", fhirtest.ImranID)
	require.NoError(t, err)
	require.NoError(t, r.set("birthDate", "1980"))
	require.NoError(t, c.update(ctx(t), op, r))
	got := srv.Read("Patient", fhirtest.ImranID)
	assert.Equal(t, "1980", got["birthDate"])
	assert.Equal(t, "other", got["gender"])
	var puts []fhirtest.Request
	for _, rq := range srv.Requests() {
		if rq.Method == http.MethodPut {
			puts = append(puts, rq)
		}
	}
	assert.Len(t, puts, 2)
}

// TestPaging: a search follows the server's next links and gathers every
// page.
func TestPaging(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	f, err := c.search(ctx(t), "test", "Patient", q("_count", "2"))
	require.NoError(t, err)
	assert.Len(t, f.matches, 6, "every seed patient, three pages of two")
	assert.Equal(t, 3, srv.Count(http.MethodGet, "Patient"))
}

// TestNew refuses configurations that cannot work.
func TestNew(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string]func(*config.Hospital){
		"no base url":      func(h *config.Hospital) { h.EMR.BaseURL = "" },
		"relative":         func(h *config.Hospital) { h.EMR.BaseURL = "/fhir" },
		"departments":      func(h *config.Hospital) { h.EMR.Departments = "wards" },
		"photo":            func(h *config.Hospital) { h.EMR.Photo = "binary" },
		"negative timeout": func(h *config.Hospital) { h.EMR.Timeout = -time.Second },
		"token without secret": func(h *config.Hospital) {
			h.EMR.TokenURL, h.EMR.ClientID = "https://auth.example/token", "frontdesk"
		},
	} {
		_, err := New(hospital(t, "https://fhir.example/R4", edit), nil)
		assert.Error(t, err, name)
	}
	c, err := New(hospital(t, "https://fhir.example/R4/", func(h *config.Hospital) {
		h.EMR.Departments, h.EMR.Photo, h.EMR.Timeout, h.Location = "", "", 0, nil
	}), nil)
	require.NoError(t, err)
	assert.Equal(t, "https://fhir.example/R4", c.base)
	assert.Equal(t, config.FHIRDepartmentsService, c.departments)
	assert.Equal(t, config.FHIRPhotoPatient, c.photo)
	assert.Equal(t, config.DefaultEMRTimeout, c.timeout)
	assert.Equal(t, "Asia/Kolkata", c.loc.String())
	assert.Equal(t, emr.Capabilities{Slots: true, VideoVisits: true, UploadDocument: true, UpdateAddress: true, ProfilePhoto: true, Cancel: true},
		c.Capabilities())
}

func TestOutcomeSummary(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "", outcomeSummary([]byte(`{"resourceType":"Patient"}`)))
	assert.Equal(t, "", outcomeSummary([]byte(`not json`)))
	long := `{"resourceType":"OperationOutcome","issue":[` + strings.Repeat(`{"severity":"error","code":"invalid"},`, 6) + `{"severity":"error","code":"invalid"}]}`
	assert.Equal(t, ": OperationOutcome error/invalid, error/invalid, error/invalid, error/invalid, error/invalid, and 2 more", outcomeSummary([]byte(long)))
	assert.True(t, errors.Is(opError("x", emr.Rejected, errBadMobile), errBadMobile))
}
