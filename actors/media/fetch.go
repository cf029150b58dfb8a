package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// DefaultTimeout bounds one download, redirects included.
const DefaultTimeout = 20 * time.Second

// maxRedirects bounds the hops of one download (Twilio needs one).
const maxRedirects = 5

// Rule is what a file must be: at most MaxBytes, and of one of Types as
// sniffed from its first bytes (http.DetectContentType).
type Rule struct {
	MaxBytes int64
	Types    []string
}

// PhotoRule is a profile photo: a JPEG, PNG or GIF image up to 5 MiB
// (Twilio's own limit for images).
var PhotoRule = Rule{MaxBytes: 5 << 20, Types: []string{"image/jpeg", "image/png", "image/gif"}}

// DocumentRule is a document: a JPEG or PNG photo or a PDF up to 10 MiB.
var DocumentRule = Rule{MaxBytes: 10 << 20, Types: []string{"image/jpeg", "image/png", "application/pdf"}}

// File is a downloaded file with the type its bytes show.
type File struct {
	Data        []byte
	ContentType string
}

// FetcherOptions configure a Fetcher.
type FetcherOptions struct {
	// AccountSID and AuthToken are Twilio's basic auth, sent only to
	// origins with Credentials; empty in the demo (no Twilio).
	AccountSID, AuthToken string
	// Origins are the only places a download may start at or be
	// redirected to.
	Origins []Origin
	// Timeout bounds one download; zero means DefaultTimeout.
	Timeout time.Duration
	// Transport carries the requests; nil means a clone of
	// http.DefaultTransport. Tests answer Twilio's hosts with it.
	Transport http.RoundTripper
}

// Fetcher downloads patients' files. It is safe for concurrent use.
type Fetcher struct {
	opts   FetcherOptions
	client *http.Client
}

// NewFetcher returns a Fetcher; it does no I/O.
func NewFetcher(opts FetcherOptions) *Fetcher {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	return &Fetcher{opts: opts, client: &http.Client{
		Transport: opts.Transport,
		// Every hop is checked here, not followed blindly: net/http
		// would keep a header set by hand on a redirect to a subdomain.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Fetch downloads raw and checks it against rule. Failures are
// *emr.MediaError; their texts name hosts and statuses, never the URL's
// path or query (a media URL can be a capability).
func (f *Fetcher) Fetch(ctx context.Context, raw string, rule Rule) (File, error) {
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	u, err := url.Parse(raw)
	if err != nil {
		return File{}, unreachable(errors.New("unreadable media URL"))
	}
	for hop := 0; ; hop++ {
		origin, ok := allowed(f.opts.Origins, u)
		if !ok {
			return File{}, unreachable(fmt.Errorf("%s://%s is not an allowed media host", u.Scheme, hostOf(u)))
		}
		res, err := f.get(ctx, u, origin)
		if err != nil {
			return File{}, unreachable(err)
		}
		if res.StatusCode >= 300 && res.StatusCode < 400 && res.StatusCode != http.StatusNotModified {
			next, err := redirect(res, u)
			if err != nil {
				return File{}, unreachable(err)
			}
			if hop >= maxRedirects {
				return File{}, unreachable(fmt.Errorf("more than %d redirects", maxRedirects))
			}
			u = next
			continue
		}
		return read(res, rule, hostOf(u))
	}
}

// get sends one GET, with Twilio's credentials when the origin has them.
func (f *Fetcher) get(ctx context.Context, u *url.URL, origin Origin) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, errors.New("build media request")
	}
	if origin.Credentials && f.opts.AccountSID != "" {
		req.SetBasicAuth(f.opts.AccountSID, f.opts.AuthToken)
	}
	res, err := f.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("get from %s: timed out after %s", hostOf(u), f.opts.Timeout)
		}
		return nil, fmt.Errorf("get from %s: %v", hostOf(u), stripURL(err))
	}
	return res, nil
}

// redirect reads a redirect's target and closes the answer.
func redirect(res *http.Response, from *url.URL) (*url.URL, error) {
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	loc := res.Header.Get("Location")
	if loc == "" {
		return nil, fmt.Errorf("%s answered %d without a Location", hostOf(from), res.StatusCode)
	}
	next, err := from.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("%s redirected to an unreadable URL", hostOf(from))
	}
	return next, nil
}

// read takes a final answer's body within the rule's size and types.
func read(res *http.Response, rule Rule, host string) (File, error) {
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return File{}, unreachable(fmt.Errorf("%s answered status %d", host, res.StatusCode))
	}
	if res.ContentLength > rule.MaxBytes {
		return File{}, tooBig(rule)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, rule.MaxBytes+1))
	if err != nil {
		return File{}, unreachable(fmt.Errorf("read from %s: %v", host, stripURL(err)))
	}
	if int64(len(data)) > rule.MaxBytes {
		return File{}, tooBig(rule)
	}
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(data))
	if !slices.Contains(rule.Types, sniffed) {
		return File{}, &emr.MediaError{Reason: emr.MediaWrongType, Err: fmt.Errorf("content is %s", sniffed)}
	}
	return File{Data: data, ContentType: sniffed}, nil
}

func unreachable(err error) error { return &emr.MediaError{Reason: emr.MediaUnreachable, Err: err} }

func tooBig(rule Rule) error {
	return &emr.MediaError{Reason: emr.MediaTooBig, Limit: rule.MaxBytes,
		Err: fmt.Errorf("larger than %d bytes", rule.MaxBytes)}
}

// stripURL drops the URL a *url.Error repeats, keeping its cause.
func stripURL(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}
