package runtime_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// loadRecorder is the measurement's fake Twilio transport and the
// reminder actor's observer: it keeps, per reminder, when it was fired
// and when its message arrived.
type loadRecorder struct {
	n       int
	mu      sync.Mutex
	fires   map[string][]time.Duration // reminder id -> lateness of each "sent" firing
	byDue   map[int64]time.Duration    // worst firing lateness per second of due time
	results map[string]int             // firings by result
	arrived map[string][]time.Time     // phone -> arrival times
	sends   int
}

func newLoadRecorder(n int) *loadRecorder {
	return &loadRecorder{n: n, fires: make(map[string][]time.Duration, n), byDue: map[int64]time.Duration{},
		results: map[string]int{}, arrived: make(map[string][]time.Time, n)}
}

// fired is the reminder actor's observer.
func (r *loadRecorder) fired(rem persistence.Reminder, result string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results[result]++
	if result == "sent" {
		r.fires[rem.ID] = append(r.fires[rem.ID], at.Sub(rem.Due))
		sec := rem.Due.Unix()
		r.byDue[sec] = max(r.byDue[sec], at.Sub(rem.Due))
	}
}

// Send is the transport: Twilio answering at once.
func (r *loadRecorder) Send(_ context.Context, m outbound.Message) (string, error) {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.arrived[m.To] = append(r.arrived[m.To], now)
	r.sends++
	return fmt.Sprintf("SM%032x", r.sends), nil
}

// allFired reports whether every reminder was fired.
func (r *loadRecorder) allFired() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.fires) >= r.n
}

// loadReport is the measurement's outcome.
type loadReport struct {
	n                   int
	fire, arrive        []time.Duration
	results             map[string]int
	duplicates, lost    int
	delivered, firedIDs int
	stored              map[string]int
	timeline            []time.Duration // worst firing lateness per second of the span
}

func (r *loadRecorder) report(due func(int) time.Time, stored map[string]int) loadReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := loadReport{n: r.n, results: r.results, stored: stored, firedIDs: len(r.fires), delivered: len(r.arrived)}
	secs := make([]int64, 0, len(r.byDue))
	for s := range r.byDue {
		secs = append(secs, s)
	}
	slices.Sort(secs)
	for _, s := range secs {
		rep.timeline = append(rep.timeline, r.byDue[s])
	}
	for _, ls := range r.fires {
		rep.fire = append(rep.fire, ls[0])
		rep.duplicates += len(ls) - 1
	}
	for i := range r.n {
		ts := r.arrived[loadPhone(i)]
		if len(ts) == 0 {
			continue
		}
		rep.arrive = append(rep.arrive, ts[0].Sub(due(i)))
		rep.duplicates += len(ts) - 1
	}
	rep.lost = r.n - len(r.fires)
	if d := stored["fired=1"]; d != r.n {
		rep.lost = max(rep.lost, r.n-d)
	}
	rep.duplicates += stored["fired=2"] + stored["fired=3"]
	return rep
}

// String is the report as the lines docs/performance.md quotes.
func (rep loadReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "reminders: %d scheduled, %d fired (sent), %d delivered to the transport; duplicates %d, lost %d\n",
		rep.n, rep.firedIDs, rep.delivered, rep.duplicates, rep.lost)
	fmt.Fprintf(&b, "firing results: %v; store: %v\n", rep.results, rep.stored)
	fmt.Fprintf(&b, "lateness at FireReminder:  %s\n", percentiles(rep.fire))
	fmt.Fprintf(&b, "lateness at the transport: %s\n", percentiles(rep.arrive))
	b.WriteString("worst firing lateness per second of due time (ms):")
	for _, d := range rep.timeline {
		fmt.Fprintf(&b, " %d", d.Milliseconds())
	}
	b.WriteString("\n")
	return b.String()
}

func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	late := 0
	for _, d := range s {
		if d > time.Second {
			late++
		}
	}
	return fmt.Sprintf("p50 %v, p90 %v, p99 %v, p99.9 %v, max %v; over 1 s: %d of %d",
		at(.5).Round(time.Microsecond*100), at(.9).Round(time.Microsecond*100), at(.99).Round(time.Microsecond*100),
		at(.999).Round(time.Microsecond*100), s[len(s)-1].Round(time.Millisecond), late, len(s))
}
