// Package pii keeps patient identifiers out of logs, metric labels and
// store keys: a phone number is replaced by a keyed hash, stable within one
// deployment (so an SRE can follow one patient's messages across log lines)
// and useless without the key.
package pii

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"log/slog"
	"sync"
)

// Hasher makes keyed hashes of identifiers. It is safe for concurrent use.
type Hasher struct {
	// macs holds keyed HMACs ready for use: making one costs more than
	// hashing a phone number, and every message needs a few hashes.
	macs sync.Pool
}

// NewHasher returns a hasher keyed with key (at least 16 bytes).
func NewHasher(key []byte) *Hasher {
	key = append([]byte(nil), key...)
	h := &Hasher{}
	h.macs.New = func() any { return hmac.New(sha256.New, key) }
	return h
}

// Hash returns a 24-hex-character keyed hash of s.
func (h *Hasher) Hash(s string) string {
	m := h.macs.Get().(hash.Hash)
	m.Reset()
	m.Write([]byte(s))
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0])[:12])
	h.macs.Put(m)
	return out
}

// Attr is a log attribute holding the keyed hash of a phone number.
func (h *Hasher) Attr(key, phone string) slog.Attr {
	return slog.String(key, h.Hash(phone))
}
