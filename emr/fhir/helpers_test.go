package fhir

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// testNow is Tuesday 24 Nov 2026, 09:00 in Pune: Dr. Alok Mishra's OPD
// (09:00-13:00) has just begun, so today's first slot is already gone.
var testNow = time.Date(2026, 11, 24, 3, 30, 0, 0, time.UTC)

// kolkata is the seed hospital's zone.
func kolkata(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Kolkata")
	require.NoError(t, err)
	return loc
}

// hospital is a fhir hospital on the server, changed by edits.
func hospital(t testing.TB, base string, edits ...func(*config.Hospital)) config.Hospital {
	t.Helper()
	h := config.Hospital{
		Code: "fhir", Name: "Lotus Multispeciality Hospital", Timezone: "Asia/Kolkata", Location: kolkata(t), CountryCode: "91",
		EMR: config.EMR{
			Kind: config.EMRKindFHIR, BaseURL: base, Timeout: 5 * time.Second,
			Departments: config.FHIRDepartmentsService, Photo: config.FHIRPhotoPatient,
			Location: fhirtest.MainLocationID,
		},
	}
	for _, e := range edits {
		e(&h)
	}
	return h
}

// clock is a settable clock for the adapter.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// setup starts a seeded server and a client on it at testNow.
func setup(t *testing.T, edits ...func(*config.Hospital)) (*fhirtest.Server, *Client, *clock) {
	t.Helper()
	srv := fhirtest.Start(t, fhirtest.Today(testNow), fhirtest.Zone(kolkata(t)))
	clk := &clock{now: testNow}
	c, err := New(hospital(t, srv.URL(), edits...), nil, WithClock(clk.Now))
	require.NoError(t, err)
	return srv, c, clk
}

// day is a booking day offset days after the test's today.
func day(offset int) emr.Day { return emr.Day{Offset: offset} }

// ctx is a context for one call.
func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// q builds search parameters from pairs.
func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// field reads a nested field of a decoded resource: field(r, "meta", "versionId").
func field(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			s, ok := v.([]any)
			if !ok || k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

// doctorNames lists the doctors' names.
func doctorNames(ds []emr.Doctor) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Name
	}
	return out
}

func patientIDs(ps []emr.Patient) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}
