// Package config is frontdesk's typed configuration: the environment
// variables and the hospitals YAML file of CONTRACT §1, with defaults,
// validation that names the file, entry and field at fault, and secrets
// masked whenever the configuration is printed or logged.
package config

import (
	"time"
)

// Config is the whole process configuration.
type Config struct {
	Addr             string        // FRONTDESK_ADDR
	PublicURL        string        // FRONTDESK_PUBLIC_URL, no trailing slash
	ConfigPath       string        // FRONTDESK_CONFIG
	DataDir          string        // FRONTDESK_DATA_DIR
	RedisURL         Secret        // REDIS_URL (may hold a password)
	RedisPrefix      string        // FRONTDESK_REDIS_PREFIX: namespace of every key
	EncryptionKey    Secret        // FRONTDESK_ENCRYPTION_KEY, base64 of 32 bytes
	OldKeys          Secret        // FRONTDESK_ENCRYPTION_KEYS_OLD: retired keys, comma-separated
	Retention        time.Duration // FRONTDESK_RETENTION: how long idle conversations are kept
	CommitMaxBatch   int           // FRONTDESK_COMMIT_MAX_BATCH: turns per Redis pipeline
	CommitMaxWait    time.Duration // FRONTDESK_COMMIT_MAX_WAIT: extra wait for a fuller pipeline
	GCHeapFloorMiB   int           // FRONTDESK_GC_HEAP_FLOOR_MIB: no collection below this heap; 0 off
	OutboxLease      time.Duration // FRONTDESK_OUTBOX_LEASE: how long a process holds a message it sends
	TwilioAccountSID string        // TWILIO_ACCOUNT_SID
	TwilioAuthToken  Secret        // TWILIO_AUTH_TOKEN
	TwilioAPIBaseURL string        // TWILIO_API_BASE_URL
	SessionTimeout   time.Duration // FRONTDESK_SESSION_TIMEOUT
	LogLevel         string        // FRONTDESK_LOG_LEVEL
	PassivateAfter   time.Duration // FRONTDESK_PASSIVATE_AFTER: idle actor leaves memory
	Simulator        bool          // FRONTDESK_SIMULATOR: serve the web simulator at /
	SimulatorToken   Secret        // FRONTDESK_SIMULATOR_TOKEN: required by every simulator route when set
	Demo             bool          // no FRONTDESK_CONFIG: the built-in demo hospital
	Hospitals        []Hospital
}

// TwilioConfigured reports whether outbound goes to Twilio (else to the
// simulator) and inbound signatures are checked.
func (c Config) TwilioConfigured() bool {
	return c.TwilioAccountSID != "" && c.TwilioAuthToken.Value() != ""
}

// Hospital is one care-provider location.
type Hospital struct {
	Code          string                       `yaml:"code"`
	Name          string                       `yaml:"name"`
	Welcome       string                       `yaml:"welcome"`
	MapsURL       string                       `yaml:"maps_url"`
	Helpline      string                       `yaml:"helpline"`
	Timezone      string                       `yaml:"timezone"`
	Languages     []string                     `yaml:"languages"` // first is the default
	Active        *bool                        `yaml:"active"`    // nil means true
	Sender        string                       `yaml:"sender"`
	CountryCode   string                       `yaml:"country_code"`
	APIKeysSHA256 []string                     `yaml:"api_keys_sha256"`
	EMR           EMR                          `yaml:"emr"`
	Templates     Templates                    `yaml:"templates"` // Content SIDs used outside the 24 h window
	SendRate      int                          `yaml:"send_rate"` // messages/s from Sender, 0: default; see SenderRates
	Registration  Registration                 `yaml:"registration"`
	Messages      map[string]map[string]string `yaml:"messages"`    // per-language catalog overrides
	QuietHours    *QuietHours                  `yaml:"quiet_hours"` // nil: reminders go out at any hour
	// CallbackSecret signs what frontdesk posts to the EMR's callback URLs
	// (patients' answers to reminders): HMAC-SHA256, see actors/callback.
	// Empty: reminders with a callback URL are refused.
	CallbackSecret Secret `yaml:"callback_secret"`

	Location *time.Location `yaml:"-"` // Timezone, loaded
}

// IsActive reports whether the hospital accepts activations.
func (h Hospital) IsActive() bool { return h.Active == nil || *h.Active }

// DefaultLanguage is the language a new conversation starts in.
func (h Hospital) DefaultLanguage() string {
	if len(h.Languages) == 0 {
		return "en"
	}
	return h.Languages[0]
}

// Registration tunes the registration flow.
type Registration struct {
	PhotoOptional bool `yaml:"photo_optional"`
}

// EMR configures the hospital's EMR adapter.
type EMR struct {
	Kind       string            `yaml:"kind"` // restapi | fhir | demo
	HID        string            `yaml:"hid"`
	Timeout    time.Duration     `yaml:"timeout"`
	AuthHeader Secret            `yaml:"auth_header"`
	Endpoints  map[string]string `yaml:"endpoints"`
	BaseURL    string            `yaml:"base_url"` // fhir

	// fhir: OAuth2 client credentials, instead of a fixed auth_header.
	TokenURL     string `yaml:"token_url"`
	ClientID     string `yaml:"client_id"`
	ClientSecret Secret `yaml:"client_secret"`
	Scope        string `yaml:"scope"`
	// fhir mapping choices: where departments come from
	// (FHIRDepartmentsService or FHIRDepartmentsSpecialty), the Location
	// (id or identifier system|value) that scopes services and doctors, and
	// where a profile photo goes (FHIRPhotoPatient or FHIRPhotoDocument).
	Departments string `yaml:"departments"`
	Location    string `yaml:"location"`
	Photo       string `yaml:"photo"`
}

// Secret is a configuration value that never prints.
type Secret string

// Value returns the secret itself.
func (s Secret) Value() string { return string(s) }

// String masks the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "****"
}

// GoString masks the secret in %#v.
func (s Secret) GoString() string { return s.String() }

// MarshalText masks the secret in encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
