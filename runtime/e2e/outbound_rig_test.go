package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
	"github.com/frontdesk-health/frontdesk/runtime"
)

// Reliable outbound end to end: the rate limit, retries, the 24-hour
// window and its templates, and delivery statuses, through the real
// process, its Twilio client and store, against the fake Twilio.

const (
	pushSID    = "HX0123456789abcdef0123456789abcdef"
	sendRateE2 = 20
)

// outboundYAML adds a send rate to every hospital and a push template to
// abc only (the demo hospital has none). {{1}} is the hospital's name,
// {{2}} the pushed text.
func outboundYAML(t *testing.T) string {
	t.Helper()
	y := hospitalsYAML
	rate := fmt.Sprintf("    country_code: \"91\"\n    send_rate: %d\n", sendRateE2)
	require.Equal(t, 3, strings.Count(y, "    country_code: \"91\"\n"), "the harness's hospitals changed shape")
	y = strings.ReplaceAll(y, "    country_code: \"91\"\n", rate)
	abcKeys := "    api_keys_sha256: [\"%[2]s\"]\n"
	require.Contains(t, y, abcKeys)
	return strings.Replace(y, abcKeys, abcKeys+"    templates:\n      push: {sid: "+pushSID+", variables: [hospital, body]}\n", 1)
}

// outboxTap records every outbox entry the process commits or enqueues,
// so a test can check how each one ended in the store.
type outboxTap struct {
	persistence.Store
	mu      sync.Mutex
	entries []persistence.OutboxEntry
}

func (s *outboxTap) Commit(ctx context.Context, c persistence.Commit) error {
	err := s.Store.Commit(ctx, c)
	if err == nil {
		s.add(c.Outbox)
	}
	return err
}

func (s *outboxTap) Enqueue(ctx context.Context, es ...persistence.OutboxEntry) error {
	err := s.Store.Enqueue(ctx, es...)
	if err == nil {
		s.add(es)
	}
	return err
}

func (s *outboxTap) add(es []persistence.OutboxEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries = append(s.entries, es...)
}

func (s *outboxTap) all() []persistence.OutboxEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]persistence.OutboxEntry(nil), s.entries...)
}

// settled waits until no entry the process made is pending and returns
// them as stored.
func (s *outboxTap) settled(t *testing.T, h *harness, timeout time.Duration) []persistence.OutboxEntry {
	t.Helper()
	var out []persistence.OutboxEntry
	pending := 0
	deadline := time.Now().Add(timeout)
	for {
		out, pending = out[:0], 0
		for _, e := range s.all() {
			got, err := s.Entry(context.Background(), e.Sender, e.ID)
			require.NoError(t, err)
			if got.State == persistence.OutboxPending {
				pending++
			}
			out = append(out, got)
		}
		// The store is marked by the sending goroutine; the outbound actor
		// counts the outcome (metrics) when the result reaches it.
		if pending == 0 && metric(t, h, `frontdesk_outbox_pending{sender="`+sender+`"}`) == 0 {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d outbox entries still pending after %s", pending, len(out), timeout)
		}
		<-time.After(20 * time.Millisecond)
	}
}

// startOutbound runs a process with outboundYAML and a tap on its store.
func startOutbound(t *testing.T, opts ...runtime.Option) (*harness, *outboxTap) {
	t.Helper()
	tap := &outboxTap{}
	wrap := runtime.WithStoreWrap(func(st persistence.Store) persistence.Store { tap.Store = st; return tap })
	h := &harness{
		t:       t,
		twilio:  twiliotest.NewServer(t, accountSID, authToken),
		emr:     restapitest.NewServer(t),
		clock:   storetest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)),
		dataDir: t.TempDir(),
		logs:    &syncBuffer{},
	}
	h.storeEnv = e2eStoreEnv(t)
	path := filepath.Join(h.dataDir, "hospitals.yaml")
	require.NoError(t, os.WriteFile(path, []byte(h.hospitalsFile(outboundYAML(t))), 0o600))
	h.opts = append([]runtime.Option{runtime.WithClock(h.clock.Now), runtime.WithShards(2), wrap}, opts...)
	h.bootWithEnv(path, nil)
	t.Cleanup(h.stop)
	return h, tap
}

// push sends message to the national number through /api/notifyuserwa
// as the hospital the key belongs to.
func push(t *testing.T, h *harness, key, national, message string) {
	t.Helper()
	body := fmt.Sprintf(`{"mobile":%q,"message":%q}`, national, message)
	req, err := http.NewRequest(http.MethodPost, h.base+"/api/notifyuserwa", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "push to %s", national)
}

// greet has a new patient activate code (her 24-hour window opens) and
// returns how many messages she got: the welcome and the first
// registration question.
func greet(h *harness, phone, code string) int {
	h.t.Helper()
	h.say(phone, "hi "+code, "*full name*")
	return len(sentTo(h, phone))
}

// sentTo lists what the fake Twilio accepted for phone: bodies, or the
// template SID and its variables.
func sentTo(h *harness, phone string) []string {
	var out []string
	for _, m := range h.twilio.MessagesTo("whatsapp:" + phone) {
		if m.ContentSID != "" {
			out = append(out, m.ContentSID+" "+m.ContentVariables)
			continue
		}
		out = append(out, m.Body)
	}
	return out
}

// metric reads one series from /metrics, 0 when absent.
func metric(t *testing.T, h *harness, series string) float64 {
	t.Helper()
	res, err := http.Get(h.base + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err)
			return f
		}
	}
	return 0
}
