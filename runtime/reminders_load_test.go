package runtime_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/persistence"
	redisstore "github.com/frontdesk-health/frontdesk/persistence/redis"
	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// The reminder lateness measurement (make load-reminders; figures in
// docs/performance.md). It runs only with FRONTDESK_LOAD_REMINDERS set to
// the number of reminders:
//
//	FRONTDESK_LOAD_REMINDERS=100000 go test -run '^TestReminderLoad$' -v -timeout 30m ./runtime/
//
// The whole process (runtime.New) runs on Redis (REDIS_URL, else
// 127.0.0.1:6379, under a fresh key prefix deleted afterwards) with two
// hospitals on two senders at FRONTDESK_LOAD_REMINDERS_SEND_RATE
// messages/s each (default 80, the product's default). The reminders are
// scheduled through the process's Scheduler, due evenly over
// FRONTDESK_LOAD_REMINDERS_SPAN (default 60s) starting
// FRONTDESK_LOAD_REMINDERS_LEAD (default 30s) after the scheduling
// starts; half-way through the span the process shuts down gracefully
// and a new one starts on the same Redis. Lateness is measured when the
// firing's FireReminder has returned (the reminder and its outbox entry
// are committed), and again when the message reaches the fake Twilio
// transport (that one includes the send rate limit and the 24-hour-window
// check). Duplicates and lost reminders are counted from the firings, the
// transport and the store. The run ends once every reminder has fired;
// what the senders have not sent by then (they send far slower than the
// reminders fall due, by design) stays in the outbox and is not waited for.
func TestReminderLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("FRONTDESK_LOAD_REMINDERS"))
	if n <= 0 {
		t.Skip("set FRONTDESK_LOAD_REMINDERS=<count> to measure reminder lateness (make load-reminders)")
	}
	span := envDuration(t, "FRONTDESK_LOAD_REMINDERS_SPAN", time.Minute)
	lead := envDuration(t, "FRONTDESK_LOAD_REMINDERS_LEAD", 30*time.Second)
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	prefix := loadPrefix(t, url)
	rate := 80
	if v := os.Getenv("FRONTDESK_LOAD_REMINDERS_SEND_RATE"); v != "" {
		rate, _ = strconv.Atoi(v)
	}
	cfg := loadConfig(t, url, prefix, rate)
	rec := newLoadRecorder(n)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts := []runtime.Option{runtime.WithTransport(rec), runtime.WithReminderObserver(rec.fired)}
	app, err := runtime.New(cfg, log, opts...)
	require.NoError(t, err)

	begin := time.Now()
	t0 := begin.Add(lead)
	due := func(i int) time.Time { return t0.Add(time.Duration(int64(span) * int64(i) / int64(n))) }
	scheduleAll(t, app, cfg, n, due)
	scheduled := time.Since(begin)
	require.True(t, time.Now().Before(t0), "scheduling took %v, longer than the lead: raise FRONTDESK_LOAD_REMINDERS_LEAD", scheduled)
	t.Logf("scheduled %d reminders in %v (%.0f/s)", n, scheduled.Round(time.Millisecond), float64(n)/scheduled.Seconds())

	<-time.After(time.Until(t0.Add(span / 2))) // the restart is at a set wall time
	down := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	require.NoError(t, app.Shutdown(ctx))
	cancel()
	app, err = runtime.New(cfg, log, opts...)
	require.NoError(t, err)
	downtime := time.Since(down)
	t.Logf("restarted at %v into the span: %v without a process", down.Sub(t0).Round(time.Millisecond), downtime.Round(time.Millisecond))

	deadline := t0.Add(span + 5*time.Minute)
	for !rec.allFired() && time.Now().Before(deadline) {
		<-time.After(100 * time.Millisecond) // polling with a deadline
	}
	ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
	require.NoError(t, app.Shutdown(ctx))
	cancel()

	stored := storedStates(t, url, prefix, cfg)
	rep := rec.report(due, stored)
	t.Log("\n" + rep.String())
	require.Zero(t, rep.duplicates, "reminders fired or delivered twice")
	require.Zero(t, rep.lost, "reminders never fired")
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	require.NoError(t, err, name)
	return d
}

// loadPrefix is a fresh Redis key prefix, deleted when the test ends.
func loadPrefix(t *testing.T, url string) string {
	t.Helper()
	opts, err := redis.ParseURL(url)
	require.NoError(t, err)
	c := redis.NewClient(opts)
	require.NoError(t, c.Ping(context.Background()).Err(), "no Redis at %s (set REDIS_URL)", url)
	b := make([]byte, 6)
	rand.Read(b)
	prefix := "fdload:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		defer c.Close()
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 5000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			if keys = append(keys, iter.Val()); len(keys) == 5000 {
				c.Unlink(ctx, keys...)
				keys = keys[:0]
			}
		}
		if len(keys) > 0 {
			c.Unlink(ctx, keys...)
		}
	})
	return prefix
}

// loadHospitals: two hospitals on two senders at a send rate (%[1]d),
// with a template for reminders (the patients never wrote, so every
// reminder is outside WhatsApp's 24-hour window).
const loadHospitals = `hospitals:
  - code: load-a
    name: Load A
    helpline: "+919800000000"
    sender: "whatsapp:+14155550001"
    country_code: "91"
    send_rate: %[1]d
    templates: {reminder: {sid: HX0123456789abcdef0123456789abcdef, variables: [body]}}
    emr: {kind: demo}
  - code: load-b
    name: Load B
    helpline: "+919800000000"
    sender: "whatsapp:+14155550002"
    country_code: "91"
    send_rate: %[1]d
    templates: {reminder: {sid: HX0123456789abcdef0123456789abcdef, variables: [body]}}
    emr: {kind: demo}
`

func loadConfig(t *testing.T, url, prefix string, rate int) config.Config {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "hospitals.yaml")
	require.NoError(t, os.WriteFile(path, []byte(fmt.Sprintf(loadHospitals, rate)), 0o600))
	key := make([]byte, 32)
	rand.Read(key)
	env := map[string]string{
		"FRONTDESK_CONFIG": path, "FRONTDESK_DATA_DIR": dir, "REDIS_URL": url, "FRONTDESK_REDIS_PREFIX": prefix,
		"FRONTDESK_ENCRYPTION_KEY": base64.StdEncoding.EncodeToString(key),
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	require.NoError(t, err)
	return cfg
}

// loadPhone is reminder i's patient: one patient per reminder, so the
// transport tells reminders apart by recipient.
func loadPhone(i int) string { return fmt.Sprintf("+9170%08d", i) }

// scheduleAll schedules n reminders through the process's Scheduler, 64
// at a time, alternating the hospitals.
func scheduleAll(t *testing.T, app *runtime.App, cfg config.Config, n int, due func(int) time.Time) {
	t.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	next := make(chan int)
	errs := make(chan error, 64)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				at := due(i)
				_, err := app.Reminders().Schedule(ctx, &cfg.Hospitals[i%2], reminder.Spec{
					Kind: reminder.KindFollowUp, Phone: loadPhone(i), At: &at,
					Variables: map[string]string{"patient_name": "Load", "when": "tomorrow"},
				})
				if err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatalf("schedule: %v", err)
	default:
	}
}

// storedStates counts the stored reminders by state and by Fired.
func storedStates(t *testing.T, url, prefix string, cfg config.Config) map[string]int {
	t.Helper()
	ctx := context.Background()
	st, err := redisstore.Open(ctx, redisstore.Options{URL: url, Prefix: prefix})
	require.NoError(t, err)
	defer st.Close()
	out := map[string]int{}
	for _, h := range cfg.Hospitals {
		for cursor := ""; ; {
			rs, next, err := st.ListReminders(ctx, persistence.ReminderQuery{Hospital: h.Code, Cursor: cursor, Limit: 1000})
			require.NoError(t, err)
			for _, r := range rs {
				out[string(r.State)]++
				out[fmt.Sprintf("fired=%d", r.Fired)]++
			}
			if cursor = next; next == "" {
				break
			}
		}
	}
	return out
}
