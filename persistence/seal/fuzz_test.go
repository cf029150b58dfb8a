package seal

import (
	"bytes"
	"testing"
)

// FuzzOpen checks that Open never panics and never returns plaintext for a
// blob that Seal did not produce unchanged.
func FuzzOpen(f *testing.F) {
	key := bytes.Repeat([]byte{7}, KeySize)
	k, err := NewKeyring(key)
	if err != nil {
		f.Fatal(err)
	}
	valid, err := k.Seal([]byte("hello"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:Overhead])
	f.Add([]byte{})
	f.Add([]byte{formatV1})
	f.Add(append([]byte{formatV1}, make([]byte, Overhead)...))
	f.Fuzz(func(t *testing.T, blob []byte) {
		plain, err := k.Open(blob)
		if err != nil {
			if plain != nil {
				t.Fatalf("plaintext returned with error %v", err)
			}
			return
		}
		// "hello" is the only plaintext ever sealed under this key (in any
		// fuzz worker), so anything else opening would be a forgery.
		if string(plain) != "hello" {
			t.Fatalf("forged blob opened: %x", blob)
		}
	})
}
