package config

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// checkTwilio insists on both credentials or neither: one alone is a
// half-finished deployment that would otherwise fall back to the
// simulator silently. Messages name variables, never values.
func checkTwilio(sid, token string, bad func(string, string, ...any)) {
	switch {
	case sid != "" && token == "":
		bad(EnvTwilioAuthToken, "unset while %s is set; set both or neither", EnvTwilioAccountSID)
	case sid == "" && token != "":
		bad(EnvTwilioAccountSID, "unset while %s is set; set both or neither", EnvTwilioAuthToken)
	case sid != "" && !validAccountSID(sid):
		// The value is not echoed: a token pasted in the wrong variable
		// would otherwise land in the logs.
		bad(EnvTwilioAccountSID, "must be AC followed by letters and digits (is the auth token in the wrong variable?)")
	}
}

func validAccountSID(sid string) bool {
	if len(sid) < 3 || !strings.HasPrefix(sid, "AC") {
		return false
	}
	for _, r := range sid[2:] {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// checkStore validates REDIS_URL and the encryption key. Health data in a
// shared Redis must be encrypted with a key the operator controls, so Redis
// without a key is refused; the embedded store may generate its own.
func checkStore(redisURL, key string, bad func(string, string, ...any)) {
	if redisURL != "" {
		if msg := checkRedisURL(redisURL); msg != "" {
			bad(EnvRedisURL, "%s", msg)
		}
		if key == "" {
			bad(EnvEncryptionKey, "required when %s is set (base64 of %d random bytes, e.g. `openssl rand -base64 32`)", EnvRedisURL, EncryptionKeySize)
		}
	}
	if key != "" {
		if _, err := decodeKey(key); err != nil {
			bad(EnvEncryptionKey, "%v", err)
		}
	}
}

// checkRedisURL never quotes the URL or url.Parse's error, which repeats
// it, because the URL may carry the Redis password.
func checkRedisURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "not a valid URL"
	}
	switch u.Scheme {
	case "redis", "rediss":
		if u.Host == "" {
			return "has no host"
		}
	case "unix":
		if u.Path == "" {
			return "has no socket path"
		}
	default:
		return "scheme must be redis, rediss or unix"
	}
	return ""
}

// decodeKey accepts standard or URL-safe base64, padded or not, because
// key generators differ; the error says what is wrong, never the key.
func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(b) != EncryptionKeySize {
			return nil, fmt.Errorf("decodes to %d bytes, want %d", len(b), EncryptionKeySize)
		}
		return b, nil
	}
	return nil, fmt.Errorf("not valid base64 (want %d random bytes, e.g. `openssl rand -base64 32`)", EncryptionKeySize)
}

// EncryptionKeyBytes is the decoded FRONTDESK_ENCRYPTION_KEY, or nil when
// none is set (the embedded store then manages its own key). Load has
// already validated it.
func (c Config) EncryptionKeyBytes() []byte {
	if c.EncryptionKey == "" {
		return nil
	}
	b, err := decodeKey(c.EncryptionKey.Value())
	if err != nil {
		return nil
	}
	return b
}

// StoreKind names the store the configuration selects: "redis" when
// REDIS_URL is set, else "embedded".
func (c Config) StoreKind() string {
	if c.RedisURL != "" {
		return "redis"
	}
	return "embedded"
}

// checkOldKeys validates FRONTDESK_ENCRYPTION_KEYS_OLD without quoting it.
func checkOldKeys(raw string, bad func(string, string, ...any)) {
	if raw == "" {
		return
	}
	for i, k := range strings.Split(raw, ",") {
		if _, err := decodeKey(strings.TrimSpace(k)); err != nil {
			bad(EnvOldKeys, "key %d: %v", i+1, err)
		}
	}
}

// OldKeyBytes are the decoded retired keys of FRONTDESK_ENCRYPTION_KEYS_OLD:
// blobs sealed with them still open; nothing new is sealed with them.
func (c Config) OldKeyBytes() [][]byte {
	var out [][]byte
	for _, k := range strings.Split(c.OldKeys.Value(), ",") {
		if b, err := decodeKey(strings.TrimSpace(k)); err == nil {
			out = append(out, b)
		}
	}
	return out
}
