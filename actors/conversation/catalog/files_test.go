package catalog

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// placeholderRE finds {placeholders} in a catalog text.
var placeholderRE = regexp.MustCompile(`\{[a-z_]+\}`)

// boldRE finds WhatsApp *bold* runs, where the words patients type are shown.
var boldRE = regexp.MustCompile(`\*([^*\n]+)\*`)

// commandWords are what the engine matches in Latin letters whatever the
// language; a translation that shows them translated would teach patients
// words the bot does not understand.
var commandWords = []string{"menu", "exit", "skip", "stop", "start", "0"}

func placeholders(s string) []string {
	found := placeholderRE.FindAllString(s, -1)
	slices.Sort(found)
	return slices.Compact(found)
}

func TestEveryLanguageHasExactlyTheEnglishKeys(t *testing.T) {
	c := MustLoad()
	en := c.Keys(Fallback)
	require.NotEmpty(t, en)
	for _, lang := range c.Languages() {
		t.Run(lang, func(t *testing.T) {
			keys := c.Keys(lang)
			for _, k := range keys {
				assert.True(t, slices.Contains(en, k), "%s.yaml has %q, which en.yaml lacks", lang, k)
			}
			for _, k := range en {
				assert.True(t, slices.Contains(keys, k), "%s.yaml lacks %q", lang, k)
			}
		})
	}
}

func TestTextsAreUsable(t *testing.T) {
	c := MustLoad()
	for _, lang := range c.Languages() {
		for _, key := range c.Keys(lang) {
			s, _ := c.Raw(lang, key)
			en, _ := c.Raw(Fallback, key)
			assert.NotEmpty(t, strings.TrimSpace(s), "%s/%s is empty", lang, key)
			assert.True(t, utf8.ValidString(s), "%s/%s is not UTF-8", lang, key)
			assert.Equal(t, placeholders(en), placeholders(s), "%s/%s: placeholders differ from English", lang, key)
			assert.Equal(t, 0, strings.Count(en, "*")%2, "en/%s: unbalanced *bold*", key)
			assert.Equal(t, 0, strings.Count(s, "*")%2, "%s/%s: unbalanced *bold*", lang, key)
			for _, m := range boldRE.FindAllStringSubmatch(en, -1) {
				word, _, _ := strings.Cut(m[1], " ")
				if slices.Contains(commandWords, word) {
					assert.Contains(t, s, m[0], "%s/%s must show the command %s as typed", lang, key, m[0])
				}
			}
		}
	}
}

func TestHindiIsHindi(t *testing.T) {
	c := MustLoad()
	// Texts that are data rather than prose may stay as they are.
	same := map[string]bool{"appointment_line": true, "date": true}
	for _, key := range c.Keys("hi") {
		hi, _ := c.Raw("hi", key)
		en, _ := c.Raw("en", key)
		if same[key] {
			continue
		}
		assert.NotEqual(t, en, hi, "hi/%s is untranslated", key)
		assert.True(t, strings.ContainsFunc(hi, func(r rune) bool { return r >= 0x0900 && r <= 0x097F }),
			"hi/%s has no Devanagari", key)
	}
	menu, _ := c.Raw("hi", "menu_language")
	assert.Contains(t, menu, "Change language", "the language item must be findable by someone who reads no Hindi")
	hint, _ := c.Raw("hi", "hi_code")
	assert.True(t, strings.HasPrefix(hint, "hi "), "the start hint must keep the Latin activation word")
}
