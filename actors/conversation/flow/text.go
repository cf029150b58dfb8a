package flow

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cleanText makes free text safe to store and show: valid UTF-8 in NFC,
// no control or invisible formatting characters, runs of spaces collapsed,
// lines kept. The patient's wording is otherwise kept as typed.
func cleanText(s string) string {
	if tidyASCII(s) {
		return s // nearly every message: nothing to normalise or drop
	}
	return cleanSlow(s)
}

// cleanSlow is cleanText for any input.
func cleanSlow(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune('\n')
			space = false
			continue
		case r == '\r':
			continue
		case unicode.IsSpace(r):
			if !space {
				b.WriteRune(' ')
			}
			space = true
			continue
		case unicode.IsControl(r), isInvisible(r):
			continue
		}
		b.WriteRune(r)
		space = false
	}
	lines := strings.Split(b.String(), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// tidyASCII reports whether s is printable ASCII with single spaces
// between words only, which cleanText would return unchanged.
func tidyASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || c == ' ' && s[i+1] == ' ' {
			return false
		}
	}
	return true
}

// isInvisible reports format characters that change nothing a patient
// means: zero-width spaces and joiners, bidi marks, embeddings and
// isolates, variation selectors, skin-tone modifiers.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x206F,
		r == 0x061C, r == 0xFEFF, r >= 0xFE00 && r <= 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF:
		return true
	}
	return false
}

// commandForm folds text for matching commands and numbers: compatibility
// forms folded (full-width letters and digits), Indic digits made ASCII,
// lower case, invisible characters dropped, and no surrounding punctuation.
func commandForm(s string) string {
	s = norm.NFKC.String(cleanText(s))
	var b strings.Builder
	for _, r := range s {
		if d, ok := indicDigit(r); ok {
			b.WriteByte(byte('0' + d))
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimFunc(strings.Join(strings.Fields(b.String()), " "), func(r rune) bool {
		return unicode.IsPunct(r) && r != '#'
	})
}

// indicZeros are the zero digits of scripts Indian patients type in.
var indicZeros = []rune{0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66}

func indicDigit(r rune) (int, bool) {
	for _, z := range indicZeros {
		if r >= z && r <= z+9 {
			return int(r - z), true
		}
	}
	return 0, false
}

// number reads a whole number answer such as "2", " ३ " or "２". A sign
// makes it no answer: commandForm trims the "-" of "-1" as punctuation,
// and a list must not take "-1" for 1 nor "+1" for 1.
func number(s string) (int, bool) {
	if r, _ := utf8.DecodeRuneInString(norm.NFKC.String(cleanText(s))); unicode.Is(unicode.Pd, r) {
		return 0, false
	}
	f := commandForm(s)
	if f == "" || len(f) > 4 || strings.Trim(f, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(f)
	if err != nil {
		return 0, false
	}
	return n, true
}

// activationWords start a conversation when followed by a hospital code.
var activationWords = map[string]bool{"hi": true, "hello": true, "🙏": true, "namaste": true, "नमस्ते": true}

// activation reads `hi <code>`, `hello <code>` or `🙏 <code>`.
func activation(form string) (code string, ok bool) {
	if rest, found := strings.CutPrefix(form, "🙏"); found {
		form = "🙏 " + strings.TrimSpace(rest)
	}
	f := strings.Fields(form)
	if len(f) != 2 || !activationWords[strings.TrimFunc(f[0], unicode.IsPunct)] {
		return "", false
	}
	return strings.TrimFunc(f[1], unicode.IsPunct), true
}

// truncate shortens s to at most n runes.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
