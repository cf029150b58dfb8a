package embedded

import (
	"encoding/binary"
	"time"
)

// Bucket names; see the package comment for what each holds.
var (
	bucketSnapshots      = []byte("snapshots")
	bucketSnapshotExpiry = []byte("snapshot_expiry")
	bucketOutbox         = []byte("outbox")
	bucketPending        = []byte("outbox_pending")
	bucketOutboxExpiry   = []byte("outbox_expiry")
	bucketSids           = []byte("sids")
	bucketSidExpiry      = []byte("sid_expiry")
	bucketConsent        = []byte("consent")
	bucketWakes          = []byte("wakes")
	bucketMeta           = []byte("meta")

	bucketConsentKinds = []byte("consent_kinds")
	bucketConsentLog   = []byte("consent_log")

	bucketReminders       = []byte("reminders")
	bucketReminderDue     = []byte("reminder_due")
	bucketReminderList    = []byte("reminder_list")
	bucketReminderSubject = []byte("reminder_subject")
	bucketReminderExpiry  = []byte("reminder_expiry")

	bucketProviderIDs    = []byte("provider_ids")
	bucketProviderExpiry = []byte("provider_expiry")
	bucketInbound        = []byte("inbound")
	bucketInboundExpiry  = []byte("inbound_expiry")
	bucketIdempotency    = []byte("idempotency")
	bucketIdemExpiry     = []byte("idempotency_expiry")
	bucketMedia          = []byte("media")
	bucketMediaExpiry    = []byte("media_expiry")
)

// empty is the value of index entries, whose keys say everything.
var empty = []byte{}

var allBuckets = [][]byte{
	bucketSnapshots, bucketSnapshotExpiry, bucketOutbox, bucketPending,
	bucketOutboxExpiry, bucketSids, bucketSidExpiry, bucketConsent, bucketWakes, bucketMeta,
	bucketConsentKinds, bucketConsentLog,
	bucketReminders, bucketReminderDue, bucketReminderList, bucketReminderSubject, bucketReminderExpiry,
	bucketProviderIDs, bucketProviderExpiry, bucketInbound, bucketInboundExpiry,
	bucketIdempotency, bucketIdemExpiry, bucketMedia, bucketMediaExpiry,
}

// pairKey joins two strings so that no two pairs share a key and all keys
// of one first part are contiguous: uvarint(len(a)) | a | b. Outbox keys
// (sender, id) therefore iterate per sender in id order, and "+1"/"+12"
// senders never mix.
func pairKey(a, b string) []byte {
	k := make([]byte, 0, binary.MaxVarintLen64+len(a)+len(b))
	k = binary.AppendUvarint(k, uint64(len(a)))
	k = append(k, a...)
	return append(k, b...)
}

// pairPrefix is the common prefix of every pairKey(a, ·).
func pairPrefix(a string) []byte {
	return pairKey(a, "")
}

// pairKeyBytes is pairKey with a byte slice as second part.
func pairKeyBytes(a string, b []byte) []byte {
	k := make([]byte, 0, binary.MaxVarintLen64+len(a)+len(b))
	k = binary.AppendUvarint(k, uint64(len(a)))
	k = append(k, a...)
	return append(k, b...)
}

// stamp is t as 8 big-endian bytes of expiryStamp, so byte order is time
// order.
func stamp(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), expiryStamp(t))
}

// stampValue is a value that starts with an 8-byte expiry followed by
// rest; stampExpires reads it back.
func stampValue(expiresAt time.Time, rest []byte) []byte {
	return append(stamp(expiresAt), rest...)
}

// stampExpires is the expiry of a stampValue; a malformed value counts as
// expired.
func stampExpires(v []byte) uint64 {
	if len(v) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v[:8])
}

// expiryKey orders an expiry index by time: big-endian nanoseconds, then
// the key of the record that expires.
func expiryKey(at time.Time, key []byte) []byte {
	k := make([]byte, 8, 8+len(key))
	binary.BigEndian.PutUint64(k, expiryStamp(at))
	return append(k, key...)
}

// expiryStamp is at as unsigned nanoseconds; times before 1970 (never used)
// clamp to 0.
func expiryStamp(at time.Time) uint64 {
	return uint64(max(at.UnixNano(), 0))
}

// sidValue is the stored value of a MessageSid: when it stops counting.
func sidValue(expiresAt time.Time) []byte {
	return binary.BigEndian.AppendUint64(nil, expiryStamp(expiresAt))
}

// sidExpiresAt decodes sidValue; a malformed value counts as expired.
func sidExpiresAt(v []byte) uint64 {
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// live reports whether something that expires at expiresAt is still there
// at now. A zero expiresAt never expires.
func live(expiresAt, now time.Time) bool {
	return expiresAt.IsZero() || now.Before(expiresAt)
}
