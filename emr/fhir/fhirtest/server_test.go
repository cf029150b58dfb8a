package fhirtest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var tuesday = time.Date(2026, 11, 24, 3, 30, 0, 0, time.UTC)

// TestTransactionIsAllOrNothing: a transaction whose Slot update fails its
// If-Match leaves no Appointment behind, which the booking race relies on
// (Medplum's memory repository alone would keep it).
func TestTransactionIsAllOrNothing(t *testing.T) {
	t.Parallel()
	s := Start(t, Today(tuesday))
	slot := s.Read("Slot", "alok-20261125-0930")
	require.NotNil(t, slot)
	stale := `W/"` + slot["meta"].(map[string]any)["versionId"].(string) + `"`
	slot["comment"] = "changed by the front desk"
	s.Put(slot)

	slot["status"] = "busy"
	tx := map[string]any{"resourceType": "Bundle", "type": "transaction", "entry": []any{
		map[string]any{"fullUrl": "urn:uuid:6f1c2d36-63a4-4d3c-9a8e-0d5c1b9d2f10", "request": map[string]any{"method": "POST", "url": "Appointment"},
			"resource": map[string]any{"resourceType": "Appointment", "status": "booked", "slot": []any{map[string]any{"reference": "Slot/alok-20261125-0930"}},
				"participant": []any{map[string]any{"actor": map[string]any{"reference": "Patient/" + RameshID}, "status": "accepted"}}}},
		map[string]any{"request": map[string]any{"method": "PUT", "url": "Slot/alok-20261125-0930", "ifMatch": stale}, "resource": slot},
	}}
	status, err := exchange(http.MethodPost, s.URL(), tx, nil, false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "HTTP 412")
	assert.Zero(t, status)
	assert.Empty(t, s.Search("Appointment", url.Values{"slot": {"Slot/alok-20261125-0930"}}), "the created Appointment is rolled back")
	assert.Equal(t, "free", s.Read("Slot", "alok-20261125-0930")["status"])
}

// TestTenantsAreIsolated: each Start has its own data, faults and log.
func TestTenantsAreIsolated(t *testing.T) {
	t.Parallel()
	a, b := Start(t, Today(tuesday)), Start(t, Today(tuesday))
	p := a.Read("Patient", AshaID)
	p["gender"] = "other"
	a.Put(p)
	assert.Equal(t, "female", b.Read("Patient", AshaID)["gender"])
	assert.Equal(t, a.Seeded(), b.Seeded())
	assert.Equal(t, 546, a.Seeded().Slots)

	a.Fail(Fault{Mode: Error, Method: http.MethodGet, Resource: "Patient", Count: 2})
	for range 3 {
		_, _ = exchange(http.MethodGet, a.URL()+"/Patient?_count=1", nil, nil, false)
		_, err := exchange(http.MethodGet, b.URL()+"/Patient?_count=1", nil, nil, false)
		require.NoError(t, err, "b has no fault")
	}
	statuses := []int{}
	for _, r := range a.Requests() {
		statuses = append(statuses, r.Status)
	}
	assert.Equal(t, []int{500, 500, 200}, statuses, "two faulted, then served; Read and Put are not in the log")
	assert.Equal(t, 3, b.Count(http.MethodGet, "Patient"))
	assert.Zero(t, b.Count(http.MethodPost, ""))

	e := Start(t, Empty())
	assert.Nil(t, e.Read("Patient", AshaID))
}

func TestRequestResource(t *testing.T) {
	for path, want := range map[string]string{"": "Bundle", "Slot?status=free": "Slot", "Patient/pat-asha": "Patient", "metadata": "metadata"} {
		assert.Equal(t, want, Request{Path: path}.Resource(), path)
	}
}

func TestNodeMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	msg, fail := nodeMissing(false)
	assert.Contains(t, msg, "FHIR TESTS NOT RUN: node and npm not on PATH")
	assert.False(t, fail, "skipped on a developer's machine")
	_, fail = nodeMissing(true)
	assert.True(t, fail, "failed under CI")
}

// TestSeedDates: placeholders become dates of the seed's zone, and slots
// keep wall-clock hours.
func TestSeedDates(t *testing.T) {
	loc := time.FixedZone("IST", 5*3600+1800)
	today := time.Date(2026, 11, 24, 0, 0, 0, 0, loc)
	v := expand(map[string]any{"a": "$date(-12)", "b": []any{"$instant(1 09:15)"}, "c": "$dates"}, today).(map[string]any)
	assert.Equal(t, "2026-11-12", v["a"])
	assert.Equal(t, []any{"2026-11-25T09:15:00+05:30"}, v["b"])
	assert.Equal(t, "$dates", v["c"])
	slots, err := weekOfSlots([]session{{Schedule: "sched-x", Days: []string{"tue"}, From: "09:00", To: "10:00", Minutes: 20, BusyEvery: 2}}, today)
	require.NoError(t, err)
	require.Len(t, slots, 3)
	assert.Equal(t, "x-20261124-0920", slots[1]["id"])
	assert.Equal(t, "busy", slots[1]["status"])
	assert.True(t, strings.HasSuffix(slots[2]["end"].(string), "T10:00:00+05:30"))
	_, err = weekOfSlots([]session{{Schedule: "sched-x", Days: []string{"someday"}, From: "09:00", To: "10:00", Minutes: 20}}, today)
	assert.Error(t, err)
}
