package restapi

import "strings"

// nationalNumber turns an E.164 number into the national number the seed
// EMR stores: the digits without '+' and without the hospital's country
// code. A number that does not start with the country code (a patient
// writing from abroad, or a hospital without country_code) is sent as its
// digits unchanged, so the EMR sees the full international number rather
// than a wrongly truncated one. Anything that is not a digit is dropped.
func nationalNumber(e164, countryCode string) string {
	var b strings.Builder
	for _, r := range e164 {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	digits := b.String()
	if countryCode != "" && len(digits) > len(countryCode) && strings.HasPrefix(digits, countryCode) {
		return digits[len(countryCode):]
	}
	return digits
}

// mobile is nationalNumber for this client's hospital.
func (c *Client) mobile(e164 string) string {
	return nationalNumber(e164, c.countryCode)
}
