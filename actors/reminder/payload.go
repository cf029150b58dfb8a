package reminder

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// payloadVersion is the format of the sealed payload; a reader refuses
// versions it does not know rather than guess.
const payloadVersion = 1

// payload is what a stored reminder carries, sealed: the whole
// normalised spec (patient's number, kind, schedule, variables, callback).
// The store sees only the subject's keyed hash, the kind and the due time.
// The reminder's id is its own: one spec is one stored reminder, which
// moves through the spec's times (see occurrences).
type payload struct {
	V    int  `json:"v"`
	Spec Spec `json:"spec"`
	// Offsets are the appointment's, which Spec leaves out of its JSON
	// (the API spells them as strings).
	Offsets []time.Duration `json:"offsets,omitempty"`
}

// sealSpec encodes and seals a normalised spec.
func sealSpec(sealer persistence.Sealer, s Spec) ([]byte, error) {
	p := payload{V: payloadVersion, Spec: s}
	if s.Appointment != nil {
		p.Offsets = s.Appointment.Offsets
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode reminder payload: %w", err)
	}
	sealed, err := sealer.Seal(raw)
	if err != nil {
		return nil, fmt.Errorf("seal reminder payload: %w", err)
	}
	return sealed, nil
}

// openSpec opens a stored reminder's payload.
func openSpec(sealer persistence.Sealer, r persistence.Reminder) (Spec, error) {
	raw, err := sealer.Open(r.Payload)
	if err != nil {
		return Spec{}, fmt.Errorf("open reminder %s: %w", r.ID, err)
	}
	var p payload
	if err := json.Unmarshal(raw, &p); err != nil {
		return Spec{}, fmt.Errorf("decode reminder %s: %w", r.ID, err)
	}
	if p.V != payloadVersion {
		return Spec{}, fmt.Errorf("decode reminder %s: %w %d", r.ID, errVersion, p.V)
	}
	if p.Spec.Appointment != nil {
		p.Spec.Appointment.Offsets = p.Offsets
	}
	return p.Spec, nil
}

var errVersion = errors.New("unknown payload version")

// newID names a new reminder: "rem_", the creation time in milliseconds
// (hex, for people reading logs) and 64 random bits, so that processes
// scheduling at once never pick the same id (a put with an existing id
// would replace that reminder).
func newID(now time.Time) string {
	var b [8]byte
	rand.Read(b[:]) // never fails: it crashes the program first (Go 1.24)
	return fmt.Sprintf("rem_%011x%s", now.UnixMilli(), hex.EncodeToString(b[:]))
}

// NewHolder returns a lease holder name for one run of the firing loop
// (persistence.NewHolder): the store tells leases apart by it alone, so it
// must differ between processes and between runs of one process.
func NewHolder() string { return persistence.NewHolder() }
