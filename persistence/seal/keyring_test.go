package seal

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

func mustKey(t testing.TB) []byte {
	t.Helper()
	key, err := GenerateKey()
	require.NoError(t, err)
	return key
}

func mustKeyring(t testing.TB, primary []byte, old ...[]byte) *Keyring {
	t.Helper()
	k, err := NewKeyring(primary, old...)
	require.NoError(t, err)
	return k
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := mustKeyring(t, mustKey(t))
	for _, plain := range [][]byte{nil, {}, []byte("x"), bytes.Repeat([]byte{0, 0xff, 'a'}, 5000)} {
		blob, err := k.Seal(plain)
		require.NoError(t, err)
		assert.Len(t, blob, len(plain)+Overhead)
		if len(plain) > 8 {
			assert.False(t, bytes.Contains(blob, plain[:8]), "plaintext visible in blob")
		}
		got, err := k.Open(blob)
		require.NoError(t, err)
		assert.Equal(t, len(plain), len(got))
		assert.True(t, bytes.Equal(plain, got))
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	k := mustKeyring(t, mustKey(t))
	a, err := k.Seal([]byte("same"))
	require.NoError(t, err)
	b, err := k.Seal([]byte("same"))
	require.NoError(t, err)
	assert.NotEqual(t, a, b, "two seals of one plaintext must differ")
}

func TestRotation(t *testing.T) {
	oldKey, newKey := mustKey(t), mustKey(t)
	before := mustKeyring(t, oldKey)
	blob, err := before.Seal([]byte("sealed before rotation"))
	require.NoError(t, err)

	after := mustKeyring(t, newKey, oldKey)
	got, err := after.Open(blob)
	require.NoError(t, err, "a blob sealed with an old key opens after rotation")
	assert.Equal(t, "sealed before rotation", string(got))

	fresh, err := after.Seal([]byte("sealed after rotation"))
	require.NoError(t, err)
	_, err = before.Open(fresh)
	assert.ErrorIs(t, err, ErrUnknownKey, "the old keyring does not know the new primary")
	assert.Equal(t, KeyID(newKey), after.PrimaryID())
	assert.Equal(t, fresh[1:5], keyIDBytes(newKey), "blobs carry the primary's id")
}

func keyIDBytes(key []byte) []byte {
	id := keyID(key)
	return id[:]
}

func TestOpenRejects(t *testing.T) {
	k := mustKeyring(t, mustKey(t))
	blob, err := k.Seal([]byte("patient data"))
	require.NoError(t, err)
	stranger, err := mustKeyring(t, mustKey(t)).Seal([]byte("patient data"))
	require.NoError(t, err)

	flip := func(i int) []byte {
		b := bytes.Clone(blob)
		b[i] ^= 0x01
		return b
	}
	tests := []struct {
		name string
		blob []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"header only", blob[:headerLen], ErrMalformed},
		{"truncated by one byte", blob[:len(blob)-1], ErrTampered},
		{"shorter than overhead", blob[:Overhead-1], ErrMalformed},
		{"unknown format", flip(0), ErrMalformed},
		{"unknown key id", stranger, ErrUnknownKey},
		{"key id altered", flip(2), ErrUnknownKey},
		{"nonce altered", flip(headerLen + 1), ErrTampered},
		{"ciphertext altered", flip(headerLen + nonceLen), ErrTampered},
		{"tag altered", flip(len(blob) - 1), ErrTampered},
		{"extra byte", append(bytes.Clone(blob), 0), ErrTampered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := k.Open(tt.blob)
			assert.ErrorIs(t, err, tt.want)
			assert.Nil(t, got)
			if err != nil {
				assert.NotContains(t, err.Error(), "patient data")
			}
		})
	}
}

func TestNewKeyring(t *testing.T) {
	a := mustKey(t)
	_, err := NewKeyring(a[:16])
	assert.ErrorIs(t, err, ErrInvalidKey, "short primary")
	_, err = NewKeyring(a, []byte("short"))
	assert.ErrorIs(t, err, ErrInvalidKey, "short old key")
	_, err = NewKeyring(a, a)
	assert.NoError(t, err, "a repeated key is harmless")
}

func TestSealedWithPrimary(t *testing.T) {
	a, b := mustKey(t), mustKey(t)
	old := mustKeyring(t, a)
	rotated := mustKeyring(t, b, a)
	blob, err := old.Seal([]byte("x"))
	require.NoError(t, err)
	assert.True(t, old.SealedWithPrimary(blob))
	assert.False(t, rotated.SealedWithPrimary(blob), "sealed with a key that is no longer primary")
	again, err := rotated.Seal([]byte("x"))
	require.NoError(t, err)
	assert.True(t, rotated.SealedWithPrimary(again))
	assert.False(t, rotated.SealedWithPrimary([]byte{1, 2}), "a short blob is not sealed with anything")
}

// Keyring is what other packages hand to code that wants a persistence.Sealer.
var _ persistence.Sealer = (*Keyring)(nil)
