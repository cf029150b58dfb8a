// Package phone turns the phone numbers EMRs send into E.164, the form
// every other part of frontdesk keys patients by. EMRs built for the seed
// contract send national numbers; others send E.164 with or without '+'
// or an international prefix. The push API (http/emrapi), the native API
// and the reminder scheduler all accept the same spellings through it.
package phone

import (
	"errors"
	"strings"
)

// ErrNotNumber means the value holds something other than digits, spaces,
// dashes, brackets and one leading '+'.
var ErrNotNumber = errors.New("not a phone number")

// ErrInvalid means the digits cannot be a number: too short, too long, or
// a country code starting with 0.
var ErrInvalid = errors.New("not a valid phone number")

// E164 returns mobile as "+<digits>". A number with '+' or the
// international prefix 00 is taken as it is; a national number (with or
// without a trunk 0) gets countryCode in front; a number longer than ten
// digits that already starts with countryCode is kept. Errors never quote
// the number.
func E164(mobile, countryCode string) (string, error) {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, strings.TrimSpace(mobile))
	plus := strings.HasPrefix(s, "+")
	s = strings.TrimPrefix(s, "+")
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return "", ErrNotNumber
	}
	switch {
	case plus:
	case strings.HasPrefix(s, "00"):
		s = s[2:]
	case strings.HasPrefix(s, "0"):
		s = countryCode + s[1:]
	case len(s) > 10 && strings.HasPrefix(s, countryCode):
	default:
		s = countryCode + s
	}
	if len(s) < 8 || len(s) > 15 || s[0] == '0' {
		return "", ErrInvalid
	}
	return "+" + s, nil
}
