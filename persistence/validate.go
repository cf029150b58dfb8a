package persistence

import (
	"errors"
	"fmt"
)

// Validate refuses a commit no backend could file, before anything is
// written: every backend calls it first, so they refuse the same things.
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
