// Package seal encrypts blobs that hold patient data (conversation
// snapshots, outbox payloads) before they reach a store, with AES-256-GCM.
// Every sealed blob names the key that sealed it, so keys can rotate: a
// Keyring seals with its primary key and still opens blobs sealed with the
// older keys it was given.
//
// Key ids are the first 4 bytes of the key's SHA-256, so they need no
// configuration and reveal nothing useful about the key.
package seal

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length of an AES-256 key in bytes.
const KeySize = 32

// ErrInvalidKey means a key is not base64 of exactly KeySize bytes. Errors
// that wrap it never contain the key itself.
var ErrInvalidKey = errors.New("invalid encryption key")

// keyEncodings are the base64 spellings ParseKey accepts: operators paste
// keys from different tools, and none of them is ambiguous for 32 bytes.
var keyEncodings = []*base64.Encoding{
	base64.StdEncoding,
	base64.RawStdEncoding,
	base64.URLEncoding,
	base64.RawURLEncoding,
}

// ParseKey decodes a base64 key (standard or URL alphabet, padded or not,
// surrounding white space ignored) and checks that it is 32 bytes. Its
// errors describe the problem without echoing the input, so they are safe
// to log.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	for _, enc := range keyEncodings {
		key, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("%w: decodes to %d bytes, want %d", ErrInvalidKey, len(key), KeySize)
		}
		return key, nil
	}
	return nil, fmt.Errorf("%w: not base64", ErrInvalidKey)
}

// EncodeKey returns the standard base64 form of key, the form ParseKey
// reads and FRONTDESK_ENCRYPTION_KEY expects.
func EncodeKey(key []byte) string {
	return base64.StdEncoding.EncodeToString(key)
}

// GenerateKey returns a fresh random 32-byte key.
func GenerateKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return key, nil
}

// KeyID returns the 8-hex-digit id that sealed blobs carry for key. It is
// safe to log, which lets an operator see which key a deployment seals with.
func KeyID(key []byte) string {
	id := keyID(key)
	return hex.EncodeToString(id[:])
}

// keyID is the first 4 bytes of SHA-256 of the key.
func keyID(key []byte) [4]byte {
	sum := sha256.Sum256(key)
	return [4]byte(sum[:4])
}
