package emrapi

import (
	"errors"
	"net/http"

	"github.com/frontdesk-health/frontdesk/emr/phone"
	"github.com/frontdesk-health/frontdesk/http/server"
)

// e164 turns the EMR's mobile number into E.164 (see phone.E164: the
// seed contract sends the national number; a number that already carries
// the hospital's country code, with or without '+' or a leading 0, is
// accepted too) and names the field when it cannot.
func e164(mobile, countryCode string) (string, error) {
	p, err := phone.E164(mobile, countryCode)
	switch {
	case errors.Is(err, phone.ErrNotNumber):
		return "", server.Errorf(http.StatusBadRequest, "field \"mobile\" must be a phone number")
	case err != nil:
		return "", server.Errorf(http.StatusBadRequest, "field \"mobile\" is not a valid number")
	}
	return p, nil
}
