package config

import "time"

// Environment variable names of CONTRACT §1. They are exported so that a
// command-line front end can mirror them as flags without retyping them.
const (
	EnvAddr             = "FRONTDESK_ADDR"
	EnvPublicURL        = "FRONTDESK_PUBLIC_URL"
	EnvConfig           = "FRONTDESK_CONFIG"
	EnvDataDir          = "FRONTDESK_DATA_DIR"
	EnvRedisURL         = "REDIS_URL"
	EnvEncryptionKey    = "FRONTDESK_ENCRYPTION_KEY"
	EnvTwilioAccountSID = "TWILIO_ACCOUNT_SID"
	EnvTwilioAuthToken  = "TWILIO_AUTH_TOKEN"
	EnvTwilioAPIBaseURL = "TWILIO_API_BASE_URL"
	EnvSessionTimeout   = "FRONTDESK_SESSION_TIMEOUT"
	EnvLogLevel         = "FRONTDESK_LOG_LEVEL"
	EnvPassivateAfter   = "FRONTDESK_PASSIVATE_AFTER"
	EnvOldKeys          = "FRONTDESK_ENCRYPTION_KEYS_OLD"
	EnvRetention        = "FRONTDESK_RETENTION"
	EnvCommitMaxBatch   = "FRONTDESK_COMMIT_MAX_BATCH"
	EnvCommitMaxWait    = "FRONTDESK_COMMIT_MAX_WAIT"
	EnvRedisPrefix      = "FRONTDESK_REDIS_PREFIX"
	EnvSimulator        = "FRONTDESK_SIMULATOR"
	EnvSimulatorToken   = "FRONTDESK_SIMULATOR_TOKEN"
	EnvOutboxLease      = "FRONTDESK_OUTBOX_LEASE"
	EnvGCHeapFloor      = "FRONTDESK_GC_HEAP_FLOOR_MIB"
)

// Defaults applied when a variable or field is unset. They make a bare
// `go run ./cmd/frontdesk` a working demo on the loopback interface.
const (
	DefaultAddr             = "127.0.0.1:8080"
	DefaultDataDir          = "./data"
	DefaultTwilioAPIBaseURL = "https://api.twilio.com"
	DefaultSessionTimeout   = 15 * time.Minute
	DefaultPassivateAfter   = 2 * time.Minute
	DefaultRetention        = 30 * 24 * time.Hour
	DefaultCommitMaxBatch   = 256
	// DefaultGCHeapFloorMiB is the heap below which the garbage collector
	// does not start a cycle (runtime/gctune); capped by GOMEMLIMIT and
	// the container's memory limit.
	DefaultGCHeapFloorMiB = 256
	// DefaultOutboxLease matches outbound.DefaultLease; MinOutboxLease
	// leaves a send attempt and two processes' clock skew room inside it.
	DefaultOutboxLease = 2 * time.Minute
	MinOutboxLease     = 10 * time.Second
	DefaultRedisPrefix = "fd:"
	DefaultLogLevel    = "info"
	DefaultTimezone    = "Asia/Kolkata"
	DefaultEMRTimeout  = 5 * time.Second
	// MaxEMRTimeout bounds emr.timeout: Twilio waits at most 15 s for a
	// webhook, and a patient waiting a minute has already given up.
	MaxEMRTimeout = 60 * time.Second
)

// EncryptionKeySize is the length in bytes of FRONTDESK_ENCRYPTION_KEY
// once decoded: an AES-256 key.
const EncryptionKeySize = 32

// The kinds of EMR adapter a hospital can use (emr.kind).
const (
	EMRKindRESTAPI = "restapi"
	EMRKindFHIR    = "fhir"
	EMRKindDemo    = "demo"
)

// The mapping choices of a fhir EMR (emr.departments, emr.photo); the
// first of each pair is the default.
const (
	// FHIRDepartmentsService: departments are the HealthcareServices of
	// the location.
	FHIRDepartmentsService = "healthcare_service"
	// FHIRDepartmentsSpecialty: departments are the distinct specialties
	// of the location's PractitionerRoles.
	FHIRDepartmentsSpecialty = "specialty"
	// FHIRPhotoPatient: a profile photo is Patient.photo.
	FHIRPhotoPatient = "patient"
	// FHIRPhotoDocument: a profile photo is a DocumentReference.
	FHIRPhotoDocument = "document_reference"
)

// SupportedLanguages lists the languages the message catalog speaks; a
// hospital's languages and messages keys must come from it.
func SupportedLanguages() []string { return []string{"en", "hi"} }
