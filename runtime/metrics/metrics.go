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
	BeatFailures    prometheus.Counter   // lease holder beats the store did not take
	BeatLapses      prometheus.Counter   // times this process's beat was found lapsed
	OutboxPending   *prometheus.GaugeVec // sender hash
	SendDuration    prometheus.Histogram
	SendRetries     prometheus.Counter
	APIRequests     *prometheus.CounterVec // route, code
	RemindersFired  *prometheus.CounterVec // kind, result
	ReminderLag     prometheus.Histogram
	RemindersDue    prometheus.Gauge

	// Outbound delivery: rate limit, final errors, statuses, 24 h window.
	SendErrors        *prometheus.CounterVec // code
	SendThrottled     prometheus.Counter
	MessageStatus     *prometheus.CounterVec // status, error_code
	Undeliverable     *prometheus.CounterVec // reason
	TemplateFallbacks prometheus.Counter
	OutboxOldestAge   *prometheus.GaugeVec // sender

	// Patients' answers to reminders posted to the EMR's callback URLs.
	Callbacks *prometheus.CounterVec // result
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
		BeatFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_lease_beat_failures_total", Help: "Beats of this process's lease holder that Redis did not take; sends pause when several fail in a row.",
		}),
		BeatLapses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_lease_beat_lapses_total", Help: "Times this process found its beat had lapsed: other processes may have taken over its unsent messages.",
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
		SendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_send_errors_total", Help: "Outbound messages failed for good by the send error: Twilio's error code, http_<status> without one, timeout or transport.",
		}, []string{"code"}),
		SendThrottled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_send_throttled_total", Help: "Sends Twilio refused with 429 / 20429 (too many requests); each is retried after Retry-After.",
		}),
		MessageStatus: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_message_status_total", Help: "Delivery status callbacks from Twilio, by status (unknown_message: no outbound message has that SID) and error code (none without one).",
		}, []string{"status", "error_code"}),
		Undeliverable: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_undeliverable_total", Help: "Outbound messages held as not deliverable, by reason (outside_window_no_template, template_variable_missing).",
		}, []string{"reason"}),
		TemplateFallbacks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "frontdesk_template_fallbacks_total", Help: "Messages sent as the hospital's template instead of their text: outside the 24 h window, or after Twilio's error 63016.",
		}),
		OutboxOldestAge: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "frontdesk_outbox_oldest_age_seconds", Help: "Age of the oldest outbound message this process holds pending, by sender; 0 when none.",
		}, []string{"sender"}),
		RemindersFired: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_reminders_fired_total", Help: "Reminder firings, by kind and result (sent, deferred to the end of quiet hours, opted_out, expired: an appointment already begun, dropped: unreadable or its hospital gone, failed: the store refused and it is tried again, lease_lost: another process fired it).",
		}, []string{"kind", "result"}),
		ReminderLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "frontdesk_reminder_lag_seconds", Help: "Time from a reminder's due time to its firing (outbox entries committed), for firings that completed.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}),
		RemindersDue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "frontdesk_reminders_due", Help: "Reminders due that this process has claimed and not yet fired; staying high means firing cannot keep up.",
		}),
		Callbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_callbacks_total", Help: "Attempts to post a patient's answer to an EMR callback URL, by result (sent; retried: failed for a reason that may pass; failed: for good).",
		}, []string{"result"}),
	}
	r.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.WebhookRequests, m.WebhookDuration, m.MessagesIn, m.MessagesOut, m.EMRCalls,
		m.EMRBreakerOpen, m.EMRInFlight, m.Conversations, m.Passivations, m.ActorRestarts,
		m.CommitDuration, m.CommitFailures, m.StoreBatchSize, m.StoreUp, m.StoreOutages, m.BeatFailures, m.BeatLapses, m.OutboxPending, m.SendDuration, m.SendRetries, m.APIRequests,
		m.SendErrors, m.SendThrottled, m.MessageStatus, m.Undeliverable, m.TemplateFallbacks, m.OutboxOldestAge,
		m.RemindersFired, m.ReminderLag, m.RemindersDue, m.Callbacks,
	)
	return m
}
