package outbound

import (
	"strings"
	"unicode/utf8"
)

// MaxBody is WhatsApp's limit on a message body, in characters.
const MaxBody = 1600

// Split cuts a body into parts of at most max characters, preferring line
// breaks, then spaces, and cutting inside a word only when a single word is
// longer than max. Parts keep their text; only the break is dropped.
func Split(body string, max int) []string {
	body = strings.TrimSpace(body)
	var parts []string
	for utf8.RuneCountInString(body) > max {
		cut := cutPoint(body, max)
		parts = append(parts, strings.TrimSpace(body[:cut]))
		body = strings.TrimSpace(body[cut:])
	}
	if body != "" {
		parts = append(parts, body)
	}
	return parts
}

// cutPoint returns the byte offset to cut s at so that the first part has
// at most max runes.
func cutPoint(s string, max int) int {
	limit := 0 // byte offset just after the max-th rune
	for i := range s {
		if max == 0 {
			limit = i
			break
		}
		max--
	}
	head := s[:limit]
	if i := strings.LastIndex(head, "\n"); i > 0 {
		return i + 1
	}
	if i := strings.LastIndex(head, " "); i > 0 {
		return i + 1
	}
	return limit
}
