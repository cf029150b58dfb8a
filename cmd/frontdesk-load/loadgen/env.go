package loadgen

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// The Twilio credentials the load tool gives the server and checks at the
// sink. They are made up: nothing leaves the machine.
const (
	AccountSID = "AC10ad0000000000000000000000000001"
	AuthToken  = "load0token0000000000000000000001"
)

// Sender is the demo hospital's WhatsApp sender, which the server answers
// from when no hospitals file is given.
const Sender = "whatsapp:+14155238886"

// DefaultRedisURL is the Redis the tool uses unless told otherwise.
const DefaultRedisURL = "redis://127.0.0.1:6379/0"

// Store names the backend the product runs on.
type Store string

// The stores.
const (
	StoreRedis    Store = "redis"
	StoreEmbedded Store = "embedded"
)

// Target is one server to run: the product on a store, or the baseline.
type Target struct {
	// ServerBin is the frontdesk binary.
	ServerBin string
	// Baseline runs BaselineBin with BaselineArgs instead of the product.
	Baseline     bool
	BaselineBin  string
	BaselineArgs []string
	Store        Store
	RedisURL     string
	// Prefix is this run's Redis key prefix (Redis store only).
	Prefix string
	// DataDir is the embedded store's directory (embedded store only).
	DataDir string
	// EncryptionKey is base64 of 32 bytes; NewKey makes one.
	EncryptionKey string
	// Senders, when more than 1, serves that many copies of the demo
	// hospital, each on its own WhatsApp sender (see Hospitals), from a
	// hospitals file; SendRate, when positive, sets each sender's
	// send_rate in that file. With neither, there is no FRONTDESK_CONFIG:
	// the built-in demo hospital.
	Senders  int
	SendRate int
	// ConfigPath is the hospitals file prepare wrote, if any.
	ConfigPath string
	// Extra variables, added last (FRONTDESK_PASSIVATE_AFTER, ...).
	Extra map[string]string
}

// Hospitals is what the target serves.
func (t Target) Hospitals() []Hospital { return Hospitals(max(t.Senders, 1)) }

// Spec is the child process to start for t, listening on addr and sending
// replies to sinkURL. Unless the target has several senders or a send
// rate, there is no FRONTDESK_CONFIG: the demo hospital (code demo) on
// the in-process demo EMR.
func (t Target) Spec(addr, sinkURL string) Spec {
	env := map[string]string{
		"FRONTDESK_ADDR":       addr,
		"FRONTDESK_PUBLIC_URL": "http://" + addr,
		"TWILIO_ACCOUNT_SID":   AccountSID,
		"TWILIO_AUTH_TOKEN":    AuthToken,
		"TWILIO_API_BASE_URL":  sinkURL,
		"FRONTDESK_LOG_LEVEL":  "warn",
	}
	if t.Baseline {
		return Spec{Bin: t.BaselineBin, Args: t.BaselineArgs, Env: env}
	}
	env["FRONTDESK_ENCRYPTION_KEY"] = t.EncryptionKey
	if t.ConfigPath != "" {
		env["FRONTDESK_CONFIG"] = t.ConfigPath
	}
	switch t.Store {
	case StoreEmbedded:
		env["FRONTDESK_DATA_DIR"] = t.DataDir
	default:
		env["REDIS_URL"] = t.RedisURL
		env["FRONTDESK_REDIS_PREFIX"] = t.Prefix
	}
	for k, v := range t.Extra {
		env[k] = v
	}
	return Spec{Bin: t.ServerBin, Env: env}
}

// NewKey returns a fresh encryption key as FRONTDESK_ENCRYPTION_KEY wants it.
func NewKey() (string, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return "", fmt.Errorf("make encryption key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(k), nil
}

// NewPrefix returns a Redis key prefix unique to one run.
func NewPrefix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	return "fdload:" + hex.EncodeToString(b) + ":"
}
