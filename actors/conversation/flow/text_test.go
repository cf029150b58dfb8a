package flow

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Asha Devi", "Asha Devi"},
		{"surrounding and repeated spaces", "  Asha \t  Devi  ", "Asha Devi"},
		{"control characters removed", "As\x00ha\x07 De\x1bvi\x7f", "Asha Devi"},
		{"newlines kept, CR dropped", "House 12\r\nMG Road \n  Pune", "House 12\nMG Road\nPune"},
		{"bidi marks, overrides and isolates removed", "\u200fAsha\u202e Devi\u202c\u2066\u2069\u061c", "Asha Devi"},
		{"zero-width characters removed", "A\u200bsha\u2060 De\ufeffvi", "Asha Devi"},
		{"invalid UTF-8 dropped", "As\xffha", "Asha"},
		{"composed to NFC", "Jose\u0301", "José"},
		{"Devanagari kept", " आशा  देवी ", "आशा देवी"},
		{"full-width space collapsed", "Asha\u3000Devi", "Asha Devi"},
		{"only invisible", "\u200b\u200f \t", ""},
		{"skin tone dropped", "🙏🏽", "🙏"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, cleanText(tc.in))
		})
	}
}

func TestCommandForm(t *testing.T) {
	tests := []struct{ in, want string }{
		{"MENU", "menu"},
		{"  Exit. ", "exit"},
		{"ｍｅｎｕ", "menu"},
		{"me\u200bnu", "menu"},
		{"\u202bexit\u202c", "exit"},
		{"menu!!", "menu"},
		{"¿menu?", "menu"},
		{"#", "#"},
		{"Hi   ABC", "hi abc"},
		{"भाषा", "भाषा"},
		{"३", "3"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, commandForm(tc.in))
		})
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"2", 2, true},
		{" 7 ", 7, true},
		{"02", 2, true},
		{"0", 0, true},
		{"２", 2, true},       // full-width
		{" ३ ", 3, true},     // Devanagari
		{"१२०", 120, true},   // Devanagari, several digits
		{"٣", 3, true},       // Arabic-Indic
		{"৪", 4, true},       // Bengali
		{"௫", 5, true},       // Tamil
		{"3.", 3, true},      // trailing punctuation
		{"2\u200b", 2, true}, // zero-width space
		{"", 0, false},
		{"two", 0, false},
		{"1 2", 0, false},
		{"12345", 0, false}, // longer than any list
		{"1.5", 0, false},
		{"#2", 0, false},
		{"-1", 0, false}, // a sign is no list number
		{"+1", 0, false},
		{"२ल", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			n, ok := number(tc.in)
			assert.Equal(t, tc.ok, ok)
			if tc.ok {
				assert.Equal(t, tc.want, n)
			}
		})
	}
}

func TestActivation(t *testing.T) {
	tests := []struct {
		name, in, code string
		ok             bool
	}{
		{"hi", "hi abc", "abc", true},
		{"hello upper case", "HELLO ABC", "abc", true},
		{"extra spaces", "   hi     abc   ", "abc", true},
		{"tab between", "hi\tabc", "abc", true},
		{"full-width", "ｈｉ　ＡＢＣ", "abc", true},
		{"zero-width around", "\u200bhi\u200c abc\u200d", "abc", true},
		{"bidi mark", "\u200fhi abc", "abc", true},
		{"folded hands", "🙏 abc", "abc", true},
		{"folded hands no space", "🙏abc", "abc", true},
		{"folded hands with skin tone", "🙏🏽 abc", "abc", true},
		{"folded hands skin tone no space", "🙏🏾ABC", "abc", true},
		{"folded hands with variation selector", "🙏\ufe0f abc", "abc", true},
		{"punctuation after word", "Hi, abc", "abc", true},
		{"punctuation after code", "hello abc!", "abc", true},
		{"quoted", "\"hi abc\"", "abc", true},
		{"namaste devanagari", "नमस्ते abc", "abc", true},
		{"devanagari digits in code", "hi १२३", "123", true},
		{"no code", "hi", "", false},
		{"code glued to word", "hiabc", "", false},
		{"zero-width joins word and code", "hi\u200babc", "", false},
		{"three words", "hi abc please", "", false},
		{"other greeting", "hey abc", "", false},
		{"empty", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, ok := activation(commandForm(tc.in))
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.code, code)
		})
	}
}

func TestTruncate(t *testing.T) {
	assert.Equal(t, "आशा", truncate("आशा देवी", 3))
	assert.Equal(t, "short", truncate("short", 10))
}

// TestCleanTextFastPath checks that the ASCII shortcut returns what the
// full cleaning would, and that anything it cannot vouch for takes the
// full path.
func TestCleanTextFastPath(t *testing.T) {
	tidy := []string{"hello", "hi abc", "Load Tester", "3", "menu", "A-1, b.c!", "~x y z~"}
	for _, s := range tidy {
		assert.True(t, tidyASCII(s), "%q is tidy ASCII", s)
		assert.Equal(t, cleanSlow(s), cleanText(s), "%q", s)
	}
	untidy := []string{"", " hi", "hi ", "a  b", "a\tb", "a\nb", "a\rb", "café", "a\x00b", "a\x7fb", "\u200bhi"}
	for _, s := range untidy {
		assert.False(t, tidyASCII(s), "%q is not tidy ASCII", s)
		assert.Equal(t, cleanSlow(s), cleanText(s), "%q", s)
	}
}
