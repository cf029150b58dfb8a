// Package metrics defines frontdesk's Prometheus metrics on a registry of
// its own. Labels carry hospital codes, operations and results, never
// patient data. docs/metrics.md lists them.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds every collector the process exports.
type Metrics struct {
	Registry *prometheus.Registry

	WebhookRequests *prometheus.CounterVec   // route, code
	WebhookDuration *prometheus.HistogramVec // route
	MessagesIn      *prometheus.CounterVec   // hospital, result
	MessagesOut     *prometheus.CounterVec   // result
	EMRCalls        *prometheus.HistogramVec // hospital, op, result
	EMRBreakerOpen  *prometheus.GaugeVec     // hospital
	EMRInFlight     *prometheus.GaugeVec     // hospital
	Conversations   prometheus.Gauge
	Passivations    prometheus.Counter
	ActorRestarts   *prometheus.CounterVec // actor
	CommitDuration  *prometheus.HistogramVec
	CommitFailures  *prometheus.CounterVec // reason
	StoreBatchSize  prometheus.Histogram
	StoreUp         prometheus.Gauge     // 1 while the store answers
	StoreOutages    prometheus.Counter   // times the store was found unreachable
	OutboxPending   *prometheus.GaugeVec // sender hash
	SendDuration    prometheus.Histogram
	SendRetries     prometheus.Counter
	APIRequests     *prometheus.CounterVec // route, code
}

// New creates the collectors and registers them, with the Go and process
// collectors, on a fresh registry.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		WebhookRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_webhook_requests_total", Help: "Twilio webhook requests answered, by route and HTTP status code.",
		}, []string{"route", "code"}),
		WebhookDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "frontdesk_webhook_duration_seconds", Help: "Time from receiving a Twilio webhook to answering it (includes the durable commit).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		MessagesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_messages_in_total", Help: "Inbound patient messages, by hospital and result (processed, duplicate, failed).",
		}, []string{"hospital", "result"}),
		MessagesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_messages_out_total", Help: "Outbound messages, by result (sent, failed).",
		}, []string{"result"}),
		EMRCalls: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "frontdesk_emr_call_duration_seconds", Help: "EMR call latency, by hospital, operation and result (ok, cached, unavailable, rejected, ...).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"hospital", "op", "result"}),
		EMRBreakerOpen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "frontdesk_emr_breaker_open", Help: "1 while a hospital's EMR circuit breaker is open (calls fail fast), else 0.",
		}, []string{"hospital"}),
		EMRInFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "frontdesk_emr_calls_in_flight", Help: "EMR calls running now, by hospital.",
		}, []string{"hospital"}),
		Conversations: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "frontdesk_conversations_active", Help: "Conversation actors in memory.",
		}),
		Passivations: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_conversations_passivated_total", Help: "Idle conversation actors that left memory.",
		}),
		ActorRestarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_actor_restarts_total", Help: "Actors restarted by their supervisor after a panic, by actor kind.",
		}, []string{"actor"}),
		CommitDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "frontdesk_store_commit_duration_seconds", Help: "Durable commit latency of one conversation turn, by result.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"result"}),
		CommitFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_store_commit_failures_total", Help: "Commits that failed, by reason (conflict, error).",
		}, []string{"reason"}),
		StoreBatchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "frontdesk_store_batch_size", Help: "Writes sent to the store in one group commit (Redis pipeline).",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024},
		}),
		StoreUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "frontdesk_store_up", Help: "1 while the store (Redis or the embedded file) answers, 0 while it is unreachable and webhooks answer 503.",
		}),
		StoreOutages: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_store_outages_total", Help: "Times the store was found unreachable (failed pings or a commit that could not reach it).",
		}),
		OutboxPending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "frontdesk_outbox_pending", Help: "Outbound messages accepted and not yet sent, by sender.",
		}, []string{"sender"}),
		SendDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "frontdesk_send_duration_seconds", Help: "Latency of one outbound send to Twilio or the simulator.",
			Buckets: prometheus.DefBuckets,
		}),
		SendRetries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_send_retries_total", Help: "Outbound sends that failed for a passing reason (429, 5xx, timeout) and will be tried again.",
		}),
		APIRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_api_requests_total", Help: "EMR-facing API requests, by route and HTTP status code.",
		}, []string{"route", "code"}),
	}
	r.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.WebhookRequests, m.WebhookDuration, m.MessagesIn, m.MessagesOut, m.EMRCalls,
		m.EMRBreakerOpen, m.EMRInFlight, m.Conversations, m.Passivations, m.ActorRestarts,
		m.CommitDuration, m.CommitFailures, m.StoreBatchSize, m.StoreUp, m.StoreOutages, m.OutboxPending, m.SendDuration, m.SendRetries, m.APIRequests,
	)
	return m
}
