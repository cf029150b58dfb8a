package embedded

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Values are a format byte followed by fields in a fixed order: uvarints,
// zig-zag varints, and length-prefixed bytes. This is several times faster
// and smaller than gob for these few small records, and the format byte
// lets a later layout coexist with this one.
const recordV1 byte = 1

var errCorrupt = errors.New("corrupt record")

// zeroTime stands for time.Time{}, whose UnixNano is not representable.
const zeroTime = math.MinInt64

type writer struct{ b []byte }

func newWriter(size int) *writer {
	w := &writer{b: make([]byte, 0, size)}
	w.b = append(w.b, recordV1)
	return w
}

func (w *writer) uint(v uint64)    { w.b = binary.AppendUvarint(w.b, v) }
func (w *writer) int(v int64)      { w.b = binary.AppendVarint(w.b, v) }
func (w *writer) bytes(p []byte)   { w.uint(uint64(len(p))); w.b = append(w.b, p...) }
func (w *writer) string(s string)  { w.uint(uint64(len(s))); w.b = append(w.b, s...) }
func (w *writer) time(t time.Time) { w.int(unixNano(t)) }

func (w *writer) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}

// reader decodes what writer wrote. The first malformed field sets err and
// every later read returns zero values, so decoders check err once. Values
// are copied: bbolt's memory is only valid inside its transaction.
type reader struct {
	b   []byte
	err error
}

func newReader(b []byte) *reader {
	if len(b) == 0 || b[0] != recordV1 {
		return &reader{err: errCorrupt}
	}
	return &reader{b: b[1:]}
}

func (r *reader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errCorrupt
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) raw() []byte {
	n := r.uint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errCorrupt
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

// more reports whether fields follow: records written before a field was
// added end early, and their decoders leave the new fields zero.
func (r *reader) more() bool { return r.err == nil && len(r.b) > 0 }

func (r *reader) bytes() []byte   { return bytes.Clone(r.raw()) }
func (r *reader) string() string  { return string(r.raw()) }
func (r *reader) time() time.Time { return fromUnixNano(r.int()) }

func (r *reader) bool() bool {
	if r.err != nil {
		return false
	}
	if len(r.b) == 0 || r.b[0] > 1 {
		r.err = errCorrupt
		return false
	}
	v := r.b[0] == 1
	r.b = r.b[1:]
	return v
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return zeroTime
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == zeroTime {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// snapshotRecord is a stored snapshot with the time it stops being live.
type snapshotRecord struct {
	version   uint64
	updatedAt time.Time
	expiresAt time.Time
	data      []byte
}

func encodeSnapshot(s snapshotRecord) []byte {
	w := newWriter(32 + len(s.data))
	w.uint(s.version)
	w.time(s.updatedAt)
	w.time(s.expiresAt)
	w.bytes(s.data)
	return w.b
}

func decodeSnapshot(b []byte) (snapshotRecord, error) {
	r := newReader(b)
	s := snapshotRecord{version: r.uint(), updatedAt: r.time(), expiresAt: r.time(), data: r.bytes()}
	if s.data == nil {
		s.data = []byte{}
	}
	return s, r.err
}

// entryRecord is a stored outbox entry; expiresAt is zero while pending.
// leaseRun names the open of the store that wrote its lease (Store.run).
type entryRecord struct {
	persistence.OutboxEntry
	expiresAt time.Time
	leaseRun  uint64
}

func encodeEntry(e entryRecord) []byte {
	w := newWriter(80 + len(e.ID) + len(e.Sender) + len(e.Lane) + len(e.Holder) + len(e.Payload))
	w.string(e.ID)
	w.string(e.Sender)
	w.string(e.Lane)
	w.bytes(e.Payload)
	w.time(e.CreatedAt)
	w.string(string(e.State))
	w.uint(uint64(e.Attempts))
	w.string(e.LastError)
	w.string(e.ProviderID)
	w.time(e.UpdatedAt)
	w.time(e.expiresAt)
	w.string(e.Status)
	w.string(e.ErrorCode)
	w.time(e.StatusAt)
	w.string(e.Holder)
	w.time(e.LeasedUntil)
	w.uint(e.leaseRun)
	return w.b
}

func decodeEntry(b []byte) (entryRecord, error) {
	r := newReader(b)
	var e entryRecord
	e.ID = r.string()
	e.Sender = r.string()
	e.Lane = r.string()
	e.Payload = r.bytes()
	e.CreatedAt = r.time()
	e.State = persistence.OutboxState(r.string())
	e.Attempts = int(r.uint())
	e.LastError = r.string()
	e.ProviderID = r.string()
	e.UpdatedAt = r.time()
	e.expiresAt = r.time()
	if r.more() { // entries stored before delivery statuses end here
		e.Status = r.string()
		e.ErrorCode = r.string()
		e.StatusAt = r.time()
	}
	if r.more() { // entries stored before leases end here
		e.Holder = r.string()
		e.LeasedUntil = r.time()
		e.leaseRun = r.uint()
	}
	return e, r.err
}

// consentRecord is the latest consent change of one hospital and subject.
type consentRecord struct {
	optedOut bool
	at       time.Time
	source   string
}

func encodeConsent(c consentRecord) []byte {
	w := newWriter(16 + len(c.source))
	w.bool(c.optedOut)
	w.time(c.at)
	w.string(c.source)
	return w.b
}

func decodeConsent(b []byte) (consentRecord, error) {
	r := newReader(b)
	c := consentRecord{optedOut: r.bool(), at: r.time(), source: r.string()}
	return c, r.err
}
