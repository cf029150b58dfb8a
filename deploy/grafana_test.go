package deploy

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dashboard is the part of Grafana's dashboard JSON checked here.
type dashboard struct {
	Title      string  `json:"title"`
	UID        string  `json:"uid"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string          `json:"name"`
			Type       string          `json:"type"`
			Query      json.RawMessage `json:"query"`
			Datasource *datasourceRef  `json:"datasource"`
		} `json:"list"`
	} `json:"templating"`
}

type datasourceRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type panel struct {
	ID         int            `json:"id"`
	Type       string         `json:"type"`
	Title      string         `json:"title"`
	Datasource *datasourceRef `json:"datasource"`
	Panels     []panel        `json:"panels"` // a collapsed row's panels
	Targets    []struct {
		Expr       string         `json:"expr"`
		Datasource *datasourceRef `json:"datasource"`
	} `json:"targets"`
}

// dashboardQuery is one PromQL query of the dashboard and where it is.
type dashboardQuery struct{ where, expr string }

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	var d dashboard
	require.NoError(t, json.Unmarshal(readRepoFile(t, "deploy/grafana/frontdesk.json"), &d), "parse frontdesk.json")
	return d
}

// flatten returns every panel, rows' nested panels included.
func flatten(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, flatten(p.Panels)...)
	}
	return out
}

// dashboardQueries returns every PromQL query of the dashboard: panel
// targets and the metric part of label_values() variables.
func dashboardQueries(t *testing.T) []dashboardQuery {
	t.Helper()
	d := loadDashboard(t)
	var qs []dashboardQuery
	for _, p := range flatten(d.Panels) {
		for i, tg := range p.Targets {
			qs = append(qs, dashboardQuery{fmt.Sprintf("panel %q target %d", p.Title, i), tg.Expr})
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		q := variableQuery(t, v.Query)
		inner, ok := strings.CutPrefix(q, "label_values(")
		require.True(t, ok, "variable %s: a label_values() query, got %q", v.Name, q)
		metric, label, ok := strings.Cut(strings.TrimSuffix(inner, ")"), ",")
		require.True(t, ok, "variable %s: label_values(metric, label)", v.Name)
		label = strings.TrimSpace(label)
		// Checking `metric` with a by(label) clause checks that it has the label.
		qs = append(qs, dashboardQuery{"variable " + v.Name, fmt.Sprintf("max by (%s) (%s)", label, metric)})
	}
	require.NotEmpty(t, qs)
	return qs
}

// variableQuery reads a variable's query, a string or {"query": "..."}.
func variableQuery(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		Query string `json:"query"`
	}
	require.NoError(t, json.Unmarshal(raw, &obj))
	return obj.Query
}

// TestDashboardShape: every panel and query uses the ${datasource}
// variable (so the dashboard imports into any Grafana), panel ids are
// unique, and every graph has a query.
func TestDashboardShape(t *testing.T) {
	d := loadDashboard(t)
	assert.NotEmpty(t, d.Title)
	assert.NotEmpty(t, d.UID)
	hasDatasourceVar := false
	for _, v := range d.Templating.List {
		if v.Name == "datasource" {
			hasDatasourceVar = v.Type == "datasource" && string(v.Query) == `"prometheus"`
		} else if v.Datasource != nil {
			assert.Equal(t, "${datasource}", v.Datasource.UID, "variable %s uses ${datasource}", v.Name)
		}
	}
	assert.True(t, hasDatasourceVar, "a `datasource` variable of Prometheus data sources")
	ids := map[int]bool{}
	for _, p := range flatten(d.Panels) {
		assert.False(t, ids[p.ID], "panel id %d used twice", p.ID)
		ids[p.ID] = true
		assert.NotEmpty(t, p.Title, "panel %d has a title", p.ID)
		if p.Type == "row" {
			continue
		}
		require.NotNil(t, p.Datasource, "panel %q datasource", p.Title)
		assert.Equal(t, "${datasource}", p.Datasource.UID, "panel %q uses ${datasource}", p.Title)
		assert.NotEmpty(t, p.Targets, "panel %q has queries", p.Title)
		for _, tg := range p.Targets {
			require.NotNil(t, tg.Datasource, "panel %q target datasource", p.Title)
			assert.Equal(t, "${datasource}", tg.Datasource.UID, "panel %q target uses ${datasource}", p.Title)
		}
	}
}

// TestDashboardShowsEveryMetric: every frontdesk_ metric the binary
// declares is graphed somewhere, so an SRE who opens the dashboard sees
// all the product reports (a histogram counts as graphed through any of
// its _bucket, _sum or _count series).
func TestDashboardShowsEveryMetric(t *testing.T) {
	graphed := map[string]bool{}
	for _, q := range dashboardQueries(t) {
		refs, err := scanPromQL(q.expr)
		require.NoError(t, err, "%s: %s", q.where, q.expr)
		for _, sel := range refs.selectors {
			graphed[histogramBase(sel.metric)] = true
		}
	}
	for name := range parseExposition(t, declaredScrape(t)) {
		if !strings.HasPrefix(name, "frontdesk_") {
			continue
		}
		assert.True(t, graphed[histogramBase(name)], "no dashboard panel graphs %s", name)
	}
}

// histogramBase is a series name without a histogram's _bucket, _sum or
// _count suffix.
func histogramBase(name string) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok {
			return base
		}
	}
	return name
}
