package emrapi

import (
	"net/http"
	"strings"

	"github.com/frontdesk-health/frontdesk/http/server"
)

// e164 turns the EMR's mobile number into E.164. The seed contract sends
// the national number; a number that already carries the hospital's
// country code (with or without '+' or a leading 0) is accepted too.
func e164(mobile, countryCode string) (string, error) {
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, strings.TrimSpace(mobile))
	plus := strings.HasPrefix(s, "+")
	s = strings.TrimPrefix(s, "+")
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return "", server.Errorf(http.StatusBadRequest, "field \"mobile\" must be a phone number")
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
		return "", server.Errorf(http.StatusBadRequest, "field \"mobile\" is not a valid number")
	}
	return "+" + s, nil
}
