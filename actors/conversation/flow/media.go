package flow

import (
	"errors"

	"github.com/frontdesk-health/frontdesk/emr"
)

// mediaRefused tells the patient why the file they sent could not be
// used (the hospital actor checked it before the EMR saw it). The caller
// asks for another file.
func (t *turn) mediaRefused(err error) {
	var me *emr.MediaError
	errors.As(err, &me)
	reason := t.text("media_reason_unreachable")
	switch {
	case me == nil:
	case me.Reason == emr.MediaTooBig:
		reason = t.text("media_reason_too_big", "mb", itoa(int(max(me.Limit>>20, 1))))
	case me.Reason == emr.MediaWrongType && isDocument(err):
		reason = t.text("media_reason_type_document")
	case me.Reason == emr.MediaWrongType:
		reason = t.text("media_reason_type_photo")
	}
	t.say("media_refused", "reason", reason)
}

func isDocument(err error) bool {
	var e *emr.Error
	return errors.As(err, &e) && e.Op == string(emr.OpUploadDocument)
}
