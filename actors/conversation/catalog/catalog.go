// Package catalog holds what the bot says, per language, outside the Go
// code: one YAML file per language (en.yaml, hi.yaml, ...) embedded in the
// binary, with {placeholders} and optional per-hospital overrides.
package catalog

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed *.yaml
var files embed.FS

// Fallback is the language used for a key a catalog lacks.
const Fallback = "en"

// Catalog is the set of message texts of every language.
type Catalog struct {
	texts map[string]map[string]string
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list catalogs: %w", err)
	}
	c := &Catalog{texts: make(map[string]map[string]string, len(names))}
	for _, name := range names {
		raw, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read catalog %s: %w", name, err)
		}
		m := map[string]string{}
		if err := yaml.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("parse catalog %s: %w", name, err)
		}
		c.texts[strings.TrimSuffix(name, path.Ext(name))] = m
	}
	if _, ok := c.texts[Fallback]; !ok {
		return nil, fmt.Errorf("load catalogs: no %s catalog", Fallback)
	}
	return c, nil
}

// MustLoad is Load for program start-up and tests, where the embedded
// catalogs are known good (a test checks them).
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Languages lists the catalog languages, sorted.
func (c *Catalog) Languages() []string {
	out := make([]string, 0, len(c.texts))
	for l := range c.texts {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Has reports whether lang has a catalog.
func (c *Catalog) Has(lang string) bool {
	_, ok := c.texts[lang]
	return ok
}

// Keys lists the keys of one language, sorted.
func (c *Catalog) Keys(lang string) []string {
	out := make([]string, 0, len(c.texts[lang]))
	for k := range c.texts[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Raw returns the unexpanded text of key in lang, and whether it exists.
func (c *Catalog) Raw(lang, key string) (string, bool) {
	s, ok := c.texts[lang][key]
	return s, ok
}

// Text renders key in lang: a hospital override first, then the language's
// catalog, then the fallback language. args are placeholder name/value
// pairs: Text("en", nil, "registered", "id", "P-12") fills {id}. A key no
// catalog has renders as the key itself, so a gap shows in tests, not as an
// empty message.
func (c *Catalog) Text(lang string, overrides map[string]map[string]string, key string, args ...string) string {
	s, ok := overrides[lang][key]
	if !ok {
		s, ok = c.texts[lang][key]
	}
	if !ok {
		s, ok = c.texts[Fallback][key]
	}
	if !ok {
		return key
	}
	if len(args) < 2 || !strings.Contains(s, "{") {
		return s
	}
	return fill(s, args)
}

// fill replaces each {name} that args names with its value, in one pass:
// values are never expanded again, and unknown placeholders stay as they
// are. (A strings.Replacer per call costs more than the whole decision.)
func fill(s string, args []string) string {
	var b strings.Builder
	b.Grow(len(s) + 32)
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			break
		}
		end += open
		b.WriteString(s[:open])
		if v, ok := lookup(args, s[open+1:end]); ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[open : end+1])
		}
		s = s[end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// lookup finds name among name/value pairs.
func lookup(args []string, name string) (string, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == name {
			return args[i+1], true
		}
	}
	return "", false
}
