package deploy

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// scrape GETs /metrics from h and returns the body.
func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code, "GET /metrics")
	return rec.Body.String()
}

// liveScrape starts the process in-process (the demo configuration with a
// temporary data directory), sends it one webhook so that labelled
// vectors have series, and scrapes its /metrics.
func liveScrape(t *testing.T) string {
	t.Helper()
	env := map[string]string{config.EnvDataDir: t.TempDir()}
	cfg, err := config.Load(func(k string) string { return env[k] })
	require.NoError(t, err)
	app, err := runtime.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		require.NoError(t, app.Shutdown(ctx))
	}()
	h := app.Handler()
	form := url.Values{
		"MessageSid": {"SM00000000000000000000000000000001"}, "AccountSid": {"AC00000000000000000000000000000000"},
		"From": {"whatsapp:+919800000001"}, "To": {cfg.Hospitals[0].Sender}, "Body": {"hi demo"}, "NumMedia": {"0"},
	}
	req := httptest.NewRequest(http.MethodPost, "/twilio/messages", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, "webhook: %s", rec.Body.String())
	return scrape(t, h)
}

// declaredScrape exposes every collector of metrics.New, with one child
// in each labelled vector, so that vectors nothing has touched yet (actor
// restarts, breaker state) are known with their labels too. It is the
// registry the process serves, built by the same function.
func declaredScrape(t *testing.T) string {
	t.Helper()
	m := metrics.New()
	v := reflect.ValueOf(m).Elem()
	for i := 0; i < v.NumField(); i++ {
		get := v.Field(i).MethodByName("GetMetricWithLabelValues")
		if !get.IsValid() {
			continue
		}
		ok := false
		for n := 0; n <= 8 && !ok; n++ {
			args := make([]reflect.Value, n)
			for j := range args {
				args[j] = reflect.ValueOf("x")
			}
			out := get.Call(args)
			ok = out[1].IsNil()
		}
		require.True(t, ok, "metrics.%s: no label count from 0 to 8 fits", v.Type().Field(i).Name)
	}
	// The same handler options as http/server, which add promhttp's own
	// error counter to the registry.
	return scrape(t, promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry}))
}

// exported is every series name the binary exports, with its labels.
func exported(t *testing.T) (series, string, string) {
	t.Helper()
	live, declared := liveScrape(t), declaredScrape(t)
	liveSeries := parseExposition(t, live)
	all := parseExposition(t, declared)
	for name := range all {
		if strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") || strings.HasPrefix(name, "promhttp_") {
			continue // client_golang's own collectors
		}
		if !strings.HasPrefix(name, "frontdesk_") {
			t.Errorf("metric %s does not start with frontdesk_", name)
		}
	}
	for _, want := range []string{"frontdesk_webhook_requests_total", "frontdesk_messages_in_total", "go_goroutines", "process_resident_memory_bytes"} {
		require.Contains(t, liveSeries, want, "the live process serves the metrics registry after one webhook")
	}
	for name := range liveSeries {
		assert.Contains(t, all, name, "the live process exports %s, which metrics.New does not declare", name)
	}
	all.merge(liveSeries)
	return all, live, declared
}

// prometheusSeries are made by Prometheus, not by the binary.
var prometheusSeries = map[string]map[string]bool{"up": {}}

// targetLabels are added by Prometheus to every scraped series.
var targetLabels = map[string]bool{"job": true, "instance": true}

// checkQuery reports every metric or label expr uses that the binary does
// not export.
func checkQuery(t *testing.T, where, expr string, exp series) {
	t.Helper()
	refs, err := scanPromQL(expr)
	require.NoError(t, err, "%s: %s", where, expr)
	require.NotEmpty(t, refs.selectors, "%s: a query without a metric: %s", where, expr)
	used := map[string]bool{}
	for l := range targetLabels {
		used[l] = true
	}
	for _, sel := range refs.selectors {
		labels, ok := exp[sel.metric]
		if !ok {
			labels, ok = prometheusSeries[sel.metric]
		}
		if !assert.True(t, ok, "%s: %s is not a metric the binary exports", where, sel.metric) {
			continue
		}
		for l := range labels {
			used[l] = true
		}
		for _, l := range sel.labels {
			assert.True(t, labels[l] || targetLabels[l], "%s: %s has no label %q", where, sel.metric, l)
		}
	}
	for _, l := range refs.grouping {
		assert.True(t, used[l], "%s: groups by %q, which none of its metrics has", where, l)
	}
}

// TestQueriesUseExportedMetrics: every alert expression and every
// dashboard query names metrics (and labels) the running binary exports,
// and promtool's linter finds nothing wrong with its /metrics.
func TestQueriesUseExportedMetrics(t *testing.T) {
	exp, live, declared := exported(t)
	for _, g := range loadAlerts(t).Groups {
		for _, r := range g.Rules {
			checkQuery(t, "alert "+r.Alert, r.Expr, exp)
		}
	}
	for _, q := range dashboardQueries(t) {
		checkQuery(t, q.where, q.expr, exp)
	}

	t.Run("promtool check metrics", func(t *testing.T) {
		for name, text := range map[string]string{"live scrape": live, "every declared metric": declared} {
			out := runPromtool(t, text, "check", "metrics")
			assert.Empty(t, strings.TrimSpace(out), "promtool check metrics on the %s", name)
		}
	})
}
