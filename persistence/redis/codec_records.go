package redisstore

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// reminderFields are the reminder hash fields a read returns, in the order
// of the scripts' FIELDS table: subject, kind, due (20-digit ns), state,
// fired, payload, created (ns), updated (ns).
var reminderFields = []string{"j", "k", "d", "s", "n", "p", "c", "u"}

// decodeReminder reads reminderFields' values (HMGET or a script's
// answer); found is false when the hash does not exist.
func decodeReminder(hospital, id string, vals []any) (r persistence.Reminder, found bool, err error) {
	if len(vals) != len(reminderFields) {
		return r, false, errCorrupt
	}
	str := make([]string, len(vals))
	for i, v := range vals {
		if v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return r, false, errCorrupt
		}
		str[i] = s
	}
	if vals[3] == nil {
		return r, false, nil
	}
	r = persistence.Reminder{Hospital: hospital, ID: id, Subject: str[0], Kind: str[1],
		State: persistence.ReminderState(str[3]), Payload: []byte(str[5])}
	if r.Due, err = parseFixedTime(str[2]); err != nil {
		return r, false, err
	}
	if r.Fired, err = strconv.Atoi(str[4]); err != nil {
		return r, false, errCorrupt
	}
	if r.CreatedAt, err = parseTime(str[6]); err != nil {
		return r, false, errCorrupt
	}
	if r.UpdatedAt, err = parseTime(str[7]); err != nil {
		return r, false, errCorrupt
	}
	return r, true, nil
}

// dueScore is a reminder's score in the due set: Unix milliseconds rounded
// up, so that a reminder is never claimed before its Due (at most a
// millisecond after it).
func dueScore(t time.Time) int64 {
	n := max(t.UnixNano(), 0)
	return (n + int64(time.Millisecond) - 1) / int64(time.Millisecond)
}

// listMember is a reminder's member in the listing zsets; byte order is
// due order, equal Due by id.
func listMember(due time.Time, id string) string {
	return fixedTime(due) + ":" + id
}

// encodeCursor makes a listing member into an opaque, URL-safe cursor.
func encodeCursor(member string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(member))
}

// decodeCursor reads encodeCursor's output.
func decodeCursor(cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(b) <= fixedTimeWidth || b[fixedTimeWidth] != ':' {
		return "", persistence.ErrBadCursor
	}
	return string(b), nil
}

// splitPair reads pair's "<n>:<a>:<b>".
func splitPair(s string) (a, b string, ok bool) {
	head, rest, found := strings.Cut(s, ":")
	if !found {
		return "", "", false
	}
	n, err := strconv.Atoi(head)
	if err != nil || n < 0 || n >= len(rest) || rest[n] != ':' {
		return "", "", false
	}
	return rest[:n], rest[n+1:], true
}

// encodeIdem is an idempotency record: "1:<status>:<created ns>:<n>:"
// then the n-byte request hash and the body.
func encodeIdem(rec persistence.IdempotencyRecord) string {
	var b strings.Builder
	b.Grow(32 + len(rec.RequestHash) + len(rec.Body))
	b.WriteString("1:")
	b.WriteString(strconv.Itoa(rec.Status))
	b.WriteByte(':')
	b.WriteString(formatTime(rec.CreatedAt))
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(len(rec.RequestHash)))
	b.WriteByte(':')
	b.WriteString(rec.RequestHash)
	b.Write(rec.Body)
	return b.String()
}

// decodeIdem reads encodeIdem's output back into a record of hospital
// and key.
func decodeIdem(hospital, key, v string) (persistence.IdempotencyRecord, error) {
	rest, ok := strings.CutPrefix(v, "1:")
	var fields [3]string
	for i := range fields {
		var found bool
		fields[i], rest, found = strings.Cut(rest, ":")
		ok = ok && found
	}
	status, err1 := strconv.Atoi(fields[0])
	created, err2 := parseTime(fields[1])
	n, err3 := strconv.Atoi(fields[2])
	if !ok || err1 != nil || err2 != nil || err3 != nil || n < 0 || n > len(rest) {
		return persistence.IdempotencyRecord{}, errCorrupt
	}
	return persistence.IdempotencyRecord{Hospital: hospital, Key: key, RequestHash: rest[:n],
		Status: status, Body: []byte(rest[n:]), CreatedAt: created}, nil
}

// decodeChange reads a consent history item: the opted-out flag, the
// 20-digit time, "<n>:" and the n-byte kind, then the source.
func decodeChange(hospital, subject, v string) (persistence.ConsentChange, error) {
	if len(v) < 1+fixedTimeWidth || (v[0] != '0' && v[0] != '1') {
		return persistence.ConsentChange{}, errCorrupt
	}
	at, err := parseFixedTime(v[1 : 1+fixedTimeWidth])
	if err != nil {
		return persistence.ConsentChange{}, err
	}
	head, rest, found := strings.Cut(v[1+fixedTimeWidth:], ":")
	n, err := strconv.Atoi(head)
	if !found || err != nil || n < 0 || n > len(rest) {
		return persistence.ConsentChange{}, errCorrupt
	}
	return persistence.ConsentChange{Hospital: hospital, Subject: subject, Kind: rest[:n],
		OptedOut: v[0] == '1', At: at, Source: rest[n:]}, nil
}
