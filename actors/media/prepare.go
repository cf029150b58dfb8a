package media

import (
	"context"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// keepTimeout bounds storing a downloaded file.
const keepTimeout = 5 * time.Second

// Preparer readies EMR calls that carry a patient's file: it downloads
// the file and replaces Twilio's URL with a link of our own. It is the
// hospital actor's MediaPreparer, called in a call's goroutine.
type Preparer struct {
	Fetcher *Fetcher
	Vault   *Vault
	// Photo and Document are the rules for profile photos and documents;
	// zero means PhotoRule and DocumentRule.
	Photo, Document Rule
}

// Prepare returns call with its file's URL replaced (and, for a document,
// the content type its bytes show). Calls without a file come back as
// they are. A refused file is an *emr.Error of kind BadMedia wrapping an
// *emr.MediaError; a failure to keep it is of kind Unavailable. Either
// way the EMR was not called.
func (p *Preparer) Prepare(ctx context.Context, call emr.Call) (emr.Call, error) {
	switch call.Op {
	case emr.OpProfilePhoto:
		link, _, err := p.take(ctx, call, call.URL, rule(p.Photo, PhotoRule))
		if err != nil {
			return call, err
		}
		call.URL = link
	case emr.OpUploadDocument:
		link, contentType, err := p.take(ctx, call, call.Document.URL, rule(p.Document, DocumentRule))
		if err != nil {
			return call, err
		}
		call.Document.URL, call.Document.ContentType = link, contentType
	}
	return call, nil
}

// take downloads one file and keeps it, returning its link and type.
func (p *Preparer) take(ctx context.Context, call emr.Call, raw string, r Rule) (string, string, error) {
	f, err := p.Fetcher.Fetch(ctx, raw, r)
	if err != nil {
		return "", "", &emr.Error{Op: string(call.Op), Kind: emr.BadMedia, Err: err}
	}
	kctx, cancel := context.WithTimeout(ctx, keepTimeout)
	defer cancel()
	link, err := p.Vault.Keep(kctx, f)
	if err != nil {
		return "", "", &emr.Error{Op: string(call.Op), Kind: emr.Unavailable, Err: err}
	}
	return link, f.ContentType, nil
}

// Needs reports whether a call carries a patient's file to prepare.
func Needs(call emr.Call) bool {
	return call.Op == emr.OpProfilePhoto || call.Op == emr.OpUploadDocument
}

func rule(r, fallback Rule) Rule {
	if r.MaxBytes <= 0 || len(r.Types) == 0 {
		return fallback
	}
	return r
}
