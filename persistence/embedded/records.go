package embedded

import (
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// reminderRecord is a stored reminder with its lease and, once fired or
// cancelled, the time it stops being live.
type reminderRecord struct {
	persistence.Reminder
	holder      string    // lease holder; "" when not claimed
	leasedUntil time.Time // lease end; zero when not claimed
	expiresAt   time.Time // zero while scheduled
}

// claimAt is when the reminder can be claimed: its lease end while
// leased, else its Due. The due index is ordered by it.
func (r reminderRecord) claimAt() time.Time {
	if r.holder != "" {
		return r.leasedUntil
	}
	return r.Due
}

func encodeReminder(r reminderRecord) []byte {
	w := newWriter(96 + len(r.Hospital) + len(r.ID) + len(r.Subject) + len(r.Kind) + len(r.Payload))
	w.string(r.Hospital)
	w.string(r.ID)
	w.string(r.Subject)
	w.string(r.Kind)
	w.time(r.Due)
	w.string(string(r.State))
	w.uint(uint64(r.Fired))
	w.bytes(r.Payload)
	w.time(r.CreatedAt)
	w.time(r.UpdatedAt)
	w.string(r.holder)
	w.time(r.leasedUntil)
	w.time(r.expiresAt)
	return w.b
}

func decodeReminder(b []byte) (reminderRecord, error) {
	r := newReader(b)
	var rec reminderRecord
	rec.Hospital = r.string()
	rec.ID = r.string()
	rec.Subject = r.string()
	rec.Kind = r.string()
	rec.Due = r.time()
	rec.State = persistence.ReminderState(r.string())
	rec.Fired = int(r.uint())
	rec.Payload = r.bytes()
	rec.CreatedAt = r.time()
	rec.UpdatedAt = r.time()
	rec.holder = r.string()
	rec.leasedUntil = r.time()
	rec.expiresAt = r.time()
	return rec, r.err
}

// encodeChange is one consent change in the history bucket; the hospital
// and subject are in its key.
func encodeChange(ch persistence.ConsentChange) []byte {
	w := newWriter(16 + len(ch.Kind) + len(ch.Source))
	w.string(ch.Kind)
	w.bool(ch.OptedOut)
	w.time(ch.At)
	w.string(ch.Source)
	return w.b
}

func decodeChange(hospital, subject string, b []byte) (persistence.ConsentChange, error) {
	r := newReader(b)
	ch := persistence.ConsentChange{Hospital: hospital, Subject: subject}
	ch.Kind = r.string()
	ch.OptedOut = r.bool()
	ch.At = r.time()
	ch.Source = r.string()
	return ch, r.err
}

// idemRecord is a stored idempotency record with its expiry.
type idemRecord struct {
	persistence.IdempotencyRecord
	expiresAt time.Time
}

func encodeIdem(rec idemRecord) []byte {
	w := newWriter(48 + len(rec.Hospital) + len(rec.Key) + len(rec.RequestHash) + len(rec.Body))
	w.string(rec.Hospital)
	w.string(rec.Key)
	w.string(rec.RequestHash)
	w.int(int64(rec.Status))
	w.bytes(rec.Body)
	w.time(rec.CreatedAt)
	w.time(rec.expiresAt)
	return w.b
}

func decodeIdem(b []byte) (idemRecord, error) {
	r := newReader(b)
	var rec idemRecord
	rec.Hospital = r.string()
	rec.Key = r.string()
	rec.RequestHash = r.string()
	rec.Status = int(r.int())
	rec.Body = r.bytes()
	rec.CreatedAt = r.time()
	rec.expiresAt = r.time()
	return rec, r.err
}

// inboundRecord is when a subject last wrote to a sender, kept until
// expiresAt.
type inboundRecord struct {
	at, expiresAt time.Time
}

func encodeInbound(rec inboundRecord) []byte {
	w := newWriter(24)
	w.time(rec.at)
	w.time(rec.expiresAt)
	return w.b
}

func decodeInbound(b []byte) (inboundRecord, error) {
	r := newReader(b)
	rec := inboundRecord{at: r.time(), expiresAt: r.time()}
	return rec, r.err
}
