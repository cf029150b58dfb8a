package config

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadDefaultsIsTheDemo(t *testing.T) {
	cfg, err := Load(envOf(nil))
	require.NoError(t, err)

	assert.Equal(t, "127.0.0.1:8080", cfg.Addr)
	assert.Equal(t, "http://127.0.0.1:8080", cfg.PublicURL)
	assert.Equal(t, "./data", cfg.DataDir)
	assert.Equal(t, "embedded", cfg.StoreKind())
	assert.Equal(t, "https://api.twilio.com", cfg.TwilioAPIBaseURL)
	assert.Equal(t, 15*time.Minute, cfg.SessionTimeout)
	assert.Equal(t, 2*time.Minute, cfg.PassivateAfter)
	assert.Equal(t, "info", cfg.LogLevel)
	assert.Equal(t, slog.LevelInfo, cfg.SlogLevel())
	assert.False(t, cfg.TwilioConfigured())
	assert.Nil(t, cfg.EncryptionKeyBytes())
	assert.True(t, cfg.Demo)
	require.Len(t, cfg.Hospitals, 1)
	assert.Equal(t, "demo", cfg.Hospitals[0].Code)
}

func TestLoadValidSettings(t *testing.T) {
	key := testKey(t)
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, cfg Config)
	}{
		{"public url follows addr", map[string]string{EnvAddr: "10.0.0.5:9000"}, func(t *testing.T, cfg Config) {
			assert.Equal(t, "http://10.0.0.5:9000", cfg.PublicURL)
		}},
		{"wildcard addr gives localhost", map[string]string{EnvAddr: ":9000"}, func(t *testing.T, cfg Config) {
			assert.Equal(t, "http://localhost:9000", cfg.PublicURL)
		}},
		{"unspecified ip gives localhost", map[string]string{EnvAddr: "0.0.0.0:9000"}, func(t *testing.T, cfg Config) {
			assert.Equal(t, "http://localhost:9000", cfg.PublicURL)
		}},
		{"ipv6 addr", map[string]string{EnvAddr: "[::1]:9000"}, func(t *testing.T, cfg Config) {
			assert.Equal(t, "http://[::1]:9000", cfg.PublicURL)
		}},
		{"public url trailing slash trimmed", map[string]string{EnvPublicURL: "https://bot.example.org/frontdesk/"}, func(t *testing.T, cfg Config) {
			assert.Equal(t, "https://bot.example.org/frontdesk", cfg.PublicURL)
		}},
		{"twilio base url trimmed", map[string]string{EnvTwilioAPIBaseURL: "http://127.0.0.1:4010/"}, func(t *testing.T, cfg Config) {
			assert.Equal(t, "http://127.0.0.1:4010", cfg.TwilioAPIBaseURL)
		}},
		{"twilio configured", map[string]string{EnvTwilioAccountSID: "AC0123456789abcdef0123456789abcdef", EnvTwilioAuthToken: "tok"}, func(t *testing.T, cfg Config) {
			assert.True(t, cfg.TwilioConfigured())
		}},
		{"redis with key", map[string]string{EnvRedisURL: "redis://:pw@127.0.0.1:6379/2", EnvEncryptionKey: key}, func(t *testing.T, cfg Config) {
			assert.Equal(t, "redis", cfg.StoreKind())
			assert.Len(t, cfg.EncryptionKeyBytes(), 32)
		}},
		{"key in url-safe base64 without padding", map[string]string{EnvEncryptionKey: base64.RawURLEncoding.EncodeToString(make([]byte, 32))}, func(t *testing.T, cfg Config) {
			assert.Equal(t, make([]byte, 32), cfg.EncryptionKeyBytes())
		}},
		{"durations and level", map[string]string{EnvSessionTimeout: "30m", EnvPassivateAfter: "45s", EnvLogLevel: "DEBUG"}, func(t *testing.T, cfg Config) {
			assert.Equal(t, 30*time.Minute, cfg.SessionTimeout)
			assert.Equal(t, 45*time.Second, cfg.PassivateAfter)
			assert.Equal(t, slog.LevelDebug, cfg.SlogLevel())
		}},
		{"data dir", map[string]string{EnvDataDir: "/var/lib/frontdesk"}, func(t *testing.T, cfg Config) {
			assert.Equal(t, "/var/lib/frontdesk", cfg.DataDir)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(envOf(tt.env))
			require.NoError(t, err)
			tt.check(t, cfg)
		})
	}
}

func TestLoadRejectsBadEnvironment(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"addr without port", map[string]string{EnvAddr: "localhost"}, `FRONTDESK_ADDR: "localhost" is not host:port`},
		{"relative public url", map[string]string{EnvPublicURL: "bot.example.org"}, "FRONTDESK_PUBLIC_URL: must be an absolute http:// or https:// URL"},
		{"public url with query", map[string]string{EnvPublicURL: "https://bot.example.org/?a=b"}, "FRONTDESK_PUBLIC_URL: URL must not contain a query"},
		{"public url ftp", map[string]string{EnvPublicURL: "ftp://bot.example.org"}, "FRONTDESK_PUBLIC_URL: must be an absolute http:// or https:// URL"},
		{"twilio base url without host", map[string]string{EnvTwilioAPIBaseURL: "http://"}, "TWILIO_API_BASE_URL: URL has no host"},
		{"session timeout not a duration", map[string]string{EnvSessionTimeout: "15"}, `FRONTDESK_SESSION_TIMEOUT: "15" is not a Go duration`},
		{"session timeout zero", map[string]string{EnvSessionTimeout: "0s"}, "FRONTDESK_SESSION_TIMEOUT: \"0s\" must be greater than zero"},
		{"session timeout negative", map[string]string{EnvSessionTimeout: "-5m"}, "FRONTDESK_SESSION_TIMEOUT: \"-5m\" must be greater than zero"},
		{"passivate not a duration", map[string]string{EnvPassivateAfter: "soon"}, `FRONTDESK_PASSIVATE_AFTER: "soon" is not a Go duration`},
		{"log level", map[string]string{EnvLogLevel: "verbose"}, `FRONTDESK_LOG_LEVEL: "verbose" is not one of debug, info, warn, error`},
		{"sid without token", map[string]string{EnvTwilioAccountSID: "AC123"}, "TWILIO_AUTH_TOKEN: unset while TWILIO_ACCOUNT_SID is set"},
		{"token without sid", map[string]string{EnvTwilioAuthToken: "tok"}, "TWILIO_ACCOUNT_SID: unset while TWILIO_AUTH_TOKEN is set"},
		{"sid malformed", map[string]string{EnvTwilioAccountSID: "tok-in-wrong-var", EnvTwilioAuthToken: "tok"}, "TWILIO_ACCOUNT_SID: must be AC followed by letters and digits"},
		{"redis without key", map[string]string{EnvRedisURL: "redis://127.0.0.1:6379"}, "FRONTDESK_ENCRYPTION_KEY: required when REDIS_URL is set"},
		{"redis bad scheme", map[string]string{EnvRedisURL: "http://127.0.0.1:6379", EnvEncryptionKey: base64.StdEncoding.EncodeToString(make([]byte, 32))}, "REDIS_URL: scheme must be redis, rediss or unix"},
		{"key not base64", map[string]string{EnvEncryptionKey: "not base64!"}, "FRONTDESK_ENCRYPTION_KEY: not valid base64"},
		{"key too short", map[string]string{EnvEncryptionKey: base64.StdEncoding.EncodeToString(make([]byte, 16))}, "FRONTDESK_ENCRYPTION_KEY: decodes to 16 bytes, want 32"},
		{"config file missing", map[string]string{EnvConfig: "testdata/does-not-exist.yaml"}, "read hospitals file: open testdata/does-not-exist.yaml"},
		{"old key not base64", map[string]string{EnvOldKeys: base64.StdEncoding.EncodeToString(make([]byte, 32)) + ",nope!"}, "FRONTDESK_ENCRYPTION_KEYS_OLD: key 2: not valid base64"},
		{"retention zero", map[string]string{EnvRetention: "0h"}, `FRONTDESK_RETENTION: "0h" must be greater than zero`},
		{"batch not a number", map[string]string{EnvCommitMaxBatch: "lots"}, `FRONTDESK_COMMIT_MAX_BATCH: "lots" must be a whole number from 1 to 10000`},
		{"batch zero", map[string]string{EnvCommitMaxBatch: "0"}, `FRONTDESK_COMMIT_MAX_BATCH: "0" must be a whole number from 1 to 10000`},
		{"max wait negative", map[string]string{EnvCommitMaxWait: "-1ms"}, `FRONTDESK_COMMIT_MAX_WAIT: "-1ms" must be greater than zero`},
		{"lease too short", map[string]string{EnvOutboxLease: "2s"}, "FRONTDESK_OUTBOX_LEASE: must be from 10s to 1h"},
		{"lease too long", map[string]string{EnvOutboxLease: "2h"}, "FRONTDESK_OUTBOX_LEASE: must be from 10s to 1h"},
		{"lease not a duration", map[string]string{EnvOutboxLease: "soon"}, `FRONTDESK_OUTBOX_LEASE: "soon" is not a Go duration`},
		{"heap floor negative", map[string]string{EnvGCHeapFloor: "-1"}, `FRONTDESK_GC_HEAP_FLOOR_MIB: "-1" must be a whole number from 0 to 1048576`},
		{"heap floor with a unit", map[string]string{EnvGCHeapFloor: "256MiB"}, `FRONTDESK_GC_HEAP_FLOOR_MIB: "256MiB" must be a whole number from 0 to 1048576`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(envOf(tt.env))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	_, err := Load(envOf(map[string]string{
		EnvSessionTimeout: "x",
		EnvLogLevel:       "loud",
		EnvRedisURL:       "redis://127.0.0.1:6379",
	}))
	require.Error(t, err)
	for _, name := range []string{EnvSessionTimeout, EnvLogLevel, EnvEncryptionKey} {
		assert.Contains(t, err.Error(), name+":")
	}
	assert.Len(t, strings.Split(err.Error(), "\n"), 3)
}

func TestLoadWithConfigFile(t *testing.T) {
	cfg, err := Load(envOf(map[string]string{
		EnvConfig:             "testdata/good.yaml",
		"EMR_ABC_TOKEN":       "t0k",
		"EMR_ABC_BASE":        "https://emr.example/api",
		"CALLBACK_ABC_SECRET": "callback-secret-0123456789",
	}))
	require.NoError(t, err)
	assert.False(t, cfg.Demo)
	assert.Equal(t, "testdata/good.yaml", cfg.ConfigPath)
	require.Len(t, cfg.Hospitals, 2)
	assert.Equal(t, "abc", cfg.Hospitals[0].Code)
}

func TestLoadStoreTuning(t *testing.T) {
	k1 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	k2 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32))
	cfg, err := Load(envOf(map[string]string{
		EnvOldKeys: k1 + ", " + k2, EnvRetention: "72h", EnvCommitMaxBatch: "64", EnvCommitMaxWait: "500us",
		EnvOutboxLease: "15s", EnvGCHeapFloor: "0",
	}))
	require.NoError(t, err)
	assert.Equal(t, [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)}, cfg.OldKeyBytes())
	assert.Equal(t, 72*time.Hour, cfg.Retention)
	assert.Equal(t, 64, cfg.CommitMaxBatch)
	assert.Equal(t, 500*time.Microsecond, cfg.CommitMaxWait)
	assert.Equal(t, 15*time.Second, cfg.OutboxLease)
	assert.Zero(t, cfg.GCHeapFloorMiB, "0 turns the floor off")
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), k1, "old keys never print")

	def, err := Load(envOf(nil))
	require.NoError(t, err)
	assert.Equal(t, DefaultRetention, def.Retention)
	assert.Equal(t, DefaultCommitMaxBatch, def.CommitMaxBatch)
	assert.Zero(t, def.CommitMaxWait)
	assert.Equal(t, DefaultOutboxLease, def.OutboxLease)
	assert.Equal(t, DefaultGCHeapFloorMiB, def.GCHeapFloorMiB)
	assert.Empty(t, def.OldKeyBytes())
}
