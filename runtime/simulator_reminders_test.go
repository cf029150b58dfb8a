package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// simulated is the plain demo serving on a loopback port, driven through
// the simulator's own routes as the page drives them.
type simulated struct {
	t      *testing.T
	base   string
	phone  string
	cursor int
}

// startPlainDemo runs the demo (no configuration but a data directory and
// a free port) serving HTTP, so that the callback actor's post to the
// public URL reaches the simulated EMR on the same process.
func startPlainDemo(t *testing.T, phone string) *simulated {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	env := map[string]string{"FRONTDESK_ADDR": ln.Addr().String(), "FRONTDESK_DATA_DIR": t.TempDir()}
	cfg, err := config.Load(func(k string) string { return env[k] })
	require.NoError(t, err)
	require.True(t, cfg.PlainDemo())
	app, err := runtime.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- app.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		assert.NoError(t, app.Shutdown(ctx))
		assert.NoError(t, <-served)
	})
	return &simulated{t: t, base: cfg.PublicURL, phone: phone}
}

// post posts JSON to a simulator route and returns the status and answer.
func (s *simulated) post(path string, v any) (int, map[string]any) {
	s.t.Helper()
	b, err := json.Marshal(v)
	require.NoError(s.t, err)
	res, err := http.Post(s.base+path, "application/json", bytes.NewReader(b))
	require.NoError(s.t, err)
	defer res.Body.Close()
	out := map[string]any{}
	require.NoError(s.t, json.NewDecoder(res.Body).Decode(&out))
	return res.StatusCode, out
}

// entry is one item of the page's message stream.
type entry struct {
	Seq  int    `json:"seq"`
	Body string `json:"body"`
	Kind string `json:"kind"`
}

// await long-polls the page's stream until one entry satisfies ok (the
// server answers as soon as one arrives), and returns it.
func (s *simulated) await(what string, ok func(entry) bool) entry {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var seen []string
	for time.Now().Before(deadline) {
		q := url.Values{"phone": {s.phone}, "after": {strconv.Itoa(s.cursor)}}
		res, err := http.Get(s.base + "/simulator/messages?" + q.Encode())
		require.NoError(s.t, err)
		var got struct {
			Messages []entry `json:"messages"`
		}
		err = json.NewDecoder(res.Body).Decode(&got)
		res.Body.Close()
		require.NoError(s.t, err)
		for _, m := range got.Messages {
			s.cursor = max(s.cursor, m.Seq)
			seen = append(seen, m.Kind+": "+m.Body)
			if ok(m) {
				return m
			}
		}
	}
	s.t.Fatalf("no %s in the page's stream; saw:\n%s", what, strings.Join(seen, "\n"))
	return entry{}
}

// TestDemoReminderRoundTrip is the loop a developer tries on the page:
// the EMR schedules an appointment reminder, the patient gets it in the
// chat, answers 1, and the EMR receives the signed answer, which the page
// shows as a note.
func TestDemoReminderRoundTrip(t *testing.T) {
	s := startPlainDemo(t, "+919800000001")
	code, out := s.post("/simulator/reminders", map[string]string{"kind": "appointment", "phone": s.phone, "hospital": "demo"})
	require.Equal(t, http.StatusCreated, code, out)

	reminder := s.await("appointment reminder", func(m entry) bool { return strings.Contains(m.Body, "Will you come?") })
	assert.Empty(t, reminder.Kind, "the reminder is a message of the bot")
	assert.Contains(t, reminder.Body, "Hello Asha Verma", "named as the demo EMR knows the patient")
	assert.Contains(t, reminder.Body, "Dr. Rajesh Kumar Sharma")

	code, out = s.post("/simulator/send", map[string]string{"hospital": "demo", "phone": s.phone, "body": "1"})
	require.Equal(t, http.StatusOK, code, out)
	require.EqualValues(t, http.StatusOK, out["status"], "the webhook took the answer")
	note := s.await("EMR note", func(m entry) bool { return m.Kind == "emr" })
	assert.Regexp(t, `^The EMR received: confirmed, appointment APT-R[0-9A-F]{6} \(signature verified\)$`, note.Body)
}

func TestDemoFeedbackSurveyReachesTheEMR(t *testing.T) {
	s := startPlainDemo(t, "+919700000042") // a number the demo EMR does not know
	code, out := s.post("/simulator/reminders", map[string]string{"kind": "feedback", "phone": s.phone, "hospital": "demo"})
	require.Equal(t, http.StatusCreated, code, out)
	first := s.await("survey", func(m entry) bool { return strings.Contains(m.Body, "*1/3*") })
	assert.NotContains(t, first.Body, "Hello", "no name for an unknown number")
	for _, a := range []string{"5", "4", "3", "skip"} {
		code, out = s.post("/simulator/send", map[string]string{"hospital": "demo", "phone": s.phone, "body": a})
		require.Equal(t, http.StatusOK, code, out)
	}
	note := s.await("EMR note", func(m entry) bool { return m.Kind == "emr" })
	assert.Equal(t, "The EMR received: feedback doctor 5/5, staff 4/5, overall 3/5 (signature verified)", note.Body)
}

func TestSimulatorRemindersOnlyInThePlainDemo(t *testing.T) {
	body := `{"kind":"medicine","phone":"+919800000001","hospital":"abc"}`
	for name, h := range map[string]http.Handler{
		"hospitals file": simApp(t, false, map[string]string{"FRONTDESK_SIMULATOR": "on"}),
		"demo with Twilio": simApp(t, true, map[string]string{
			"TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef", "TWILIO_AUTH_TOKEN": "simtoken0123456789abcdef01234567",
			"TWILIO_API_BASE_URL": "http://127.0.0.1:9",
		}),
	} {
		t.Run(name, func(t *testing.T) {
			for _, path := range []string{"/simulator/reminders", "/simulator/emr-callbacks"} {
				req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
				req.Host = "127.0.0.1:8080"
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				assert.Equal(t, http.StatusNotFound, rec.Code, path)
			}
			rec := page(h, "127.0.0.1:8080", "")
			require.Equal(t, http.StatusOK, rec.Code)
			assert.NotContains(t, rec.Body.String(), "data-reminders")
		})
	}
}

// TestDemoReminderAfterStopSaysItIsSkipped: a number that sent stop is
// told on the page that the reminder just scheduled will be skipped (it
// would otherwise wait for a message that never comes); a stop for one
// kind covers that kind only, and start opts back in.
func TestDemoReminderAfterStopSaysItIsSkipped(t *testing.T) {
	s := startPlainDemo(t, "+919800000001")
	say := func(body string) {
		t.Helper()
		code, out := s.post("/simulator/send", map[string]string{"hospital": "demo", "phone": s.phone, "body": body})
		require.Equal(t, http.StatusOK, code, out)
		require.EqualValues(t, http.StatusOK, out["status"], "the webhook took %q", body)
	}
	skipped := func(kind string) bool {
		t.Helper()
		code, out := s.post("/simulator/reminders", map[string]string{"kind": kind, "phone": s.phone, "hospital": "demo"})
		require.Equal(t, http.StatusCreated, code, out)
		return out["opted_out"] == true
	}
	assert.False(t, skipped("medicine"), "nobody sent stop yet")
	say("stop medicine demo")
	assert.True(t, skipped("medicine"), "stop medicine")
	assert.False(t, skipped("follow_up"), "another kind still goes out")
	say("stop demo")
	assert.True(t, skipped("follow_up"), "stop for everything")
	say("start demo")
	assert.False(t, skipped("follow_up"), "start for everything opts back in")
}
