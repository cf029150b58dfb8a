package config

import (
	"crypto/rand"
	"encoding/base64"
	"testing"
)

// envOf is a getenv backed by a map, so tests never touch the process
// environment and can run in parallel.
func envOf(m map[string]string) func(string) string {
	return func(name string) string { return m[name] }
}

// testKey is a fresh valid FRONTDESK_ENCRYPTION_KEY.
func testKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, EncryptionKeySize)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}
