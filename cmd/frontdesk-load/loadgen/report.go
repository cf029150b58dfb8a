package loadgen

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is what one run measured.
type Report struct {
	Label       string        `json:"label"` // "baseline", "frontdesk (redis)", ...
	Scenario    string        `json:"scenario"`
	Patients    int           `json:"patients"`
	Concurrency int           `json:"concurrency,omitempty"`
	Rate        float64       `json:"rate,omitempty"`
	Warmup      time.Duration `json:"warmup_ns"`
	Duration    time.Duration `json:"duration_ns"`

	Sent            int64         `json:"sent"`
	Acked           int64         `json:"acked"`
	Status          map[int]int64 `json:"status"` // every HTTP answer by code, 200 included
	TransportErrors int64         `json:"transport_errors"`
	Replies         int64         `json:"replies"`
	Turns           int64         `json:"turns"`
	Unanswered      int64         `json:"unanswered"` // acked, and no turn-ending reply by the end
	Stuck           int64         `json:"stuck"`      // of which gave up after the turn timeout
	Stray           int64         `json:"stray"`      // replies that belonged to no turn
	Starved         int64         `json:"starved"`    // open loop: ticks with no free patient
	SinkRefused     int64         `json:"sink_refused"`
	// Connections opened by the load tool to the server and by the
	// server to the fake Twilio: far fewer than messages, or the run
	// measures connection set-up rather than messages.
	WebhookConns int64 `json:"webhook_conns"`
	SinkConns    int64 `json:"sink_conns"`

	Throughput float64 `json:"throughput"` // acks/s in the window
	TurnRate   float64 `json:"turn_rate"`  // completed turns/s started in the window
	Ack        Latency `json:"ack"`
	E2E        Latency `json:"e2e"`
	Server     Memory  `json:"server"`
	// CPU is what the server, Redis and the load tool used over the whole
	// run (warm-up and drain included), to be divided by Acked.
	CPU CPU `json:"cpu"`
	// LoadAvg is the machine's 1-minute load average at the end of the
	// run: well above the core count means other work shared the CPUs.
	LoadAvg float64 `json:"load_avg"`
}

// report assembles the figures of a finished drive.
func (d *driver) report(label string) Report {
	secs := d.load.Duration.Seconds()
	return Report{
		Label: label, Scenario: d.load.Scenario.Name, Patients: d.load.Patients,
		Concurrency: d.load.Concurrency, Rate: d.load.Rate, Warmup: d.load.Warmup, Duration: d.load.Duration,
		Sent: d.sent.Load(), Acked: d.acked.Load(), Status: d.codes.snapshot(), TransportErrors: d.transport.Load(),
		Replies: d.replies.Load(), Turns: d.turns.Load(), Unanswered: d.unanswered(), Stuck: d.stuck.Load(),
		Stray: d.stray.Load(), Starved: d.starved.Load(),
		Throughput: float64(d.ackedInWindow.Load()) / secs, TurnRate: float64(d.turnsInWindow.Load()) / secs,
		Ack: d.ack.summary(), E2E: d.e2e.summary(),
	}
}

// Errors is every answer other than 200 plus transport errors.
func (r Report) Errors() int64 {
	n := r.TransportErrors
	for code, c := range r.Status {
		if code != 200 {
			n += c
		}
	}
	return n
}

// WriteText prints reports side by side, one column each.
func WriteText(w io.Writer, reports ...Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(name string, f func(r Report) string) {
		cells := []string{name}
		for _, r := range reports {
			cells = append(cells, f(r))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	row("", func(r Report) string { return r.Label })
	row("scenario", func(r Report) string { return r.Scenario })
	row("load", func(r Report) string {
		if r.Rate > 0 {
			return fmt.Sprintf("%.0f msg/s open loop", r.Rate)
		}
		return fmt.Sprintf("%d in flight", r.Concurrency)
	})
	row("patients", func(r Report) string { return fmt.Sprint(r.Patients) })
	row("window", func(r Report) string { return fmt.Sprintf("%s after %s", r.Duration, r.Warmup) })
	row("sent", func(r Report) string { return fmt.Sprint(r.Sent) })
	row("acked (200)", func(r Report) string { return fmt.Sprint(r.Acked) })
	row("other answers", func(r Report) string { return statusText(r.Status) })
	row("transport errors", func(r Report) string { return fmt.Sprint(r.TransportErrors) })
	row("replies", func(r Report) string { return fmt.Sprint(r.Replies) })
	row("turns completed", func(r Report) string { return fmt.Sprint(r.Turns) })
	row("unanswered / stuck", func(r Report) string { return fmt.Sprintf("%d / %d", r.Unanswered, r.Stuck) })
	row("stray replies", func(r Report) string { return fmt.Sprint(r.Stray) })
	row("starved ticks", func(r Report) string { return fmt.Sprint(r.Starved) })
	row("connections webhook / twilio", func(r Report) string { return fmt.Sprintf("%d / %d", r.WebhookConns, r.SinkConns) })
	row("throughput (acks/s)", func(r Report) string { return fmt.Sprintf("%.0f", r.Throughput) })
	row("turns/s", func(r Report) string { return fmt.Sprintf("%.0f", r.TurnRate) })
	row("ack p50/p99/p999", func(r Report) string { return latencyText(r.Ack) })
	row("e2e p50/p99/p999", func(r Report) string { return latencyText(r.E2E) })
	row("CPU/msg server·redis·tool", func(r Report) string {
		per := func(d time.Duration) string {
			if r.Acked == 0 {
				return "-"
			}
			return fmt.Sprintf("%.0f", float64(d.Microseconds())/float64(r.Acked))
		}
		return fmt.Sprintf("%s · %s · %s µs", per(r.CPU.Server), per(r.CPU.Redis), per(r.CPU.Tool))
	})
	row("load average (1 min)", func(r Report) string { return fmt.Sprintf("%.2f", r.LoadAvg) })
	row("server VmRSS / VmHWM", func(r Report) string {
		return fmt.Sprintf("%s / %s", mib(r.Server.RSS), mib(r.Server.HWM))
	})
	return tw.Flush()
}

// statusText lists the answers other than 200 by code ("3×503").
func statusText(status map[int]int64) string {
	var parts []string
	codes := make([]int, 0, len(status))
	for c := range status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		if c != 200 {
			parts = append(parts, fmt.Sprintf("%d×%d", status[c], c))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// latencyText prints p50 / p99 / p999, or "-" with no samples.
func latencyText(l Latency) string {
	if l.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%s / %s / %s", ms(l.P50), ms(l.P99), ms(l.P999))
}

// ms prints a duration in milliseconds with two decimals.
func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// mib prints a byte count in MiB.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
