package restapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// TestFailureModes checks every operation against every way the EMR can
// fail: the kind tells the flow what to say, and the text names the
// operation without patient data or anything from the answer.
func TestFailureModes(t *testing.T) {
	type script func(fake *restapitest.Server, op string)
	modes := []struct {
		name   string
		script script
		kind   emr.Kind
	}{
		{"status zero", func(f *restapitest.Server, op string) { f.Fail(op, restapitest.StatusZero) }, emr.Rejected},
		{"HTTP 500", func(f *restapitest.Server, op string) { f.Fail(op, restapitest.HTTP500) }, emr.Unavailable},
		{"HTML instead of JSON", func(f *restapitest.Server, op string) { f.Fail(op, restapitest.NotJSON) }, emr.Unavailable},
		{"oversized answer", func(f *restapitest.Server, op string) { f.Fail(op, restapitest.Oversized) }, emr.Unavailable},
		{"HTTP 404 with JSON", func(f *restapitest.Server, op string) {
			f.RespondRaw(op, http.StatusNotFound, `{"status":0,"message":"Not found"}`)
		}, emr.Unavailable},
		{"HTTP 502 with success JSON", func(f *restapitest.Server, op string) {
			f.RespondRaw(op, http.StatusBadGateway, `{"status":1}`)
		}, emr.Unavailable},
		{"empty body", func(f *restapitest.Server, op string) { f.RespondRaw(op, http.StatusOK, "") }, emr.Unavailable},
		{"JSON array", func(f *restapitest.Server, op string) { f.RespondRaw(op, http.StatusOK, `[{"status":1}]`) }, emr.Unavailable},
		{"truncated JSON", func(f *restapitest.Server, op string) {
			f.RespondRaw(op, http.StatusOK, `{"status":1,"message":"Asha Verma`)
		}, emr.Unavailable},
	}
	for _, o := range operations {
		for _, m := range modes {
			t.Run(o.op+"/"+m.name, func(t *testing.T) {
				c, fake := newClient(t)
				m.script(fake, o.op)
				err := o.call(t.Context(), c)
				if m.kind == emr.Rejected && (o.op == "match_mobile" || o.op == "upcoming") {
					// Status 0 means "not registered" / "no appointments".
					require.NoError(t, err)
					return
				}
				requireEMRError(t, err, o.op, m.kind)
				for _, leak := range []string{"Internal Server Error", "mysqli", "xxxx", "Not found", fake.URL()} {
					assert.NotContains(t, err.Error(), leak, "answer or URL leaked into the error")
				}
			})
		}
	}
}

// TestStatusZeroAnswers checks the two operations where status 0 is an
// answer, not a failure, return empty lists.
func TestStatusZeroAnswers(t *testing.T) {
	c, fake := newClient(t)
	fake.Fail("match_mobile", restapitest.StatusZero)
	fake.Fail("upcoming", restapitest.StatusZero)

	patients, err := c.FindPatients(t.Context(), restapitest.KnownMobile)
	require.NoError(t, err)
	assert.Empty(t, patients)

	appts, err := c.Upcoming(t.Context(), known)
	require.NoError(t, err)
	assert.Empty(t, appts)

	// Only an explicit 0 means "none": a missing status must not send a
	// registered patient into registering again.
	fake.RespondRaw("match_mobile", http.StatusOK, `{"message":"maintenance"}`)
	_, err = c.FindPatients(t.Context(), restapitest.KnownMobile)
	requireEMRError(t, err, "match_mobile", emr.Rejected)
}

// TestRejectionDisplay checks that the EMR's own short explanation
// reaches the patient (Display) but never the error text.
func TestRejectionDisplay(t *testing.T) {
	long := strings.Repeat("Please call the front desk. ", 20)
	tests := []struct {
		name, body, display string
	}{
		{"short message", `{"status":0,"message":"Dr. Sunil Nair is on leave tomorrow"}`, "Dr. Sunil Nair is on leave tomorrow"},
		{"padded", `{"status":"0","message":"  Slots full  "}`, "Slots full"},
		{"too long", `{"status":0,"message":"` + long + `"}`, ""},
		{"not a string", `{"status":0,"message":{"code":17}}`, ""},
		{"no message", `{"status":false}`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newClient(t)
			fake.RespondRaw("book_in_person", http.StatusOK, tc.body)
			_, err := c.Book(t.Context(), booking(emr.InPerson))
			e := requireEMRError(t, err, "book_in_person", emr.Rejected)
			assert.Equal(t, tc.display, e.Display)
			assert.Equal(t, tc.display, emr.DisplayOf(err))
			if tc.display != "" {
				assert.NotContains(t, err.Error(), tc.display)
			}
		})
	}
}

// TestAuthRefused checks that a wrong auth header (HTTP 401) is
// Unavailable: a configuration fault the patient cannot fix.
func TestAuthRefused(t *testing.T) {
	c, _ := newClient(t, func(h *config.Hospital) { h.EMR.AuthHeader = "Bearer wrong" })
	_, err := c.Departments(t.Context(), tomorrow)
	e := requireEMRError(t, err, "departments", emr.Unavailable)
	assert.Contains(t, e.Error(), "401")
	assert.NotContains(t, e.Error(), "wrong")
}
