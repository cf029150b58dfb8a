// Package pii keeps patient identifiers out of logs, metric labels and
// store keys: a phone number is replaced by a keyed hash, stable within one
// deployment (so an SRE can follow one patient's messages across log lines)
// and useless without the key.
package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
)

// Hasher makes keyed hashes of identifiers.
type Hasher struct {
	key []byte
}

// NewHasher returns a hasher keyed with key (at least 16 bytes).
func NewHasher(key []byte) *Hasher {
	return &Hasher{key: append([]byte(nil), key...)}
}

// Hash returns a 24-hex-character keyed hash of s.
func (h *Hasher) Hash(s string) string {
	m := hmac.New(sha256.New, h.key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// Attr is a log attribute holding the keyed hash of a phone number.
func (h *Hasher) Attr(key, phone string) slog.Attr {
	return slog.String(key, h.Hash(phone))
}
