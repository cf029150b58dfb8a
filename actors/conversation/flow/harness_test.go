package flow

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

const (
	testPhone    = "+919812345678"
	testSender   = "whatsapp:+14155238886"
	testHelpline = "+919800000000"
)

// testNow is a Wednesday afternoon in India (10:00 UTC is 15:30 IST).
var testNow = time.Date(2025, 11, 26, 10, 0, 0, 0, time.UTC)

// ist is the hospital's zone; a fixed zone needs no tzdata on the machine.
var ist = time.FixedZone("IST", 5*3600+1800)

var testCatalog = catalog.MustLoad()

// allCaps is an EMR that serves everything.
var allCaps = emr.Capabilities{Slots: true, VideoVisits: true, UploadDocument: true, UpdateAddress: true, ProfilePhoto: true, Cancel: true}

// fixture drives Engine.Apply the way the conversation actor does: each
// event on the state the previous one returned. Every Apply is checked for
// leaving its input untouched and for the state invariants.
type fixture struct {
	t   testing.TB
	eng *Engine
	env *Env
	s   State
	sid int
}

// newFixture builds an engine with the real catalog and one hospital, code
// abc, with the given capabilities; mods adjust its configuration.
func newFixture(t testing.TB, caps emr.Capabilities, mods ...func(*config.Hospital)) *fixture {
	h := &config.Hospital{
		Code: "abc", Name: "ABC Hospital", Helpline: testHelpline, Languages: []string{"en", "hi"},
		Sender: testSender, Location: ist,
	}
	for _, m := range mods {
		m(h)
	}
	return &fixture{
		t:   t,
		eng: New(testCatalog),
		env: &Env{
			Now: testNow, Phone: testPhone, Sender: testSender, SessionTimeout: 15 * time.Minute,
			Hospitals: map[string]*Hospital{h.Code: {Config: h, Caps: caps}},
			Catalog:   testCatalog,
		},
	}
}

// hospital returns the fixture's hospital for tweaks.
func (f *fixture) hospital() *Hospital { return f.env.Hospitals["abc"] }

// apply runs one event and checks what every decision must hold.
func (f *fixture) apply(ev Event) Effects {
	f.t.Helper()
	before := deepCopy(f.s)
	next, fx := f.eng.Apply(f.env, f.s, ev)
	require.Equal(f.t, before, f.s, "Apply changed the state passed in")
	checkState(f.t, f.eng, next)
	f.s = next
	return fx
}

// send delivers a text message from the patient.
func (f *fixture) send(body string) Effects {
	f.t.Helper()
	return f.sendIn(Inbound{Body: body})
}

// sendMedia delivers a message with attachments.
func (f *fixture) sendMedia(body string, media ...Media) Effects {
	f.t.Helper()
	return f.sendIn(Inbound{Body: body, Media: media})
}

func (f *fixture) sendIn(in Inbound) Effects {
	f.t.Helper()
	f.sid++
	in.Sid = fmt.Sprintf("SM%04d", f.sid)
	in.At = f.env.Now
	return f.apply(&in)
}

// call returns the EMR call the conversation waits for.
func (f *fixture) call() emr.Call {
	f.t.Helper()
	require.NotNil(f.t, f.s.Awaiting, "no EMR call awaited (step %q)", f.s.Step)
	return f.s.Awaiting.Call
}

// answer delivers a successful answer to the awaited call.
func (f *fixture) answer(r emr.Result) Effects {
	f.t.Helper()
	r.CallID = f.call().ID
	return f.apply(&EMRDone{Result: r})
}

// fail delivers a failed answer of the given kind to the awaited call.
func (f *fixture) fail(kind emr.Kind) Effects {
	f.t.Helper()
	call := f.call()
	return f.apply(&EMRDone{Result: emr.Result{CallID: call.ID, Err: &emr.Error{Op: string(call.Op), Kind: kind}}})
}

// advance moves the clock.
func (f *fixture) advance(d time.Duration) { f.env.Now = f.env.Now.Add(d) }

// text renders a catalog entry in the conversation's language, as the
// patient should see it.
func (f *fixture) text(key string, args ...string) string {
	lang := f.s.Lang
	if lang == "" {
		lang = "en"
	}
	return testCatalog.Text(lang, nil, key, args...)
}

// patient is the registered patient the EMR knows in most tests.
var patient = emr.Patient{ID: "P-100", Name: "Asha Devi", Age: 34, Gender: emr.Female}

// toMenu activates and identifies a known patient: the main menu is shown.
func (f *fixture) toMenu() {
	f.t.Helper()
	f.send("hi abc")
	f.answer(emr.Result{Patients: []emr.Patient{patient}})
	require.Equal(f.t, stepMenu, f.s.Step)
}

// body joins the text of all replies of a turn.
func body(fx Effects) string {
	parts := make([]string, 0, len(fx.Replies))
	for _, r := range fx.Replies {
		parts = append(parts, r.Body)
	}
	return strings.Join(parts, "\n\n")
}

// checkState asserts the invariants every state Apply returns must hold.
func checkState(t testing.TB, e *Engine, s State) {
	t.Helper()
	if s.Step != "" {
		st, ok := e.steps[s.Step]
		require.True(t, ok, "state in unknown step %q", s.Step)
		require.NotNil(t, st.Read, "current step %q cannot read answers", s.Step)
	}
	if s.Awaiting != nil {
		st, ok := e.steps[s.Awaiting.Step]
		require.True(t, ok, "awaiting for unknown step %q", s.Awaiting.Step)
		require.NotNil(t, st.Load, "awaiting step %q loads nothing", s.Awaiting.Step)
		require.NotEmpty(t, s.Awaiting.Call.ID)
	}
	if s.Step != "" && e.steps[s.Step].Reminder {
		require.NotNil(t, s.Reply, "reply step %q without the reminder it answers", s.Step)
	}
	if s.Due != nil {
		require.NotNil(t, s.Awaiting, "a reminder parked although nothing is awaited: it would never be said")
	}
	require.LessOrEqual(t, len(s.Queued), maxQueued)
	if len(s.Queued) > 0 {
		require.NotNil(t, s.Awaiting, "messages queued but nothing awaited: they would wait forever")
	}
}

// deepCopy copies v through pointers, slices and maps, so a later change
// to the original shows up in a comparison. It does not rely on the
// engine's own clone.
func deepCopy[T any](v T) T {
	return copyValue(reflect.ValueOf(&v).Elem()).Interface().(T)
}

func copyValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(copyValue(v.Elem()))
		return p
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(copyValue(v.Index(i)))
		}
		return s
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			m.SetMapIndex(it.Key(), copyValue(it.Value()))
		}
		return m
	case reflect.Struct:
		s := reflect.New(v.Type()).Elem()
		s.Set(v)
		for i := range v.NumField() {
			if s.Field(i).CanSet() {
				s.Field(i).Set(copyValue(v.Field(i)))
			}
		}
		return s
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(copyValue(v.Elem()))
		return c
	}
	return v
}
