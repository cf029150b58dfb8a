package metrics

import (
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// descPattern reads the name, help and labels out of a Desc's String.
var descPattern = regexp.MustCompile(`fqName: "([^"]+)", help: "((?:[^"\\]|\\.)*)",.*variableLabels: \{([^}]*)\}`)

// described lists every metric the Metrics struct defines: name → labels.
func described(t *testing.T) map[string]string {
	t.Helper()
	m := New()
	out := map[string]string{}
	v := reflect.ValueOf(m).Elem()
	for i := 0; i < v.NumField(); i++ {
		c, ok := v.Field(i).Interface().(prometheus.Collector)
		if !ok || v.Type().Field(i).Name == "Registry" {
			continue
		}
		ch := make(chan *prometheus.Desc, 4)
		go func() { c.Describe(ch); close(ch) }()
		for d := range ch {
			g := descPattern.FindStringSubmatch(d.String())
			if g == nil {
				t.Fatalf("cannot read descriptor %s", d)
			}
			if g[2] == "" {
				t.Errorf("%s has no help text", g[1])
			}
			out[g[1]] = g[3]
		}
	}
	return out
}

// TestDocsListEveryMetric keeps docs/metrics.md honest: every metric the
// binary defines is listed there with its labels, and nothing else is.
func TestDocsListEveryMetric(t *testing.T) {
	doc, err := os.ReadFile("../../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	metrics := described(t)
	names := make([]string, 0, len(metrics))
	for n := range metrics {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !strings.Contains(text, "`"+n+"`") {
			t.Errorf("docs/metrics.md does not list %s (labels %s)", n, metrics[n])
		}
		for _, l := range strings.Split(metrics[n], ",") {
			if l = strings.TrimSpace(l); l != "" && !strings.Contains(text, "`"+l+"`") {
				t.Errorf("docs/metrics.md does not name label %s of %s", l, n)
			}
		}
	}
	for _, m := range regexp.MustCompile("`(frontdesk_[a-z_]+)`").FindAllStringSubmatch(text, -1) {
		if _, ok := metrics[m[1]]; !ok {
			t.Errorf("docs/metrics.md lists %s, which the binary does not export", m[1])
		}
	}
}
