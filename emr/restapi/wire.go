package restapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// status is what an answer's status field says.
type status int

const (
	statusOK    status = iota // 1, "1" or true
	statusZero                // 0, "0" or false: the EMR said no
	statusOther               // missing, null or anything else
)

// parseStatus reads the status field the way PHP EMRs write it.
func parseStatus(raw json.RawMessage) status {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return statusOther
	}
	switch v := v.(type) {
	case float64:
		return numberStatus(v)
	case string:
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return statusOther
		}
		return numberStatus(n)
	case bool:
		if v {
			return statusOK
		}
		return statusZero
	}
	return statusOther
}

func numberStatus(n float64) status {
	switch n {
	case 1:
		return statusOK
	case 0:
		return statusZero
	}
	return statusOther
}

// flexID is an id the EMR may send as a JSON number or string; it is kept
// as the literal text so that long numeric ids survive unchanged and can
// be sent back as strings.
type flexID string

// UnmarshalJSON accepts a string, a number or null.
func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexID(strings.TrimSpace(s))
	case json.Valid(b) && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		*f = flexID(b)
	default:
		return errors.New("id is neither a string nor a number")
	}
	return nil
}

// flexText is display text (a name, a message) the EMR may send as a
// string or a number; any other JSON value reads as empty rather than
// failing the whole answer.
type flexText string

// UnmarshalJSON accepts any JSON value.
func (f *flexText) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case string:
		*f = flexText(strings.TrimSpace(v))
	case float64:
		*f = flexText(strings.TrimSpace(string(b)))
	default:
		*f = ""
	}
	return nil
}

// flexAge is an age sent as a number or a string such as "34" or
// "34 years"; what cannot be read is 0, because a missing age must not
// stop a known patient from being recognised.
type flexAge int

// maxAge is the largest believable age; larger numbers are more likely a
// birth year or an id in the wrong field than an age.
const maxAge = 150

// UnmarshalJSON accepts any JSON value.
func (f *flexAge) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = 0
	switch v := v.(type) {
	case float64:
		if v > 0 && v <= maxAge {
			*f = flexAge(v)
		}
	case string:
		s := strings.TrimSpace(v)
		end := 0
		for end < len(s) && s[end] >= '0' && s[end] <= '9' {
			end++
		}
		if n, err := strconv.Atoi(s[:end]); err == nil && n <= maxAge {
			*f = flexAge(n)
		}
	}
	return nil
}

// maxDisplayRunes bounds the EMR message shown to a patient on a
// rejection: a short explanation ("doctor on leave") is worth showing, a
// page of text or a stack trace is not.
const maxDisplayRunes = 300

// displayMessage returns the EMR's message when it is a short string.
func displayMessage(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxDisplayRunes {
		return ""
	}
	return s
}
