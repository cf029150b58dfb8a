package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
)

// formatV1 is the first byte of every blob Seal produces. A new layout
// gets a new byte, so old blobs stay readable.
const formatV1 byte = 1

// Layout of a v1 blob: version | key id | nonce | ciphertext+tag.
const (
	idLen     = 4
	nonceLen  = 12 // GCM standard nonce
	tagLen    = 16 // GCM tag
	headerLen = 1 + idLen
	// Overhead is how many bytes Seal adds to the plaintext.
	Overhead = headerLen + nonceLen + tagLen
)

// Errors Open returns; each is wrapped with what was being opened.
var (
	// ErrMalformed means the blob is too short or of an unknown format.
	ErrMalformed = errors.New("malformed sealed blob")
	// ErrUnknownKey means the blob was sealed with a key the keyring does
	// not hold (a key that was rotated out, or another deployment's).
	ErrUnknownKey = errors.New("sealed with an unknown key")
	// ErrTampered means authentication failed: the blob was altered or
	// sealed under a different key with the same id.
	ErrTampered = errors.New("sealed blob failed authentication")
)

// Keyring seals with one primary key and opens with any key it holds. It
// is safe for concurrent use.
type Keyring struct {
	primaryID [idLen]byte
	aeads     map[[idLen]byte]cipher.AEAD
}

// NewKeyring builds a keyring that seals with primary and opens blobs
// sealed with primary or any of old. Repeated keys are ignored; two
// different keys with the same id are refused (vanishingly unlikely, but
// it would make blobs ambiguous).
func NewKeyring(primary []byte, old ...[]byte) (*Keyring, error) {
	k := &Keyring{aeads: make(map[[idLen]byte]cipher.AEAD, 1+len(old))}
	keys := make(map[[idLen]byte][]byte, 1+len(old))
	for i, key := range append([][]byte{primary}, old...) {
		if len(key) != KeySize {
			return nil, fmt.Errorf("keyring key %d: %w: %d bytes, want %d", i, ErrInvalidKey, len(key), KeySize)
		}
		id := keyID(key)
		if prev, ok := keys[id]; ok {
			if hmac.Equal(prev, key) {
				continue
			}
			return nil, fmt.Errorf("keyring key %d: id %x is shared with another key", i, id)
		}
		aead, err := newAEAD(key)
		if err != nil {
			return nil, fmt.Errorf("keyring key %d: %w", i, err)
		}
		keys[id] = key
		k.aeads[id] = aead
	}
	k.primaryID = keyID(primary)
	return k, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("gcm: %w", err)
	}
	return aead, nil
}

// PrimaryID is the id (8 hex digits) of the key new blobs are sealed with.
func (k *Keyring) PrimaryID() string {
	return hex.EncodeToString(k.primaryID[:])
}

// Seal encrypts plain with the primary key under a fresh random nonce. The
// header (format and key id) is authenticated too, so it cannot be swapped.
func (k *Keyring) Seal(plain []byte) ([]byte, error) {
	out := make([]byte, headerLen+nonceLen, Overhead+len(plain))
	out[0] = formatV1
	copy(out[1:headerLen], k.primaryID[:])
	if _, err := rand.Read(out[headerLen:]); err != nil {
		return nil, fmt.Errorf("seal: nonce: %w", err)
	}
	aead, ok := k.aeads[k.primaryID]
	if !ok {
		return nil, errors.New("seal: keyring has no key (use NewKeyring)")
	}
	return aead.Seal(out, out[headerLen:], plain, out[:headerLen]), nil
}

// Open authenticates and decrypts a blob made by Seal, choosing the key by
// the id the blob carries. It fails with ErrMalformed, ErrUnknownKey or
// ErrTampered, never with a panic, whatever the input.
func (k *Keyring) Open(blob []byte) ([]byte, error) {
	if len(blob) < Overhead {
		return nil, fmt.Errorf("open: %w: %d bytes", ErrMalformed, len(blob))
	}
	if blob[0] != formatV1 {
		return nil, fmt.Errorf("open: %w: format %d", ErrMalformed, blob[0])
	}
	id := [idLen]byte(blob[1:headerLen])
	aead, ok := k.aeads[id]
	if !ok {
		return nil, fmt.Errorf("open: %w: key id %x", ErrUnknownKey, id)
	}
	nonce := blob[headerLen : headerLen+nonceLen]
	plain, err := aead.Open(nil, nonce, blob[headerLen+nonceLen:], blob[:headerLen])
	if err != nil {
		return nil, fmt.Errorf("open: %w", ErrTampered)
	}
	return plain, nil
}

// SealedWithPrimary reports whether blob carries the primary key's id: a
// blob sealed with an older key opens, and is worth sealing again with the
// primary before that key is retired.
func (k *Keyring) SealedWithPrimary(blob []byte) bool {
	return len(blob) >= headerLen && [idLen]byte(blob[1:headerLen]) == k.primaryID
}
