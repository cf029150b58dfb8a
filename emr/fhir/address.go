package fhir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/frontdesk-health/frontdesk/emr"
)

// maxAddressRunes bounds an address the way an EMR's form field would.
const maxAddressRunes = 500

// updateTries is how often a Patient update is attempted when someone
// else changed the Patient between our read and our write.
const updateTries = 3

var errBadAddress = errors.New("address empty or too long")

// UpdateAddress makes the address the patient's home address (replacing
// any home address or address of no stated use, keeping work, billing and
// old ones), as a Patient update with If-Match.
func (c *Client) UpdateAddress(ctx context.Context, p emr.PatientRef, address string) error {
	const op = string(emr.OpUpdateAddress)
	address = strings.TrimSpace(address)
	switch {
	case p.ID == "":
		return opError(op, emr.Rejected, errNoPatient)
	case address == "" || utf8.RuneCountInString(address) > maxAddressRunes:
		return &emr.Error{Op: op, Kind: emr.Rejected, Err: errBadAddress, Display: "Please send the full address in one message (up to 500 characters)."}
	}
	ctx, cancel := c.begin(ctx)
	defer cancel()
	return c.updatePatient(ctx, op, p.ID, func(r raw) error {
		var current []json.RawMessage
		_ = json.Unmarshal(r.fields["address"], &current)
		addresses := []any{Address{Use: "home", Text: address}}
		for _, a := range current {
			var head struct{ Use string }
			if json.Unmarshal(a, &head) == nil && head.Use != "" && head.Use != "home" {
				addresses = append(addresses, a)
			}
		}
		return r.set("address", addresses)
	})
}

// updatePatient reads the Patient, changes it and writes it back with
// If-Match. The change does not depend on what it replaces, so when
// someone else wrote in between it is read and applied again.
func (c *Client) updatePatient(ctx context.Context, op, id string, change func(raw) error) error {
	var err error
	for range updateTries {
		var r raw
		if r, err = c.read(ctx, op, "Patient", id); err != nil {
			return err
		}
		if err := change(r); err != nil {
			return opError(op, emr.Unavailable, fmt.Errorf("change Patient: %w", err))
		}
		if err = c.update(ctx, op, r); emr.KindOf(err) != emr.Conflict {
			return err
		}
	}
	return err
}
