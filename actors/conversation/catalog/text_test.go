package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testCatalog is a small hand-made catalog, so each rule of Text is tested
// against texts the test controls.
func testCatalog() *Catalog {
	return &Catalog{texts: map[string]map[string]string{
		"en": {
			"registered": "You are registered, *{name}*. Your patient ID is *{id}*.",
			"only_en":    "English only",
			"plain":      "No placeholders here.",
		},
		"hi": {
			"registered": "*{name}*, आपका रजिस्ट्रेशन हो गया है। ID: *{id}*",
			"plain":      "यहाँ कुछ नहीं भरना।",
		},
	}}
}

func TestTextRendering(t *testing.T) {
	overrides := map[string]map[string]string{
		"hi": {"plain": "अस्पताल का अपना संदेश", "registered": "{name} ({id}) रजिस्टर हुए"},
	}
	tests := []struct {
		name      string
		lang      string
		overrides map[string]map[string]string
		key       string
		args      []string
		want      string
	}{
		{"placeholders filled", "en", nil, "registered", []string{"name", "Asha", "id", "P-12"},
			"You are registered, *Asha*. Your patient ID is *P-12*."},
		{"placeholders filled in hindi", "hi", nil, "registered", []string{"id", "P-12", "name", "आशा"},
			"*आशा*, आपका रजिस्ट्रेशन हो गया है। ID: *P-12*"},
		{"hospital override wins", "hi", overrides, "plain", nil, "अस्पताल का अपना संदेश"},
		{"override gets placeholders too", "hi", overrides, "registered", []string{"name", "आशा", "id", "7"}, "आशा (7) रजिस्टर हुए"},
		{"override of another language is ignored", "en", overrides, "plain", nil, "No placeholders here."},
		{"missing key falls back to english", "hi", nil, "only_en", nil, "English only"},
		{"unknown language falls back to english", "xx", nil, "plain", nil, "No placeholders here."},
		{"unknown key renders as the key", "hi", nil, "no_such_key", []string{"a", "b"}, "no_such_key"},
		{"values are not expanded again", "en", nil, "registered", []string{"name", "{id}", "id", "{name}"},
			"You are registered, *{id}*. Your patient ID is *{name}*."},
		{"unpaired trailing argument is ignored", "en", nil, "registered", []string{"name", "Asha", "id"},
			"You are registered, *Asha*. Your patient ID is *{id}*."},
		{"unknown placeholder names change nothing", "en", nil, "plain", []string{"x", "y"}, "No placeholders here."},
	}
	c := testCatalog()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, c.Text(tc.lang, tc.overrides, tc.key, tc.args...))
		})
	}
}

func TestLookups(t *testing.T) {
	c := testCatalog()
	assert.Equal(t, []string{"en", "hi"}, c.Languages())
	assert.True(t, c.Has("hi"))
	assert.False(t, c.Has("ta"))
	assert.Equal(t, []string{"plain", "registered"}, c.Keys("hi"))
	raw, ok := c.Raw("en", "registered")
	require.True(t, ok)
	assert.Contains(t, raw, "{id}", "Raw must not expand placeholders")
	_, ok = c.Raw("hi", "only_en")
	assert.False(t, ok, "Raw must not fall back to English")
}

func TestLoadEmbedded(t *testing.T) {
	c, err := Load()
	require.NoError(t, err)
	assert.Equal(t, []string{"en", "hi"}, c.Languages())
	assert.Equal(t, "English", c.Text("en", nil, "language_name"))
	assert.Equal(t, "हिन्दी", c.Text("hi", nil, "language_name"))
	assert.NotPanics(t, func() { MustLoad() })
}
