package config

import (
	"log/slog"
	"net/url"
	"strings"
)

// LogValue makes slog print a safe summary of the configuration: what an
// operator needs to see at start-up (where it listens, which store, whether
// Twilio is on, which hospitals) and never a secret: no token, no key, no
// Redis password, no EMR auth header.
func (c Config) LogValue() slog.Value { return slog.GroupValue(c.summary()...) }

// String is the same summary as LogValue, as key=value pairs, so that %v
// and %+v cannot leak what the logger would not.
func (c Config) String() string {
	attrs := c.summary()
	parts := make([]string, len(attrs))
	for i, a := range attrs {
		parts[i] = a.Key + "=" + a.Value.String()
	}
	return strings.Join(parts, " ")
}

func (c Config) summary() []slog.Attr {
	attrs := []slog.Attr{
		slog.String("addr", c.Addr),
		slog.String("public_url", c.PublicURL),
		slog.Bool("demo", c.Demo),
		slog.String("store", c.StoreKind()),
	}
	if c.RedisURL != "" {
		attrs = append(attrs, slog.String("redis", redisTarget(c.RedisURL.Value())))
	} else {
		attrs = append(attrs, slog.String("data_dir", c.DataDir))
	}
	codes := make([]string, len(c.Hospitals))
	for i, h := range c.Hospitals {
		codes[i] = h.Code
	}
	attrs = append(attrs,
		slog.Bool("encryption_key_set", c.EncryptionKey != ""),
		slog.Int("old_encryption_keys", len(c.OldKeyBytes())),
		slog.Duration("retention", c.Retention),
		slog.Bool("twilio", c.TwilioConfigured()),
		slog.String("twilio_api_base_url", c.TwilioAPIBaseURL),
		slog.Duration("session_timeout", c.SessionTimeout),
		slog.Duration("passivate_after", c.PassivateAfter),
		slog.Duration("outbox_lease", c.OutboxLease),
		slog.Int("gc_heap_floor_mib", c.GCHeapFloorMiB),
		slog.String("log_level", c.LogLevel),
		slog.Bool("simulator", c.Simulator),
		slog.Bool("simulator_token_set", c.SimulatorToken != ""),
		slog.String("config", c.ConfigPath),
		slog.Int("hospitals", len(c.Hospitals)),
		slog.String("hospital_codes", strings.Join(codes, ",")),
	)
	return attrs
}

// redisTarget is where REDIS_URL points, without user, password or query
// (go-redis accepts a password there too).
func redisTarget(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	if u.Scheme == "unix" {
		return "unix:" + u.Path
	}
	return u.Scheme + "://" + u.Host + u.Path
}
