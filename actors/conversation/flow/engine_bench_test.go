package flow

import (
	"testing"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// benchEnv is a hospital with every capability, at a fixed time.
func benchEnv() (*Engine, *Env) {
	cat := catalog.MustLoad()
	h := config.DemoHospital()
	h.Location = time.UTC
	env := &Env{
		Now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), Phone: "+919800000001", Sender: h.Sender,
		SessionTimeout: 15 * time.Minute, Catalog: cat,
		Hospitals: map[string]*Hospital{h.Code: {Config: &h, Caps: emr.Capabilities{Slots: true, VideoVisits: true, UploadDocument: true, UpdateAddress: true, ProfilePhoto: true}}},
	}
	return New(cat), env
}

// BenchmarkApplyMenuChoice decides a menu choice that starts a booking.
func BenchmarkApplyMenuChoice(b *testing.B) {
	eng, env := benchEnv()
	st := State{Hospital: "demo", Lang: "en", Step: stepMenu, Patient: &emr.Patient{ID: "P1", Name: "Asha"}, LastInbound: env.Now}
	in := &Inbound{Sid: "SM1", Body: "1", At: env.Now}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		eng.Apply(env, st, in)
	}
}

// BenchmarkApplyDepartmentList decides an EMR answer that shows a list.
func BenchmarkApplyDepartmentList(b *testing.B) {
	eng, env := benchEnv()
	call := emr.Call{ID: "c1", Op: emr.OpDepartments}
	st := State{Hospital: "demo", Lang: "en", Step: stepBookWhen, Patient: &emr.Patient{ID: "P1", Name: "Asha"},
		LastInbound: env.Now, Awaiting: &Awaiting{Call: call, Step: stepBookDept, At: env.Now}}
	depts := make([]emr.Department, 7)
	for i := range depts {
		depts[i] = emr.Department{ID: "d" + itoa(i), Name: "Department " + itoa(i)}
	}
	ev := &EMRDone{Result: emr.Result{CallID: "c1", Departments: depts}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		eng.Apply(env, st, ev)
	}
}

// BenchmarkApplyInvalidAnswer decides a wrong answer that repeats the list.
func BenchmarkApplyInvalidAnswer(b *testing.B) {
	eng, env := benchEnv()
	st := State{Hospital: "demo", Lang: "en", Step: stepMenu, Patient: &emr.Patient{ID: "P1", Name: "Asha"}, LastInbound: env.Now}
	in := &Inbound{Sid: "SM1", Body: "something else entirely", At: env.Now}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		eng.Apply(env, st, in)
	}
}
