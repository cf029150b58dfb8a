package twilio

import (
	"context"
	"net/http"
	"net/url"
	"sync"
)

// callTransport is one Send's view of the shared transport. twilio-go builds
// its requests with context.Background() against https://api.twilio.com and
// turns error answers into *client.TwilioRestError without their headers, so
// this RoundTripper is where the call's context and base URL go in and the
// answer's status and Retry-After come out. One value serves one Send only,
// which ties the recorded headers to the right call without any lookup.
type callTransport struct {
	ctx  context.Context // the call's context, timeout included
	base *url.URL
	next http.RoundTripper

	mu         sync.Mutex
	status     int
	retryAfter string
}

// answer is what callTransport saw of the last response.
type answer struct {
	status     int
	retryAfter string
}

// RoundTrip sends a copy of req under the call's context to the base URL.
// The copy replaces twilio-go's background context; an http.Client.Timeout
// would cancel that discarded context, which is why the timeout is part of
// the call's context instead. The copy is shallow but for its URL: nothing
// else of it is changed, so twilio-go's headers are shared, not cloned.
func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.WithContext(t.ctx)
	u := *req.URL
	out.URL = &u
	rebase(out.URL, t.base)
	out.Host = "" // let the Host header follow the rewritten URL
	resp, err := t.next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.status = resp.StatusCode
	t.retryAfter = resp.Header.Get("Retry-After")
	t.mu.Unlock()
	return resp, nil
}

// last reports the last response seen; status 0 means none arrived.
func (t *callTransport) last() answer {
	t.mu.Lock()
	defer t.mu.Unlock()
	return answer{status: t.status, retryAfter: t.retryAfter}
}

// rebase moves u onto base: scheme and host are replaced and base's path, if
// any, is put in front of u's path. Query and fragment of u are kept.
func rebase(u, base *url.URL) {
	u.Scheme = base.Scheme
	u.Host = base.Host
	if base.Path == "" {
		return
	}
	if base.RawPath != "" || u.RawPath != "" {
		u.RawPath = base.EscapedPath() + u.EscapedPath()
	}
	u.Path = base.Path + u.Path
}
