package simulator

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/persistence/embedded"
	"github.com/frontdesk-health/frontdesk/persistence/seal"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// remindersRig is a simulator in front of the demo EMR with a real
// reminder scheduler over an embedded store, on the fixed demo clock.
type remindersRig struct {
	*harness
	sched *reminder.Service
	demo  config.Hospital
}

func newRemindersRig(t *testing.T, opts Options) *remindersRig {
	t.Helper()
	st, err := embedded.Open(filepath.Join(t.TempDir(), "sim.db"), embedded.Options{Now: tuesday, SweepInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	ring, err := seal.NewKeyring([]byte("simulator-test-seal-key-32-bytes"))
	require.NoError(t, err)
	sched := reminder.NewScheduler(reminder.SchedulerOptions{
		Store: st, Sealer: ring, Hasher: pii.NewHasher([]byte("simulator-test-hash-key-0123456")), Now: tuesday,
	})
	opts.Demo, opts.Reminders, opts.Now = demo.New(demo.Options{Now: tuesday}), sched, tuesday
	return &remindersRig{harness: newHarness(t, opts), sched: sched, demo: testHospitals()[0]}
}

// scheduled lists the demo hospital's reminders.
func (r *remindersRig) scheduled(t *testing.T) []reminder.View {
	t.Helper()
	vs, _, err := r.sched.List(context.Background(), &r.demo, reminder.Query{})
	require.NoError(t, err)
	return vs
}

func TestRemindersOfEachKindAreScheduledDueNow(t *testing.T) {
	r := newRemindersRig(t, Options{})
	callbackURL := r.srv.URL + "/simulator/emr-callbacks"
	for _, tt := range []struct {
		kind     string
		callback string
		vars     map[string]string
	}{
		{reminder.KindAppointment, callbackURL, map[string]string{"doctor": demoDoctor}},
		{reminder.KindMedicine, "", map[string]string{"medicine": demoMedicine, "dose": demoDose}},
		{reminder.KindFollowUp, "", map[string]string{"when": "Tue 14 Jan, 10:30 AM"}},
		{reminder.KindFeedback, callbackURL, map[string]string{"doctor": demoDoctor}},
	} {
		t.Run(tt.kind, func(t *testing.T) {
			code, out := r.postJSON(t, "/simulator/reminders", map[string]string{"kind": tt.kind, "phone": demo.AshaMobile, "hospital": "demo"})
			require.Equal(t, 201, code, out)
			assert.Equal(t, tt.kind, out["kind"])
			assert.Equal(t, tt.callback != "", out["answer_to_emr"])
			v, err := r.sched.Get(context.Background(), &r.demo, out["id"].(string))
			require.NoError(t, err, "stored through the scheduler the page was given")
			assert.Equal(t, demo.AshaMobile, v.Spec.Phone)
			assert.Equal(t, tt.callback, v.Spec.CallbackURL)
			assert.Equal(t, "Asha Verma", v.Spec.Variables["patient_name"], "the demo EMR knows the number")
			for k, want := range tt.vars {
				assert.Equal(t, want, v.Spec.Variables[k], k)
			}
			require.NotNil(t, v.Next)
			assert.WithinDuration(t, tuesday(), *v.Next, time.Second, "due now, so it fires at the reminder actor's next look")
			if tt.kind == reminder.KindAppointment {
				require.NotNil(t, v.Spec.Appointment)
				until := v.Spec.Appointment.Start.Sub(tuesday())
				assert.True(t, until > time.Hour && until <= time.Hour+5*time.Minute, "an appointment about an hour from now, at a round time: %s", until)
				assert.Regexp(t, `^APT-R[0-9A-F]{6}$`, v.Spec.Appointment.ID)
			}
		})
	}
}

func TestReminderForANewNumberHasNoName(t *testing.T) {
	r := newRemindersRig(t, Options{})
	code, out := r.postJSON(t, "/simulator/reminders", map[string]string{"kind": "medicine", "phone": "+919700000123", "hospital": "DEMO"})
	require.Equal(t, 201, code, out)
	v, err := r.sched.Get(context.Background(), &r.demo, out["id"].(string))
	require.NoError(t, err)
	assert.NotContains(t, v.Spec.Variables, "patient_name")
}

func TestReminderRouteRefusesBadInput(t *testing.T) {
	r := newRemindersRig(t, Options{})
	for _, tt := range []struct {
		name string
		body any
		want int
	}{
		{"not JSON", "kind=appointment", 400},
		{"unknown kind", map[string]string{"kind": "lunch", "phone": demo.AshaMobile, "hospital": "demo"}, 400},
		{"no kind", map[string]string{"phone": demo.AshaMobile, "hospital": "demo"}, 400},
		{"national number", map[string]string{"kind": "medicine", "phone": "9800000001", "hospital": "demo"}, 400},
		{"not a number", map[string]string{"kind": "medicine", "phone": "+91 abc", "hospital": "demo"}, 400},
		{"another hospital", map[string]string{"kind": "medicine", "phone": demo.AshaMobile, "hospital": "abc"}, 400},
		{"unknown hospital", map[string]string{"kind": "medicine", "phone": demo.AshaMobile, "hospital": "nowhere"}, 400},
		{"too big", `{"kind":"medicine","phone":"` + strings.Repeat("1", 8<<10) + `"}`, 413},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out := r.postJSON(t, "/simulator/reminders", tt.body)
			assert.Equal(t, tt.want, code, out)
			assert.NotEmpty(t, out["error"])
		})
	}
	assert.Empty(t, r.scheduled(t), "nothing was scheduled")
}

func TestReminderRouteIsGated(t *testing.T) {
	body := `{"kind":"medicine","phone":"+919800000001","hospital":"demo"}`
	r := newRemindersRig(t, Options{Token: testToken})
	res := request(t, "POST", r.srv.URL+"/simulator/reminders", body, nil)
	assert.Equal(t, 403, res.StatusCode, "no token")
	res = request(t, "POST", r.srv.URL+"/simulator/reminders", body, func(q *http.Request) {
		bearer(testToken)(q)
		q.Header.Set("Origin", "https://evil.example")
	})
	assert.Equal(t, 403, res.StatusCode, "another site's page")
	assert.Empty(t, r.scheduled(t))
	res = request(t, "POST", r.srv.URL+"/simulator/reminders", body, bearer(testToken))
	assert.Equal(t, 201, res.StatusCode, "the token")
	assert.Len(t, r.scheduled(t), 1)

	lo := newRemindersRig(t, Options{LoopbackOnly: true})
	res = request(t, "POST", lo.srv.URL+"/simulator/reminders", body, func(q *http.Request) { q.Host = "rebound.example" })
	assert.Equal(t, 403, res.StatusCode, "a rebound host name")
	assert.Empty(t, lo.scheduled(t))
}

func TestRemindersOnlyInFrontOfTheDemoEMR(t *testing.T) {
	body := `{"kind":"medicine","phone":"+919800000001","hospital":"demo"}`
	r := newRemindersRig(t, Options{})
	for name, opts := range map[string]Options{
		"no scheduler": {Demo: demo.New(demo.Options{Now: tuesday})},
		"no demo EMR":  {Reminders: r.sched},
		"no demo hospital": {Demo: demo.New(demo.Options{Now: tuesday}), Reminders: r.sched,
			Hospitals: testHospitals()[1:]},
	} {
		t.Run(name, func(t *testing.T) {
			hs := newHarness(t, opts)
			assert.Equal(t, 404, request(t, "POST", hs.srv.URL+"/simulator/reminders", body, nil).StatusCode)
			assert.Equal(t, 404, request(t, "POST", hs.srv.URL+"/simulator/emr-callbacks", "{}", nil).StatusCode)
			_, _, page := get(t, hs.srv.URL+"/")
			assert.NotContains(t, string(page), "data-reminders")
			assert.NotContains(t, string(page), "reminders.js")
		})
	}
	assert.Empty(t, r.scheduled(t))
}
