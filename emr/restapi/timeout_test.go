package restapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/restapi"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// TestHospitalTimeout checks that a hanging EMR is given up on after the
// hospital's timeout, as Unavailable, for every operation.
func TestHospitalTimeout(t *testing.T) {
	for _, o := range operations {
		t.Run(o.op, func(t *testing.T) {
			c, fake := newClient(t, func(h *config.Hospital) { h.EMR.Timeout = 50 * time.Millisecond })
			fake.Fail(o.op, restapitest.Hang)
			// A backstop so that a broken timeout fails the test instead
			// of hanging it.
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			start := time.Now()
			err := o.call(ctx, c)
			elapsed := time.Since(start)
			requireEMRError(t, err, o.op, emr.Unavailable)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Contains(t, err.Error(), "50ms")
			assert.Less(t, elapsed, time.Second, "the 50ms timeout was not honoured")
		})
	}
}

// TestCallerContext checks that the caller's deadline and cancellation
// apply on top of the hospital's timeout.
func TestCallerContext(t *testing.T) {
	c, fake := newClient(t, func(h *config.Hospital) { h.EMR.Timeout = time.Minute })
	fake.Fail("departments", restapitest.Hang)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Departments(ctx, tomorrow)
	requireEMRError(t, err, "departments", emr.Unavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "caller gave up", "not blamed on the hospital's timeout")

	ctx, cancel = context.WithCancel(t.Context())
	cancel()
	_, err = c.Departments(ctx, tomorrow)
	requireEMRError(t, err, "departments", emr.Unavailable)
	assert.ErrorIs(t, err, context.Canceled)
}

// deadlineProbe is a transport that records the deadline of the request's
// context and fails without sending anything.
type deadlineProbe struct{ deadline chan time.Duration }

func (p deadlineProbe) RoundTrip(r *http.Request) (*http.Response, error) {
	d, ok := r.Context().Deadline()
	if !ok {
		p.deadline <- 0
	} else {
		p.deadline <- time.Until(d)
	}
	return nil, errors.New("probe: not sent")
}

// TestConfiguredTimeout checks the deadline each call carries: the
// hospital's timeout, or 5 s when none is configured.
func TestConfiguredTimeout(t *testing.T) {
	fake := restapitest.NewServer(t)
	for _, tc := range []struct {
		configured, want time.Duration
	}{
		{0, 5 * time.Second},
		{2 * time.Second, 2 * time.Second},
		{30 * time.Second, 30 * time.Second},
	} {
		t.Run(tc.configured.String(), func(t *testing.T) {
			h := fake.Hospital("abc")
			h.EMR.Timeout = tc.configured
			probe := deadlineProbe{deadline: make(chan time.Duration, 1)}
			c, err := restapi.New(h, &http.Client{Transport: probe})
			require.NoError(t, err)
			_, err = c.Departments(t.Context(), tomorrow)
			requireEMRError(t, err, "departments", emr.Unavailable)
			left := <-probe.deadline
			assert.LessOrEqual(t, left, tc.want)
			assert.Greater(t, left, tc.want-time.Second)
		})
	}
}

// TestTransportError checks an unreachable EMR: Unavailable, and the
// error names neither the endpoint's path nor its query (which may hold a
// token).
func TestTransportError(t *testing.T) {
	fake := restapitest.NewServer(t)
	h := fake.Hospital("abc")
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	h.EMR.Endpoints["health_records"] = downURL + "/emr/records.php?token=s3cr3t-token"

	c, err := restapi.New(h, nil)
	require.NoError(t, err)
	_, err = c.HealthRecords(t.Context(), known)
	requireEMRError(t, err, "health_records", emr.Unavailable)
	assert.NotContains(t, err.Error(), "s3cr3t-token")
	assert.NotContains(t, err.Error(), "records.php")
}
