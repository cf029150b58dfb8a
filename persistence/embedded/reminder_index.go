package embedded

import (
	"encoding/base64"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// A reminder lives under pair(hospital, id) in the reminders bucket and is
// indexed four ways, all kept by saveReminder in the transaction that
// changes it:
//
//	reminder_due      claimAt(8) | pair(hospital, id)              scheduled only
//	reminder_list     pair(hospital, due(8) | id)                  every live one
//	reminder_subject  pair(hospital, pair(subject, due(8) | id))   every live one
//	reminder_expiry   expires(8) | pair(hospital, id)              fired/cancelled
//
// due(8) | id is a reminder's listing position: its bytes sort in due
// order, equal Due by id, and a listing cursor is that position.

// listPos is a reminder's position in its hospital's listing.
func listPos(r persistence.Reminder) []byte {
	return append(stamp(r.Due), r.ID...)
}

func listKey(r persistence.Reminder) []byte {
	return pairKeyBytes(r.Hospital, listPos(r))
}

func subjectKey(r persistence.Reminder) []byte {
	return pairKeyBytes(r.Hospital, pairKeyBytes(r.Subject, listPos(r)))
}

// subjectPrefix is the common prefix of one subject's subjectKeys.
func subjectPrefix(hospital, subject string) []byte {
	return pairKeyBytes(hospital, pairPrefix(subject))
}

// encodeCursor makes a listing position into an opaque, URL-safe cursor.
func encodeCursor(pos []byte) string {
	return base64.RawURLEncoding.EncodeToString(pos)
}

// decodeCursor reads encodeCursor's output.
func decodeCursor(cursor string) ([]byte, error) {
	pos, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(pos) < 8 {
		return nil, persistence.ErrBadCursor
	}
	return pos, nil
}

// getReminder reads the record under key, live or not.
func getReminder(tx *bolt.Tx, key []byte) (reminderRecord, bool, error) {
	v := tx.Bucket(bucketReminders).Get(key)
	if v == nil {
		return reminderRecord{}, false, nil
	}
	rec, err := decodeReminder(v)
	if err != nil {
		return reminderRecord{}, false, fmt.Errorf("reminder: %w", err)
	}
	return rec, true, nil
}

// saveReminder stores rec under key and moves its index entries from
// where old (the stored record, nil when there is none) had them.
func saveReminder(tx *bolt.Tx, key []byte, old *reminderRecord, rec reminderRecord) error {
	list, bySubject := tx.Bucket(bucketReminderList), tx.Bucket(bucketReminderSubject)
	due, expiry := tx.Bucket(bucketReminderDue), tx.Bucket(bucketReminderExpiry)
	scheduled := rec.State == persistence.ReminderScheduled
	moved, dueMoved, expiryMoved := true, scheduled, !rec.expiresAt.IsZero()
	var err error
	del := func(b *bolt.Bucket, k []byte) {
		if err == nil {
			err = b.Delete(k)
		}
	}
	put := func(b *bolt.Bucket, k []byte) {
		if err == nil {
			err = b.Put(k, empty)
		}
	}
	if old != nil {
		moved = !old.Due.Equal(rec.Due) || old.Subject != rec.Subject
		if moved {
			del(list, listKey(old.Reminder))
			del(bySubject, subjectKey(old.Reminder))
		}
		wasScheduled := old.State == persistence.ReminderScheduled
		dueMoved = scheduled && (!wasScheduled || !old.claimAt().Equal(rec.claimAt()))
		if wasScheduled && (!scheduled || dueMoved) {
			del(due, expiryKey(old.claimAt(), key))
		}
		expiryMoved = !rec.expiresAt.Equal(old.expiresAt)
		if expiryMoved && !old.expiresAt.IsZero() {
			del(expiry, expiryKey(old.expiresAt, key))
		}
	}
	if err == nil {
		err = tx.Bucket(bucketReminders).Put(key, encodeReminder(rec))
	}
	if moved {
		put(list, listKey(rec.Reminder))
		put(bySubject, subjectKey(rec.Reminder))
	}
	if dueMoved {
		put(due, expiryKey(rec.claimAt(), key))
	}
	if expiryMoved && !rec.expiresAt.IsZero() {
		put(expiry, expiryKey(rec.expiresAt, key))
	}
	if err != nil {
		return fmt.Errorf("reminder: %w", err)
	}
	return nil
}

// dropReminderIndex removes a swept reminder's listing entries (a fired or
// cancelled reminder has no due entry).
func dropReminderIndex(tx *bolt.Tx, v []byte) error {
	rec, err := decodeReminder(v)
	if err != nil {
		return nil // nothing to find its entries by; the record goes anyway
	}
	if err := tx.Bucket(bucketReminderList).Delete(listKey(rec.Reminder)); err != nil {
		return err
	}
	return tx.Bucket(bucketReminderSubject).Delete(subjectKey(rec.Reminder))
}
