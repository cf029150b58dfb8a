package hospital

import (
	"context"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// MediaPreparer readies a call that carries a patient's file before the
// EMR sees it (actors/media downloads the file from Twilio and swaps in a
// link of our own). Calls without a file come back unchanged. An error
// means the EMR must not be called; it is the call's answer.
type MediaPreparer interface {
	Prepare(ctx context.Context, call emr.Call) (emr.Call, error)
}

// perform runs one call in its goroutine: the file first (under the
// preparer's own timeout, not the EMR's), then the EMR under timeout.
// called is false when the EMR was not reached.
func perform(media MediaPreparer, client emr.Client, timeout time.Duration, call emr.Call) (res emr.Result, called bool) {
	if media != nil {
		prepared, err := media.Prepare(context.Background(), call)
		if err != nil {
			return emr.Result{CallID: call.ID, Err: err}, false
		}
		call = prepared
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return emr.Do(ctx, client, call), true
}
