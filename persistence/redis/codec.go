package redisstore

import (
	"bytes"
	"errors"
	"strconv"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// errCorrupt means a stored value is not in the layout this package writes.
var errCorrupt = errors.New("corrupt record")

// Snapshot records are "1:<version>:<updated ns>:<commit token>:" followed
// by the data bytes as given (sealed by the caller). The text header lets
// the commit script read the version and token with one anchored
// string.match, without decoding numbers that Lua would round; the leading
// "1" names the layout so a later one can coexist.
const snapshotLayout = "1:"

// encodeSnapshot builds the stored record of a snapshot.
func encodeSnapshot(version uint64, updatedAt time.Time, token string, data []byte) []byte {
	b := make([]byte, 0, 48+len(token)+len(data))
	b = append(b, snapshotLayout...)
	b = strconv.AppendUint(b, version, 10)
	b = append(b, ':')
	b = append(b, formatTime(updatedAt)...)
	b = append(b, ':')
	b = append(b, token...)
	b = append(b, ':')
	return append(b, data...)
}

// decodeSnapshot reads a stored record; Data is a fresh copy.
func decodeSnapshot(key string, rec []byte) (persistence.Snapshot, error) {
	rest, ok := bytes.CutPrefix(rec, []byte(snapshotLayout))
	if !ok {
		return persistence.Snapshot{}, errCorrupt
	}
	var fields [3][]byte
	for i := range fields {
		var found bool
		fields[i], rest, found = bytes.Cut(rest, []byte{':'})
		if !found {
			return persistence.Snapshot{}, errCorrupt
		}
	}
	version, err := strconv.ParseUint(string(fields[0]), 10, 64)
	if err != nil {
		return persistence.Snapshot{}, errCorrupt
	}
	updated, err := parseTime(string(fields[1]))
	if err != nil {
		return persistence.Snapshot{}, errCorrupt
	}
	return persistence.Snapshot{Key: key, Version: version, Data: bytes.Clone(rest), UpdatedAt: updated}, nil
}

// Outbox entry hash fields. Short names keep small hashes small; the
// sender and id are in the key, so they are not repeated.
const (
	fieldLane      = "l"
	fieldPayload   = "p" // sealed by the caller
	fieldCreated   = "c"
	fieldState     = "s"
	fieldAttempts  = "a"
	fieldLastError = "e"
	fieldProvider  = "v"
	fieldUpdated   = "u"
	fieldStatus    = "d" // delivery status from Twilio's callbacks
	fieldRank      = "r" // persistence.StatusRank of fieldStatus
	fieldErrorCode = "k"
	fieldStatusAt  = "t"
	fieldHolder    = "h" // lease holder; absent when nobody holds it
	fieldLeased    = "q" // lease end, 20-digit ns (scripts compare it)
)

// decodeEntry turns an entry hash (HGETALL) into an OutboxEntry.
func decodeEntry(sender, id string, h map[string]string) (persistence.OutboxEntry, error) {
	e := persistence.OutboxEntry{
		ID:         id,
		Sender:     sender,
		Lane:       h[fieldLane],
		Payload:    []byte(h[fieldPayload]),
		State:      persistence.OutboxState(h[fieldState]),
		LastError:  h[fieldLastError],
		ProviderID: h[fieldProvider],
		Status:     h[fieldStatus],
		ErrorCode:  h[fieldErrorCode],
		Holder:     h[fieldHolder],
	}
	var err error
	if q := h[fieldLeased]; q != "" {
		if e.LeasedUntil, err = parseFixedTime(q); err != nil {
			return persistence.OutboxEntry{}, errCorrupt
		}
	}
	if e.CreatedAt, err = parseTime(h[fieldCreated]); err != nil {
		return persistence.OutboxEntry{}, errCorrupt
	}
	if e.UpdatedAt, err = parseTime(h[fieldUpdated]); err != nil {
		return persistence.OutboxEntry{}, errCorrupt
	}
	if e.StatusAt, err = parseTime(h[fieldStatusAt]); err != nil {
		return persistence.OutboxEntry{}, errCorrupt
	}
	if a := h[fieldAttempts]; a != "" {
		if e.Attempts, err = strconv.Atoi(a); err != nil {
			return persistence.OutboxEntry{}, errCorrupt
		}
	}
	return e, nil
}

// formatTime writes t as decimal Unix nanoseconds; the zero time is "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

// parseTime reads formatTime's output, in UTC.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(0, n).UTC(), nil
}

// fixedTimeWidth is the width of times that scripts compare or sort as
// strings (consent changes, inbound marks, reminder due times): zero-padded
// nanoseconds compare as strings in the same order as times, which Lua
// (whose numbers are doubles) could not do exactly.
const fixedTimeWidth = 20

// fixedTime is t as fixed-width decimal nanoseconds; times before 1970
// (and the zero time) count as 0.
func fixedTime(t time.Time) string {
	var n int64
	if !t.IsZero() {
		n = max(t.UnixNano(), 0)
	}
	s := strconv.FormatInt(n, 10)
	return string(bytes.Repeat([]byte{'0'}, fixedTimeWidth-len(s))) + s
}

// parseFixedTime reads fixedTime's output, in UTC; 0 reads as the zero
// time, which it stands for.
func parseFixedTime(s string) (time.Time, error) {
	if len(s) != fixedTimeWidth {
		return time.Time{}, errCorrupt
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, errCorrupt
	}
	if n == 0 {
		return time.Time{}, nil
	}
	return time.Unix(0, n).UTC(), nil
}

// optedOutFlag is how a consent hash value starts: "1" opted out, "0" not.
func optedOutFlag(out bool) string {
	if out {
		return "1"
	}
	return "0"
}
