package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Load builds the process configuration from getenv (os.Getenv in main, a
// map lookup in tests): defaults, validation of every variable and, when
// FRONTDESK_CONFIG is set, the hospitals file; without it the built-in demo
// hospital. Every problem is reported at once, one per line, so an operator
// fixes a broken deployment in one pass. No secret value appears in the
// error. A nil getenv reads the process environment.
func Load(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}

	cfg := Config{
		Addr:             orDefault(env(EnvAddr), DefaultAddr),
		ConfigPath:       env(EnvConfig),
		DataDir:          orDefault(env(EnvDataDir), DefaultDataDir),
		RedisURL:         Secret(env(EnvRedisURL)),
		EncryptionKey:    Secret(env(EnvEncryptionKey)),
		TwilioAccountSID: env(EnvTwilioAccountSID),
		TwilioAuthToken:  Secret(env(EnvTwilioAuthToken)),
		LogLevel:         strings.ToLower(orDefault(env(EnvLogLevel), DefaultLogLevel)),
	}
	cfg.PublicURL = loadPublicURL(env(EnvPublicURL), cfg.Addr, bad)
	cfg.TwilioAPIBaseURL = loadBaseURL(EnvTwilioAPIBaseURL, orDefault(env(EnvTwilioAPIBaseURL), DefaultTwilioAPIBaseURL), bad)
	cfg.SessionTimeout = loadDuration(EnvSessionTimeout, env(EnvSessionTimeout), DefaultSessionTimeout, bad)
	cfg.PassivateAfter = loadDuration(EnvPassivateAfter, env(EnvPassivateAfter), DefaultPassivateAfter, bad)
	cfg.Retention = loadDuration(EnvRetention, env(EnvRetention), DefaultRetention, bad)
	cfg.CommitMaxBatch = loadCount(EnvCommitMaxBatch, env(EnvCommitMaxBatch), DefaultCommitMaxBatch, 1, 10000, bad)
	if raw := env(EnvCommitMaxWait); raw != "" {
		cfg.CommitMaxWait = loadDuration(EnvCommitMaxWait, raw, 0, bad)
	}
	cfg.GCHeapFloorMiB = loadCount(EnvGCHeapFloor, env(EnvGCHeapFloor), DefaultGCHeapFloorMiB, 0, 1<<20, bad)
	cfg.OutboxLease = loadDuration(EnvOutboxLease, env(EnvOutboxLease), DefaultOutboxLease, bad)
	if cfg.OutboxLease > 0 && (cfg.OutboxLease < MinOutboxLease || cfg.OutboxLease > time.Hour) {
		bad(EnvOutboxLease, "must be from %s to 1h", MinOutboxLease)
	}
	cfg.OldKeys = Secret(env(EnvOldKeys))
	cfg.RedisPrefix = orDefault(env(EnvRedisPrefix), DefaultRedisPrefix)
	if strings.ContainsAny(cfg.RedisPrefix, " \t\r\n") || len(cfg.RedisPrefix) > 64 {
		bad(EnvRedisPrefix, "must be at most 64 characters without spaces")
	}
	checkOldKeys(cfg.OldKeys.Value(), bad)
	if _, ok := logLevels[cfg.LogLevel]; !ok {
		bad(EnvLogLevel, "%q is not one of debug, info, warn, error", cfg.LogLevel)
	}
	checkTwilio(cfg.TwilioAccountSID, cfg.TwilioAuthToken.Value(), bad)
	checkStore(cfg.RedisURL.Value(), cfg.EncryptionKey.Value(), bad)

	if cfg.ConfigPath == "" {
		cfg.Demo = true
		cfg.Hospitals = []Hospital{DemoHospital()}
	} else {
		hospitals, err := LoadHospitals(cfg.ConfigPath, getenv)
		if err != nil {
			errs = append(errs, err)
		}
		cfg.Hospitals = hospitals
	}
	loadSimulator(&cfg, env(EnvSimulator), env(EnvSimulatorToken), bad)
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("load configuration: %w", err)
	}
	return cfg, nil
}

// logLevels maps FRONTDESK_LOG_LEVEL to slog levels.
var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

// SlogLevel is LogLevel as a slog level, for building the logger.
func (c Config) SlogLevel() slog.Level { return logLevels[c.LogLevel] }

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// loadPublicURL defaults the public URL to the listen address; a wildcard
// host (":8080", "0.0.0.0:8080") becomes localhost, the only name that
// reaches a wildcard listener from the same machine.
func loadPublicURL(raw, addr string, bad func(string, string, ...any)) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		bad(EnvAddr, "%q is not host:port", addr)
		return ""
	}
	if raw == "" {
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			host = "localhost"
		}
		return "http://" + net.JoinHostPort(host, port)
	}
	return loadBaseURL(EnvPublicURL, raw, bad)
}

// loadBaseURL checks a base URL other paths are appended to: absolute
// http(s), no credentials (they would end up in logs), no query or fragment
// (they would break the appended path). The trailing slash is trimmed.
func loadBaseURL(name, raw string, bad func(string, string, ...any)) string {
	if msg := checkHTTPURL(raw, true); msg != "" {
		bad(name, "%s", msg)
		return ""
	}
	return strings.TrimRight(raw, "/")
}

func loadDuration(name, raw string, def time.Duration, bad func(string, string, ...any)) time.Duration {
	if raw == "" {
		return def
	}
	d, err := time.ParseDuration(raw)
	if err != nil {
		bad(name, "%q is not a Go duration such as %s", raw, def)
		return 0
	}
	if d <= 0 {
		bad(name, "%q must be greater than zero", raw)
		return 0
	}
	return d
}

// loadCount reads a whole number within [lo, hi].
func loadCount(name, raw string, def, lo, hi int, bad func(string, string, ...any)) int {
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		bad(name, "%q must be a whole number from %d to %d", raw, lo, hi)
		return def
	}
	return n
}
