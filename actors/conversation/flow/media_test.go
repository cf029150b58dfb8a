package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

// refuse answers the awaited call with a BadMedia failure.
func (f *fixture) refuse(me *emr.MediaError) Effects {
	f.t.Helper()
	call := f.call()
	return f.apply(&EMRDone{Result: emr.Result{CallID: call.ID, Err: &emr.Error{Op: string(call.Op), Kind: emr.BadMedia, Err: me}}})
}

func TestRefusedFileSaysWhyAndAsksAgain(t *testing.T) {
	photo := func(f *fixture) {
		f.toMenu()
		f.send("5")
		f.sendMedia("", Media{URL: "https://m.example/a.jpg", ContentType: "image/jpeg"})
	}
	document := func(f *fixture) {
		f.toMenu()
		f.send("6")
		f.sendMedia("", Media{URL: "https://m.example/a.pdf", ContentType: "application/pdf"})
	}
	tests := []struct {
		name   string
		setup  func(*fixture)
		err    *emr.MediaError
		reason string
		args   []string
		step   StepID
		prompt string
	}{
		{"a WebP photo", photo, &emr.MediaError{Reason: emr.MediaWrongType}, "media_reason_type_photo", nil, stepPhotoAsk, "ask_new_photo"},
		{"a big photo", photo, &emr.MediaError{Reason: emr.MediaTooBig, Limit: 5 << 20}, "media_reason_too_big", []string{"mb", "5"}, stepPhotoAsk, "ask_new_photo"},
		{"a photo Twilio would not give", photo, &emr.MediaError{Reason: emr.MediaUnreachable}, "media_reason_unreachable", nil, stepPhotoAsk, "ask_new_photo"},
		{"a document of another type", document, &emr.MediaError{Reason: emr.MediaWrongType}, "media_reason_type_document", nil, stepDocAsk, "ask_document"},
		{"a big document", document, &emr.MediaError{Reason: emr.MediaTooBig, Limit: 10 << 20}, "media_reason_too_big", []string{"mb", "10"}, stepDocAsk, "ask_document"},
		{"the registration photo", func(f *fixture) {
			toPhoto(f)
			f.sendMedia("", Media{URL: "https://m.example/a.jpg", ContentType: "image/jpeg"})
			f.answer(emr.Result{Patient: emr.Patient{ID: "P-9"}})
		}, &emr.MediaError{Reason: emr.MediaWrongType}, "media_reason_type_photo", nil, stepPhotoAsk, "ask_new_photo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, allCaps)
			tc.setup(f)
			fx := f.refuse(tc.err)
			assert.Contains(t, body(fx), f.text("media_refused", "reason", f.text(tc.reason, tc.args...)))
			assert.Contains(t, body(fx), f.text(tc.prompt), "the question is asked again")
			assert.Equal(t, tc.step, f.s.Step)
			require.NotNil(t, f.s.Patient, "the patient stays identified (and registered)")

			fx = f.sendMedia("", Media{URL: "https://m.example/b.png", ContentType: "image/png"})
			require.NotNil(t, fx.Call, "another file is taken")
		})
	}
}
