package deploy

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// selector is one metric selector of a PromQL expression: the metric's
// name and the label names its matchers use.
type selector struct {
	metric string
	labels []string
}

// promqlRefs is what an expression refers to: its selectors and the label
// names of its by/without/on/ignoring/group_* clauses.
type promqlRefs struct {
	selectors []selector
	grouping  []string
}

// promqlKeywords are identifiers that are neither metrics nor functions.
var promqlKeywords = map[string]bool{
	"and": true, "or": true, "unless": true, "bool": true, "offset": true, "inf": true, "nan": true,
	"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true, "atan2": true,
}

// aggregations may be followed by a by/without clause before their
// parenthesis: `sum by (le) (...)`.
var aggregations = map[string]bool{
	"sum": true, "avg": true, "min": true, "max": true, "count": true, "group": true, "stddev": true, "stdvar": true,
	"topk": true, "bottomk": true, "quantile": true, "count_values": true, "limitk": true, "limit_ratio": true,
}

// groupingKeywords take a parenthesised list of label names.
var groupingKeywords = map[string]bool{"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true}

// scanPromQL finds the metric names and label names an expression uses.
// It is a tokenizer, not a parser: enough for the rules and dashboard
// queries written here (which promtool parses for real). Grafana
// variables ($job, ${datasource}, $__rate_interval) are skipped.
func scanPromQL(expr string) (promqlRefs, error) {
	toks := tokenizePromQL(expr)
	var refs promqlRefs
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		next := ""
		if i+1 < len(toks) {
			next = toks[i+1]
		}
		switch {
		case tok == "[":
			for i < len(toks) && toks[i] != "]" {
				i++
			}
		case tok == "{":
			return refs, errUnnamedSelector
		case !isIdent(tok):
		case groupingKeywords[tok] && next == "(":
			i += 2
			for ; i < len(toks) && toks[i] != ")"; i++ {
				if isIdent(toks[i]) {
					refs.grouping = append(refs.grouping, toks[i])
				}
			}
		case promqlKeywords[tok] || aggregations[tok] || next == "(":
			// a keyword, a function or an aggregation
		default:
			sel := selector{metric: tok}
			if next == "{" {
				i += 2
				for ; i < len(toks) && toks[i] != "}"; i++ {
					if isIdent(toks[i]) {
						sel.labels = append(sel.labels, toks[i])
					}
				}
			}
			refs.selectors = append(refs.selectors, sel)
		}
	}
	return refs, nil
}

// errUnnamedSelector: a selector without a metric name ({__name__=~...})
// cannot be checked against the exported metrics.
var errUnnamedSelector = errors.New("selector without a metric name")

// tokenizePromQL splits an expression into identifiers, numbers and
// punctuation; string literals and Grafana variables are dropped, so
// neither a regex value nor $hospital is taken for a name.
func tokenizePromQL(expr string) []string {
	var toks []string
	rs := []rune(expr)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '"' || r == '\'' || r == '`':
			j := i + 1
			for j < len(rs) && rs[j] != r {
				if rs[j] == '\\' && r != '`' {
					j++
				}
				j++
			}
			i = j + 1
		case r == '$':
			j := i + 1
			if j < len(rs) && rs[j] == '{' {
				for j < len(rs) && rs[j] != '}' {
					j++
				}
				j++
			} else {
				for j < len(rs) && isIdentRune(rs[j], false) {
					j++
				}
			}
			i = j
		case isIdentRune(r, true) || unicode.IsDigit(r) || r == '.':
			j := i
			for j < len(rs) && (isIdentRune(rs[j], false) || rs[j] == '.') {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		default:
			toks = append(toks, string(r))
			i++
		}
	}
	return toks
}

func isIdentRune(r rune, first bool) bool {
	return r == '_' || r == ':' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || (!first && '0' <= r && r <= '9')
}

// isIdent: a name, not a number or duration ("5m", "0.99", "1e3").
func isIdent(tok string) bool {
	return tok != "" && isIdentRune([]rune(tok)[0], true) && !strings.Contains(tok, ".")
}

func TestScanPromQL(t *testing.T) {
	tests := []struct {
		expr      string
		selectors []selector
		grouping  []string
	}{
		{`up{job="frontdesk"} == 0`, []selector{{"up", []string{"job"}}}, nil},
		{`sum by (route) (rate(frontdesk_webhook_requests_total{code=~"5.."}[5m])) / sum by (route) (rate(frontdesk_webhook_requests_total[5m])) > 0.05`,
			[]selector{{"frontdesk_webhook_requests_total", []string{"code"}}, {"frontdesk_webhook_requests_total", nil}}, []string{"route", "route"}},
		{`histogram_quantile(0.99, sum by (le) (rate(x_bucket{job=~"$job", route="messages"}[$__rate_interval])))`,
			[]selector{{"x_bucket", []string{"job", "route"}}}, []string{"le"}},
		{`min_over_time(a[15m]) > 0 unless on (instance) (sum(increase(b{result="sent"}[15m])) > 0)`,
			[]selector{{"a", nil}, {"b", []string{"result"}}}, []string{"instance"}},
		{`sum(rate(a[5m])) by (le) offset 1h`, []selector{{"a", nil}}, []string{"le"}},
		{`label_replace(a, "dst", "$1", "src", "(.*)")`, []selector{{"a", nil}}, nil},
		{`a{hospital=~"${hospital}"} and ignoring(x) b`, []selector{{"a", []string{"hospital"}}, {"b", nil}}, []string{"x"}},
	}
	for _, tc := range tests {
		got, err := scanPromQL(tc.expr)
		require.NoError(t, err, tc.expr)
		assert.Equal(t, tc.selectors, got.selectors, tc.expr)
		assert.Equal(t, tc.grouping, got.grouping, tc.expr)
	}
	_, err := scanPromQL(`{__name__=~"frontdesk_.*"}`)
	require.Error(t, err)
}
