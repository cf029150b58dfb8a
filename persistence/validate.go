package persistence

import (
	"errors"
	"fmt"
	"time"
)

// Validate refuses a commit no backend could file, before anything is
// written: every backend calls it first, so they refuse the same things.
// The other Validate methods and functions here play the same part for
// the other writes.
func (c Commit) Validate() error {
	if c.Key == "" {
		return errors.New("empty conversation key")
	}
	if c.Snapshot.Data != nil && c.Snapshot.Version != c.ExpectVersion+1 {
		return fmt.Errorf("snapshot version %d does not follow expected version %d", c.Snapshot.Version, c.ExpectVersion)
	}
	if err := ValidateEntries(c.Outbox); err != nil {
		return err
	}
	for _, sid := range c.MessageSids {
		if sid == "" {
			return errors.New("empty message sid")
		}
	}
	for _, ch := range c.Consent {
		if ch.Hospital == "" || ch.Subject == "" {
			return errors.New("consent change without hospital or subject")
		}
	}
	if in := c.Inbound; in != nil && (in.Sender == "" || in.Subject == "" || in.At.IsZero()) {
		return errors.New("inbound mark without sender, subject or time")
	}
	return nil
}

// Validate refuses a reminder no backend could index.
func (r Reminder) Validate() error {
	if r.Hospital == "" || r.ID == "" {
		return errors.New("reminder without hospital or id")
	}
	if r.Subject == "" {
		return errors.New("reminder without subject")
	}
	if r.Due.IsZero() {
		return errors.New("reminder without due time")
	}
	return nil
}

// Validate refuses a firing no backend could check or file.
func (f Firing) Validate() error {
	if f.Hospital == "" || f.ID == "" {
		return errors.New("firing without hospital or id")
	}
	if f.Holder == "" {
		return errors.New("firing without lease holder")
	}
	return ValidateEntries(f.Outbox)
}

// Validate refuses a listing without a hospital, limit or known state.
func (q ReminderQuery) Validate() error {
	if q.Hospital == "" {
		return errors.New("reminder listing without hospital")
	}
	if q.Limit < 1 {
		return fmt.Errorf("reminder listing limit %d is not positive", q.Limit)
	}
	switch q.State {
	case "", ReminderScheduled, ReminderFired, ReminderCancelled:
		return nil
	}
	return errors.New("reminder listing by unknown state")
}

// ValidateClaim refuses a ClaimDue call no backend could serve.
func ValidateClaim(limit int, holder string, lease time.Duration) error {
	if limit < 1 {
		return fmt.Errorf("claim limit %d is not positive", limit)
	}
	if holder == "" {
		return errors.New("claim without lease holder")
	}
	if lease <= 0 {
		return errors.New("claim with a lease that is not positive")
	}
	return nil
}

// ValidateEntries refuses outbox entries a store could not file.
func ValidateEntries(entries []OutboxEntry) error {
	for _, e := range entries {
		if e.ID == "" || e.Sender == "" {
			return errors.New("outbox entry without id or sender")
		}
	}
	return nil
}
