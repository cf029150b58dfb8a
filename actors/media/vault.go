package media

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// DefaultTTL is how long a kept file and its link live: long enough for
// an EMR that imports uploads in a nightly batch to fetch it, short
// enough that copies of health data do not pile up.
const DefaultTTL = 7 * 24 * time.Hour

// ErrBadLink means a link's signature does not match (tampered, or made
// with another key); ErrExpiredLink that its expiry has passed.
var (
	ErrBadLink     = errors.New("media link signature does not match")
	ErrExpiredLink = errors.New("media link expired")
)

// VaultOptions configure a Vault.
type VaultOptions struct {
	Store  persistence.Media
	Sealer persistence.Sealer
	// Key signs the links (HMAC-SHA256); at least 32 bytes, the same in
	// every process of a deployment.
	Key []byte
	// PublicURL is frontdesk's public base URL; links are
	// PublicURL/media/<id>?exp=<unix>&sig=<hex>.
	PublicURL string
	TTL       time.Duration // zero means DefaultTTL
	Now       func() time.Time
}

// Vault keeps downloaded files sealed in the store and makes and checks
// the signed links to them.
type Vault struct {
	opts VaultOptions
}

// NewVault checks the options and returns a Vault; it does no I/O.
func NewVault(opts VaultOptions) (*Vault, error) {
	if opts.Store == nil || opts.Sealer == nil {
		return nil, errors.New("media vault: store and sealer are required")
	}
	if len(opts.Key) < 32 {
		return nil, errors.New("media vault: the link key must have at least 32 bytes")
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.PublicURL = strings.TrimSuffix(opts.PublicURL, "/")
	return &Vault{opts: opts}, nil
}

// Keep stores f sealed under a new random id for the TTL and returns the
// link to it.
func (v *Vault) Keep(ctx context.Context, f File) (string, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("keep media: %w", err)
	}
	id := hex.EncodeToString(raw)
	sealed, err := v.opts.Sealer.Seal(envelope(f))
	if err != nil {
		return "", fmt.Errorf("keep media: seal: %w", err)
	}
	if err := v.opts.Store.PutMedia(ctx, id, sealed, v.opts.TTL); err != nil {
		return "", fmt.Errorf("keep media: %w", err)
	}
	exp := strconv.FormatInt(v.opts.Now().Add(v.opts.TTL).Unix(), 10)
	q := url.Values{"exp": {exp}, "sig": {v.sign(id, exp)}}
	return v.opts.PublicURL + "/media/" + id + "?" + q.Encode(), nil
}

// Open checks a link's signature and expiry and returns its file:
// ErrBadLink, ErrExpiredLink, persistence.ErrNotFound (gone from the
// store) or a store or unsealing error.
func (v *Vault) Open(ctx context.Context, id, exp, sig string) (File, error) {
	want, err := hex.DecodeString(v.sign(id, exp))
	if err != nil {
		return File{}, err
	}
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, want) {
		return File{}, ErrBadLink
	}
	unix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return File{}, ErrBadLink
	}
	if v.opts.Now().After(time.Unix(unix, 0)) {
		return File{}, ErrExpiredLink
	}
	sealed, err := v.opts.Store.GetMedia(ctx, id)
	if err != nil {
		return File{}, fmt.Errorf("open media: %w", err)
	}
	plain, err := v.opts.Sealer.Open(sealed)
	if err != nil {
		return File{}, fmt.Errorf("open media: unseal: %w", err)
	}
	return unwrap(plain)
}

// sign is the hex HMAC-SHA256 of a link's id and expiry.
func (v *Vault) sign(id, exp string) string {
	m := hmac.New(sha256.New, v.opts.Key)
	m.Write([]byte("frontdesk media link\n" + id + "\n" + exp))
	return hex.EncodeToString(m.Sum(nil))
}

// envelope is what is sealed: the content type, a newline, the bytes.
func envelope(f File) []byte {
	out := make([]byte, 0, len(f.ContentType)+1+len(f.Data))
	out = append(out, f.ContentType...)
	out = append(out, '\n')
	return append(out, f.Data...)
}

func unwrap(plain []byte) (File, error) {
	ct, data, ok := bytes.Cut(plain, []byte{'\n'})
	if !ok {
		return File{}, errors.New("open media: malformed envelope")
	}
	return File{ContentType: string(ct), Data: data}, nil
}

// LinkKey derives the key that signs media links from the deployment's
// hash key (runtime keeps it in the store, sealed, the same for every
// process and across encryption key rotations): an HMAC of a fixed label,
// so the two keys are independent in use and no new secret must be
// stored or configured.
func LinkKey(hashKey []byte) []byte {
	m := hmac.New(sha256.New, hashKey)
	m.Write([]byte("frontdesk/media-links/v1"))
	return m.Sum(nil)
}
