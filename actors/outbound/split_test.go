package outbound

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	long := strings.Repeat("word ", 500)                  // 2500 chars, spaces only
	lines := strings.Repeat("line of text number\n", 120) // 2400 chars, line breaks
	devanagari := strings.Repeat("नमस्ते ", 300)          // multi-byte runes
	oneWord := strings.Repeat("x", 3500)
	tests := []struct {
		name  string
		body  string
		parts int
	}{
		{"short", "hello", 1},
		{"empty", "   ", 0},
		{"exactly max", strings.Repeat("a", MaxBody), 1},
		{"spaces", long, 2},
		{"lines", lines, 2},
		{"devanagari", devanagari, 2},
		{"one long word", oneWord, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := Split(tt.body, MaxBody)
			if len(parts) != tt.parts {
				t.Fatalf("got %d parts, want %d", len(parts), tt.parts)
			}
			for i, p := range parts {
				if n := utf8.RuneCountInString(p); n > MaxBody || n == 0 {
					t.Errorf("part %d has %d characters", i, n)
				}
				if !utf8.ValidString(p) {
					t.Errorf("part %d is not valid UTF-8", i)
				}
			}
			// Nothing but the breaks is lost.
			squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
			if squash(strings.Join(parts, "")) != squash(tt.body) {
				t.Error("split lost or changed text")
			}
		})
	}
}

func TestSplitPrefersLineBreaks(t *testing.T) {
	first := strings.Repeat("a", 1000)
	second := strings.Repeat("b ", 400)
	parts := Split(first+"\n"+second, MaxBody)
	if len(parts) != 2 || parts[0] != first {
		t.Fatalf("want the cut at the line break, got parts of %d and %d chars", len(parts[0]), len(parts[1]))
	}
}
