package callback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// outcome is what one attempt came to.
type outcome int

const (
	outSent   outcome = iota // the EMR answered 2xx
	outRetry                 // failed for a reason that may pass: still pending
	outFailed                // failed for good
	outGone                  // not pending any more: another process finished it
	outWait                  // not posted: another process holds it, or the claim failed
)

// finished is one attempt's end, sent back to the actor.
type finished struct {
	entry      persistence.OutboxEntry // Attempts as stored after the attempt
	outcome    outcome
	code       string        // http_<status>, timeout, transport or a reason; no patient data
	retryAfter time.Duration // the EMR's Retry-After, for outRetry; when to look again, for outWait
	err        error
}

// markTimeout bounds recording an outcome in the store.
const markTimeout = 5 * time.Second

// maxAnswer is how much of the EMR's answer is read (and dropped) so the
// connection can be reused.
const maxAnswer = 64 << 10

// attempt posts one callback and records the outcome; it runs outside the
// actor, on copies.
func attempt(o *Options, e persistence.OutboxEntry) *finished {
	if f := claim(o, e); f != nil {
		return f
	}
	p, err := o.Codec.decode(e)
	if err != nil {
		return failFor(o, e, "undecodable_payload", err)
	}
	secret := o.Secret(p.Hospital)
	if secret == "" {
		return failFor(o, e, "no_secret", fmt.Errorf("callback entry %s: hospital %s has no callback_secret", e.ID, p.Hospital))
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(p.Body))
	if err != nil {
		return failFor(o, e, "bad_url", fmt.Errorf("callback entry %s: build request: %w", e.ID, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "frontdesk-callbacks/1")
	ts := o.Now().Unix()
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(secret, ts, p.Body))
	req.Header.Set(HeaderID, e.ID)
	res, err := o.Client.Do(req)
	if err != nil {
		return retryFor(o, e, transportCode(err), 0, fmt.Errorf("post callback entry %s: %w", e.ID, err))
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, maxAnswer))
	res.Body.Close()
	code := "http_" + strconv.Itoa(res.StatusCode)
	switch s := res.StatusCode; {
	case s >= 200 && s < 300:
		mctx, mcancel := context.WithTimeout(context.Background(), markTimeout)
		defer mcancel()
		if err := o.Store.MarkSent(mctx, Sender, e.ID, "callback:"+e.ID, o.Now()); err != nil {
			// Posted but not recorded: the next start posts it again, and
			// the EMR sees the same callback id.
			return &finished{entry: e, outcome: outSent, code: code, err: fmt.Errorf("record sent callback entry %s: %w", e.ID, err)}
		}
		return &finished{entry: e, outcome: outSent, code: code}
	case s == http.StatusRequestTimeout, s == http.StatusTooEarly, s == http.StatusTooManyRequests, s >= 500:
		return retryFor(o, e, code, retryAfter(res.Header.Get("Retry-After")), fmt.Errorf("post callback entry %s: %s", e.ID, res.Status))
	}
	return failFor(o, e, code, fmt.Errorf("post callback entry %s: refused with %s", e.ID, res.Status))
}

// claim takes e for this process before an attempt. It returns nil when
// the attempt may go ahead, else why not: the entry is finished, or
// another process holds it (look again when its lease ends), or the
// store did not answer or this process's beat may lapse before the
// attempt ends (look again soon).
func claim(o *Options, e persistence.OutboxEntry) *finished {
	if o.Alive != nil && time.Until(o.Alive().Until) < markTimeout+o.Timeout+markTimeout+persistence.BeatSlack {
		return &finished{entry: e, outcome: outWait, code: "store", retryAfter: o.RetryBase,
			err: fmt.Errorf("claim callback entry %s: this process's beat is lapsing: the store has not answered it", e.ID)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), markTimeout)
	defer cancel()
	c, err := o.Store.Claim(ctx, Sender, e.ID, o.Holder, o.Now(), o.Lease)
	switch {
	case err != nil:
		return &finished{entry: e, outcome: outWait, code: "store", retryAfter: o.RetryBase,
			err: fmt.Errorf("claim callback entry %s: %w", e.ID, err)}
	case c.Done:
		return &finished{entry: e, outcome: outGone}
	case !c.Held:
		return &finished{entry: e, outcome: outWait, code: "leased_elsewhere", retryAfter: c.Until.Sub(o.Now())}
	}
	return nil
}

// retryFor keeps a failed callback pending for another attempt, or fails
// it for good when the attempts ran out.
func retryFor(o *Options, e persistence.OutboxEntry, code string, after time.Duration, err error) *finished {
	if e.Attempts+1 >= o.MaxAttempts {
		return failFor(o, e, code, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), markTimeout)
	defer cancel()
	if merr := o.Store.MarkFailed(ctx, Sender, e.ID, code, false, o.Now()); merr != nil {
		o.Logger.Error("record failed callback attempt", "component", "callbacks", "entry", e.ID, "err", merr)
	}
	e.Attempts++
	return &finished{entry: e, outcome: outRetry, code: code, retryAfter: after, err: err}
}

// failFor marks a callback failed for good.
func failFor(o *Options, e persistence.OutboxEntry, code string, err error) *finished {
	ctx, cancel := context.WithTimeout(context.Background(), markTimeout)
	defer cancel()
	if merr := o.Store.MarkFailed(ctx, Sender, e.ID, code, true, o.Now()); merr != nil {
		err = errors.Join(err, fmt.Errorf("record failed callback entry %s: %w", e.ID, merr))
	}
	return &finished{entry: e, outcome: outFailed, code: code, err: err}
}

// transportCode names a failure without an answer.
func transportCode(err error) string {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return "transport"
}

// retryAfter reads a Retry-After of whole seconds; dates and nonsense
// count as none.
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(min(n, 3600)) * time.Second
}
