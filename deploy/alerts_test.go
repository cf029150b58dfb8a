package deploy

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// ruleFile is the Prometheus rules file format (the fields used).
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Record      string            `yaml:"record"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// loadAlerts decodes deploy/prometheus/alerts.yaml strictly.
func loadAlerts(t *testing.T) ruleFile {
	t.Helper()
	var rf ruleFile
	dec := yaml.NewDecoder(bytes.NewReader(readRepoFile(t, "deploy/prometheus/alerts.yaml")))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&rf), "decode alerts.yaml")
	return rf
}

// runbookPrefix is where every alert's runbook_url points.
const runbookPrefix = "https://github.com/frontdesk-health/frontdesk/blob/main/docs/operations.md#"

// markdownAnchors returns the anchors GitHub gives a Markdown file's
// headings: lower case, punctuation dropped, spaces as hyphens.
func markdownAnchors(md string) map[string]bool {
	drop := regexp.MustCompile(`[^\p{L}\p{N} _-]`)
	anchors := map[string]bool{}
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		anchors[strings.ReplaceAll(drop.ReplaceAllString(strings.ToLower(title), ""), " ", "-")] = true
	}
	return anchors
}

// TestAlertRulesShape: every rule is an alert with a pending period, a
// severity, a summary and description, and a runbook that exists.
func TestAlertRulesShape(t *testing.T) {
	rf := loadAlerts(t)
	anchors := markdownAnchors(string(readRepoFile(t, "docs/operations.md")))
	seen := map[string]bool{}
	for _, g := range rf.Groups {
		require.NotEmpty(t, g.Rules, "group %s", g.Name)
		for _, r := range g.Rules {
			require.NotEmpty(t, r.Alert, "group %s: only alerting rules (no recording rules)", g.Name)
			assert.False(t, seen[r.Alert], "alert %s defined twice", r.Alert)
			seen[r.Alert] = true
			assert.NotEmpty(t, r.For, "%s: for:", r.Alert)
			assert.Contains(t, []string{"critical", "warning"}, r.Labels["severity"], "%s: severity label", r.Alert)
			assert.NotEmpty(t, r.Annotations["summary"], "%s: summary", r.Alert)
			assert.NotEmpty(t, r.Annotations["description"], "%s: description", r.Alert)
			anchor, ok := strings.CutPrefix(r.Annotations["runbook_url"], runbookPrefix)
			if assert.True(t, ok, "%s: runbook_url starts with %s", r.Alert, runbookPrefix) {
				assert.True(t, anchors[anchor], "%s: docs/operations.md has a heading for #%s", r.Alert, anchor)
			}
		}
	}
	require.NotEmpty(t, seen)
}

// alertTests is the part of promtool's unit test format checked here.
type alertTests struct {
	Tests []struct {
		AlertRuleTest []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

// TestEveryAlertIsUnitTested: alerts_test.yaml makes each alert fire at
// least once and checks at least once that it stays quiet.
func TestEveryAlertIsUnitTested(t *testing.T) {
	var at alertTests
	require.NoError(t, yaml.Unmarshal(readRepoFile(t, "deploy/prometheus/alerts_test.yaml"), &at))
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range at.Tests {
		for _, a := range tc.AlertRuleTest {
			if len(a.ExpAlerts) > 0 {
				fires[a.Alertname] = true
			} else {
				quiet[a.Alertname] = true
			}
		}
	}
	for _, g := range loadAlerts(t).Groups {
		for _, r := range g.Rules {
			assert.True(t, fires[r.Alert], "alerts_test.yaml: no case where %s fires", r.Alert)
			assert.True(t, quiet[r.Alert], "alerts_test.yaml: no case where %s stays quiet", r.Alert)
		}
	}
}
