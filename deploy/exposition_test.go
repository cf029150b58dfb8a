package deploy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// series maps each series name of an exposition (histograms contribute
// name_bucket, name_sum and name_count) to the label names it carries.
type series map[string]map[string]bool

// merge adds other's names and labels to s.
func (s series) merge(other series) {
	for name, labels := range other {
		if s[name] == nil {
			s[name] = map[string]bool{}
		}
		for l := range labels {
			s[name][l] = true
		}
	}
}

// parseExposition reads Prometheus' text format: each sample line's
// name and label names. Comment lines (HELP, TYPE) are skipped.
func parseExposition(t *testing.T, text string) series {
	t.Helper()
	out := series{}
	for i, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		end := strings.IndexAny(line, "{ ")
		require.Positive(t, end, "exposition line %d: %q", i+1, line)
		name := line[:end]
		if out[name] == nil {
			out[name] = map[string]bool{}
		}
		if line[end] == '{' {
			for _, l := range labelNames(t, line[end+1:]) {
				out[name][l] = true
			}
		}
	}
	return out
}

// labelNames reads `a="x",b="y\"z"}` up to the closing brace.
func labelNames(t *testing.T, s string) []string {
	t.Helper()
	var names []string
	for {
		s = strings.TrimLeft(s, ", ")
		if s == "" || s[0] == '}' {
			return names
		}
		eq := strings.IndexByte(s, '=')
		require.Positive(t, eq, "label in %q", s)
		names = append(names, s[:eq])
		require.True(t, len(s) > eq+1 && s[eq+1] == '"', "quoted label value in %q", s)
		j := eq + 2
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		require.Less(t, j, len(s), "unterminated label value in %q", s)
		s = s[j+1:]
	}
}

func TestParseExposition(t *testing.T) {
	got := parseExposition(t, "# HELP a_total A.\n# TYPE a_total counter\n"+
		`a_total{route="messages",code="200"} 3`+"\n"+
		`b_bucket{le="0.5",sender="whatsapp:+1 \"x\", y"} 1`+"\nc 2\n")
	assert.Equal(t, series{
		"a_total":  {"route": true, "code": true},
		"b_bucket": {"le": true, "sender": true},
		"c":        {},
	}, got)
}
