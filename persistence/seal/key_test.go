package seal

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseKey(t *testing.T) {
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = byte(i*7 + 250) // includes bytes that give '+' '/' in base64
	}
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"standard", base64.StdEncoding.EncodeToString(key), true},
		{"standard with newline", base64.StdEncoding.EncodeToString(key) + "\n", true},
		{"unpadded", base64.RawStdEncoding.EncodeToString(key), true},
		{"url alphabet", base64.URLEncoding.EncodeToString(key), true},
		{"url unpadded", base64.RawURLEncoding.EncodeToString(key), true},
		{"empty", "", false},
		{"blank", "  \n", false},
		{"too short", base64.StdEncoding.EncodeToString(key[:31]), false},
		{"too long", base64.StdEncoding.EncodeToString(append(key, 1)), false},
		{"not base64", "this is not a key at all, not even close!!!!", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKey(tt.in)
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, key, got)
				return
			}
			require.ErrorIs(t, err, ErrInvalidKey)
			if s := strings.TrimSpace(tt.in); s != "" {
				assert.NotContains(t, err.Error(), s, "error echoes the key")
			}
		})
	}
}

func TestParseKeyErrorNeverEchoesKey(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("sixteen byte key"))
	_, err := ParseKey(secret)
	require.ErrorIs(t, err, ErrInvalidKey)
	assert.NotContains(t, err.Error(), secret)
	assert.Contains(t, err.Error(), "16 bytes")
}

func TestGenerateKey(t *testing.T) {
	a, err := GenerateKey()
	require.NoError(t, err)
	b, err := GenerateKey()
	require.NoError(t, err)
	assert.Len(t, a, KeySize)
	assert.NotEqual(t, a, b)
	back, err := ParseKey(EncodeKey(a))
	require.NoError(t, err)
	assert.Equal(t, a, back)
	assert.Len(t, KeyID(a), 8)
}
