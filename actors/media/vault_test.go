package media

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/embedded"
	"github.com/frontdesk-health/frontdesk/persistence/seal"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
)

// vaultRig is a vault on a real embedded store.
type vaultRig struct {
	vault *Vault
	store *embedded.Store
	clock *storetest.Clock
}

func newVaultRig(t *testing.T, hashKey []byte) *vaultRig {
	t.Helper()
	clock := storetest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	st, err := embedded.Open(filepath.Join(t.TempDir(), "frontdesk.db"), embedded.Options{Now: clock.Now})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	key, err := seal.GenerateKey()
	require.NoError(t, err)
	ring, err := seal.NewKeyring(key)
	require.NoError(t, err)
	v, err := NewVault(VaultOptions{Store: st, Sealer: ring, Key: LinkKey(hashKey), PublicURL: "https://frontdesk.example/", Now: clock.Now})
	require.NoError(t, err)
	return &vaultRig{vault: v, store: st, clock: clock}
}

// parts splits a link into id, exp and sig.
func parts(t *testing.T, link string) (string, string, string) {
	t.Helper()
	u, err := url.Parse(link)
	require.NoError(t, err)
	id, ok := strings.CutPrefix(u.Path, "/media/")
	require.True(t, ok, "link %s", link)
	return id, u.Query().Get("exp"), u.Query().Get("sig")
}

func TestVaultKeepsSealedAndOpensBySignedLink(t *testing.T) {
	r := newVaultRig(t, bytes.Repeat([]byte{7}, 32))
	link, err := r.vault.Keep(t.Context(), File{Data: pdfFile, ContentType: "application/pdf"})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(link, "https://frontdesk.example/media/"), link)
	id, exp, sig := parts(t, link)
	assert.Regexp(t, `^[0-9a-f]{32}$`, id)
	assert.Equal(t, strconv.FormatInt(r.clock.Now().Add(7*24*time.Hour).Unix(), 10), exp, "the link expires with the file, 7 days on")

	raw, err := r.store.GetMedia(t.Context(), id)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(raw, pdfFile[:16]), "the store holds the file sealed")

	got, err := r.vault.Open(t.Context(), id, exp, sig)
	require.NoError(t, err)
	assert.Equal(t, File{Data: pdfFile, ContentType: "application/pdf"}, got)
}

func TestVaultRefusesBadLinks(t *testing.T) {
	r := newVaultRig(t, bytes.Repeat([]byte{7}, 32))
	link, err := r.vault.Keep(t.Context(), File{Data: jpegFile, ContentType: "image/jpeg"})
	require.NoError(t, err)
	id, exp, sig := parts(t, link)
	other, err := r.vault.Keep(t.Context(), File{Data: pngFile, ContentType: "image/png"})
	require.NoError(t, err)
	otherID, _, _ := parts(t, other)
	flipped := []byte(sig)
	flipped[0] ^= 1
	stranger := newVaultRig(t, bytes.Repeat([]byte{8}, 32))
	tests := []struct {
		name         string
		id, exp, sig string
		open         func(ctx context.Context, id, exp, sig string) (File, error)
	}{
		{"a tampered signature", id, exp, string(flipped), r.vault.Open},
		{"a later expiry", id, "1999999999", sig, r.vault.Open},
		{"another file's id", otherID, exp, sig, r.vault.Open},
		{"a signature that is not hex", id, exp, "zz", r.vault.Open},
		{"no signature", id, exp, "", r.vault.Open},
		{"another deployment's key", id, exp, sig, stranger.vault.Open},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.open(t.Context(), tc.id, tc.exp, tc.sig)
			assert.ErrorIs(t, err, ErrBadLink)
		})
	}
}

func TestVaultLinkExpires(t *testing.T) {
	r := newVaultRig(t, bytes.Repeat([]byte{7}, 32))
	link, err := r.vault.Keep(t.Context(), File{Data: jpegFile, ContentType: "image/jpeg"})
	require.NoError(t, err)
	id, exp, sig := parts(t, link)
	r.clock.Advance(DefaultTTL - time.Minute)
	_, err = r.vault.Open(t.Context(), id, exp, sig)
	require.NoError(t, err, "still valid just before the TTL")
	r.clock.Advance(2 * time.Minute)
	_, err = r.vault.Open(t.Context(), id, exp, sig)
	assert.ErrorIs(t, err, ErrExpiredLink)
}

func TestVaultGoneFromStore(t *testing.T) {
	r := newVaultRig(t, bytes.Repeat([]byte{7}, 32))
	fresh := &Vault{opts: r.vault.opts}
	_, err := fresh.Open(t.Context(), "00000000000000000000000000000000", "1999999999", fresh.sign("00000000000000000000000000000000", "1999999999"))
	assert.ErrorIs(t, err, persistence.ErrNotFound)
}

func TestNewVaultChecksOptions(t *testing.T) {
	ring, err := seal.NewKeyring(bytes.Repeat([]byte{1}, 32))
	require.NoError(t, err)
	_, err = NewVault(VaultOptions{Sealer: ring, Key: make([]byte, 32)})
	assert.Error(t, err, "no store")
	_, err = NewVault(VaultOptions{Store: failingStore{}, Sealer: ring, Key: make([]byte, 16)})
	assert.Error(t, err, "a short key")
}

// failingStore is a media store that is down.
type failingStore struct{}

func (failingStore) PutMedia(context.Context, string, []byte, time.Duration) error {
	return errors.New("store down")
}

func (failingStore) GetMedia(context.Context, string) ([]byte, error) {
	return nil, errors.New("store down")
}
