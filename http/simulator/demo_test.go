package simulator

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// confirmations is a fake Options.Confirm that records what it gets.
type confirmations struct {
	mu   sync.Mutex
	got  []demo.VideoConfirmation
	code []string
	err  error
}

func (c *confirmations) confirm(_ context.Context, code string, v demo.VideoConfirmation) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, v)
	c.code = append(c.code, code)
	return c.err
}

// tuesday is a fixed demo clock: Tuesday 7 January 2025, 09:30 in India.
func tuesday() time.Time {
	ist, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		panic(err)
	}
	return time.Date(2025, time.January, 7, 9, 30, 0, 0, ist)
}

// bookVideo books the registered demo patient's video visit tomorrow, as
// the conversation would, and returns the appointment id.
func bookVideo(t *testing.T, e *demo.EMR) string {
	t.Helper()
	ctx := context.Background()
	now := tuesday()
	day := emr.Day{Offset: 1, Date: time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, now.Location())}
	patients, err := e.FindPatients(ctx, demo.AshaMobile)
	require.NoError(t, err)
	require.NotEmpty(t, patients)
	depts, err := e.Departments(ctx, day)
	require.NoError(t, err)
	require.NotEmpty(t, depts)
	docs, err := e.Doctors(ctx, depts[0].ID, day)
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	b, err := e.Book(ctx, emr.BookingRequest{
		Patient: emr.PatientRef{ID: patients[0].ID, Mobile: demo.AshaMobile}, Visit: emr.Video, Day: day,
		DepartmentID: depts[0].ID, DoctorID: docs[0].ID, Complaint: "fever",
	})
	require.NoError(t, err)
	return b.AppointmentID
}

func newDemoHarness(t *testing.T) (*harness, *demo.EMR, *confirmations) {
	t.Helper()
	e := demo.New(demo.Options{Now: tuesday})
	conf := &confirmations{}
	// The demo hospital is not first: the code must come from the EMR kind.
	hs := newHarness(t, Options{Hospitals: []config.Hospital{testHospitals()[1], testHospitals()[0]}, Demo: e, Confirm: conf.confirm})
	return hs, e, conf
}

func postForm(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.PostForm(u, url.Values{})
	require.NoError(t, err)
	defer res.Body.Close()
	var b strings.Builder
	_, err = io.Copy(&b, res.Body)
	require.NoError(t, err)
	return res.StatusCode, b.String()
}

func TestDemoPaymentSendsTheConfirmation(t *testing.T) {
	hs, e, conf := newDemoHarness(t)
	id := bookVideo(t, e)

	code, ct, body := get(t, hs.srv.URL+"/demo/pay/"+id)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "text/html; charset=utf-8", ct)
	assert.Contains(t, string(body), "Demo payment for appointment <strong>"+id+"</strong>")
	assert.Contains(t, string(body), "₹500")
	assert.Contains(t, string(body), `action="/demo/pay/`+id+`"`)
	assert.Contains(t, string(body), "Pay now")
	assert.Empty(t, conf.got, "looking at the page pays nothing")

	status, page := postForm(t, hs.srv.URL+"/demo/pay/"+id)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, "Payment received: the video link was sent to your WhatsApp.")

	want, err := e.ConfirmPayment(id) // idempotent: the same confirmation again
	require.NoError(t, err)
	require.Len(t, conf.got, 1)
	assert.Equal(t, want, conf.got[0])
	assert.Equal(t, "demo", conf.code[0], "the demo hospital's code")
	assert.Equal(t, demo.AshaMobile, conf.got[0].Mobile)
	paid := false
	for _, a := range e.Appointments(conf.got[0].PatientID) {
		paid = paid || (a.ID == id && a.Paid)
	}
	assert.True(t, paid, "the demo EMR recorded the payment")
}

func TestDemoPaymentFailures(t *testing.T) {
	tests := []struct {
		name       string
		id         func(e *demo.EMR) string
		confirmErr error
		status     int
	}{
		{"unknown appointment", func(*demo.EMR) string { return "APT-0000" }, nil, http.StatusNotFound},
		{"in-person appointment", func(*demo.EMR) string { return demo.SeedAppointmentID }, nil, http.StatusNotFound},
		{"malformed id", func(*demo.EMR) string { return "a%20b" }, nil, http.StatusNotFound},
		{"conversation moved on", func(e *demo.EMR) string { return "" }, &emr.Error{Op: "confirm", Kind: emr.Conflict}, http.StatusConflict},
		{"confirmation not delivered", func(e *demo.EMR) string { return "" }, errors.New("router down"), http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, e, conf := newDemoHarness(t)
			conf.err = tt.confirmErr
			id := tt.id(e)
			if id == "" {
				id = bookVideo(t, e)
			}
			status, page := postForm(t, hs.srv.URL+"/demo/pay/"+id)
			assert.Equal(t, tt.status, status)
			assert.NotContains(t, page, "Payment received")
			if status == http.StatusServiceUnavailable {
				assert.Contains(t, page, "Pay now", "a temporary failure can be retried")
			}
		})
	}
}

func TestDemoPaymentWithoutDemoHospital(t *testing.T) {
	e := demo.New(demo.Options{Now: tuesday})
	conf := &confirmations{}
	hs := newHarness(t, Options{Hospitals: testHospitals()[1:], Demo: e, Confirm: conf.confirm})
	status, _ := postForm(t, hs.srv.URL+"/demo/pay/"+bookVideo(t, e))
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Empty(t, conf.got)
}

func TestDemoRecordsAreServed(t *testing.T) {
	hs, e, _ := newDemoHarness(t)
	patients, err := e.FindPatients(context.Background(), demo.AshaMobile)
	require.NoError(t, err)
	require.NotEmpty(t, patients)
	recs, err := e.HealthRecords(context.Background(), emr.PatientRef{ID: patients[0].ID, Mobile: demo.AshaMobile})
	require.NoError(t, err)
	require.NotEmpty(t, recs.Items)
	u, err := url.Parse(recs.Items[0].URL)
	require.NoError(t, err)

	code, ct, body := get(t, hs.srv.URL+"/demo/records/"+path.Base(u.Path))
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, "application/pdf", ct)
	assert.True(t, strings.HasPrefix(string(body), "%PDF-"))

	code, _, _ = get(t, hs.srv.URL+"/demo/records/nope.pdf")
	assert.Equal(t, http.StatusNotFound, code)
}

func TestDemoRoutesOnlyWithDemo(t *testing.T) {
	for _, r := range Routes(Options{Sink: NewSink(), Hospitals: testHospitals()}) {
		assert.False(t, strings.HasPrefix(r.Path, "/demo/"), r.Path)
	}
}
