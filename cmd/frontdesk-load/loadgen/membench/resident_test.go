package membench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	goruntime "runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk-health/frontdesk/cmd/frontdesk-load/loadgen"
	"github.com/frontdesk-health/frontdesk/http/webhook"
	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// BenchmarkResidentConversations makes b.N conversations resident in one
// in-process product on Redis (each patient sends "hi demo", which leaves
// the conversation at the registration's first question after one demo
// EMR call) and reports the live heap each adds: B/conv and objects/conv.
// Run it with a fixed count, e.g.
//
//	go test -run='^$' -bench=Resident -benchtime=100000x ./cmd/frontdesk-load/loadgen/membench/
//
// With MEMBENCH_HEAPPROFILE=mem.out it writes a heap profile (an
// allocation sampled every 512 bytes on average, against Go's default of
// 512 KiB) while the conversations are resident, to see where the bytes
// are: go tool pprof -sample_index=inuse_space -top mem.out.
// Set MEMBENCH_STORE=embedded for the embedded store.
func BenchmarkResidentConversations(b *testing.B) {
	profile := os.Getenv("MEMBENCH_HEAPPROFILE")
	if profile != "" {
		goruntime.MemProfileRate = 512
	}
	sink, replies := startSink(b)
	hosps := loadgen.Hospitals(senders)
	app, base := startApp(b, sink.URL(), hosps)
	h := app.Handler()
	const warm = 500
	send(b, h, base, hosps, 1_000_000, 1_000_000+warm)
	waitReplies(b, replies, 2*warm)

	before := liveHeap()
	b.ResetTimer()
	send(b, h, base, hosps, 0, b.N)
	waitReplies(b, replies, int64(2*(warm+b.N)))
	b.StopTimer()
	after := liveHeap()
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(b.N), "B/conv")
	b.ReportMetric(float64(after.HeapObjects-before.HeapObjects)/float64(b.N), "objects/conv")
	b.ReportMetric(0, "ns/op") // the time is the replies', not a figure to read
	if profile != "" {
		writeHeapProfile(b, profile)
	}
}

// writeHeapProfile writes the heap profile as of the last collection.
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// liveHeap collects twice (finalisers, sweep) and reads the heap.
func liveHeap() goruntime.MemStats {
	goruntime.GC()
	goruntime.GC()
	var m goruntime.MemStats
	goruntime.ReadMemStats(&m)
	return m
}

// startSink starts a fake Twilio counting the replies.
func startSink(b *testing.B) (*loadgen.Sink, *atomic.Int64) {
	var n atomic.Int64
	sink, err := loadgen.StartSink(loadgen.AccountSID, loadgen.AuthToken, func(loadgen.Reply) { n.Add(1) })
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sink.Close() })
	return sink, &n
}

// senders and sendRate: the load tool's defaults, so that WhatsApp's
// per-sender limit (80/s by default) does not make filling take an hour.
const (
	senders  = 16
	sendRate = 1000
)

// startApp wires the product in-process with actors kept resident, serving
// hosps.
func startApp(b *testing.B, sinkURL string, hosps []loadgen.Hospital) (*runtime.App, string) {
	key, err := loadgen.NewKey()
	if err != nil {
		b.Fatal(err)
	}
	const base = "http://frontdesk.membench"
	hospitalsFile, err := loadgen.WriteHospitals(b.TempDir(), hosps, sendRate)
	if err != nil {
		b.Fatal(err)
	}
	env := map[string]string{
		"FRONTDESK_CONFIG":     hospitalsFile,
		"FRONTDESK_PUBLIC_URL": base, "FRONTDESK_ENCRYPTION_KEY": key, "FRONTDESK_PASSIVATE_AFTER": "1h",
		"TWILIO_ACCOUNT_SID": loadgen.AccountSID, "TWILIO_AUTH_TOKEN": loadgen.AuthToken, "TWILIO_API_BASE_URL": sinkURL,
	}
	if os.Getenv("MEMBENCH_STORE") == "embedded" {
		env["FRONTDESK_DATA_DIR"] = b.TempDir()
	} else {
		prefix := loadgen.NewPrefix()
		env["REDIS_URL"], env["FRONTDESK_REDIS_PREFIX"] = loadgen.DefaultRedisURL, prefix
		b.Cleanup(func() {
			if r, err := loadgen.OpenRedis(context.Background(), loadgen.DefaultRedisURL, prefix); err == nil {
				_, _ = r.Cleanup(context.Background())
				r.Close()
			}
		})
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		b.Fatal(err)
	}
	app, err := runtime.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = app.Shutdown(ctx)
	})
	return app, base
}

// send posts "hi <code>" from patients [from, to), patient i to hosps[i%n],
// 64 at a time.
func send(b *testing.B, h http.Handler, base string, hosps []loadgen.Hospital, from, to int) {
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < to; i = int(next.Add(1) - 1) {
				hosp := hosps[i%len(hosps)]
				f := loadgen.Form(fmt.Sprintf("SM%032x", i+1), loadgen.Phone(i), "hi "+hosp.Code)
				f.Set("To", hosp.Sender)
				req := httptest.NewRequest(http.MethodPost, "/twilio/messages", strings.NewReader(f.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Twilio-Signature", webhook.Sign(loadgen.AuthToken, base+"/twilio/messages", url.Values(f)))
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Errorf("webhook answered %d", rec.Code)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// waitReplies waits until n replies reached the sink.
func waitReplies(b *testing.B, replies *atomic.Int64, n int64) {
	deadline := time.Now().Add(10 * time.Minute)
	for replies.Load() < n {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d replies", replies.Load(), n)
		}
		<-time.After(10 * time.Millisecond)
	}
}
