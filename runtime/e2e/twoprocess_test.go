package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/runtime"
)

// Two processes on one store send for one sender: two replicas, or the
// old and the new process of a rolling deploy. Each reads the sender's
// pending entries when it starts and every rescan, and must not send what
// the other one is sending (docs/actors.md, outbound leases). Only Redis
// can be shared: an embedded store is one file that one process holds,
// so these tests run in the Redis pass (FRONTDESK_E2E_STORE=redis) and
// are skipped on the embedded store.

// heldLog is what an outbound actor logs when another process holds the
// entry at the head of a lane.
const heldLog = `"msg":"entry held by another process; its lane waits"`

// twoProcessOptions: no 24 h window (pushes go as plain text to the fake
// Twilio) and a short rescan, so each process reads the other's entries
// many times while they are in flight.
func twoProcessOptions(extra ...runtime.Option) []runtime.Option {
	return append([]runtime.Option{runtime.WithWindow(0), runtime.WithOutboxLease(0, 200*time.Millisecond)}, extra...)
}

// requireSharedStore skips the test unless the suite runs on Redis.
func requireSharedStore(t *testing.T) {
	t.Helper()
	if !onRedis() {
		t.Skip("two processes share a store only on Redis (the embedded file has one owner); run with FRONTDESK_E2E_STORE=redis")
	}
}

// startPeer starts a second process on h's store (same Redis prefix),
// fake Twilio, fake EMR, hospitals file and clock.
func startPeer(h *harness, opts ...runtime.Option) *harness {
	h.t.Helper()
	p := &harness{
		t: h.t, twilio: h.twilio, emr: h.emr, media: h.media, clock: h.clock,
		dataDir: h.t.TempDir(), logs: &syncBuffer{}, storeEnv: h.storeEnv,
	}
	p.opts = append([]runtime.Option{runtime.WithClock(h.clock.Now), runtime.WithShards(2)}, opts...)
	p.bootWithEnv(h.cfg.ConfigPath, nil)
	h.t.Cleanup(p.stop)
	return p
}

// crash stops h's process the way a kill leaves the store: its sends in
// flight are abandoned unfinished and unmarked, and the store is closed
// under them, so their leases stay until they run out.
func crash(h *harness) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := h.app.Shutdown(ctx)
	require.ErrorIs(h.t, err, context.DeadlineExceeded, "the sends in flight are abandoned")
	require.NoError(h.t, <-h.served)
	h.app = nil
}

// pushTo sends an EMR push for national through h and checks it was taken.
func pushTo(h *harness, national, body string) {
	h.t.Helper()
	a := svcNotify(h, "/api/notifyuserwa", "json", map[string]string{"mobile": national, "message": body})
	require.Equal(h.t, http.StatusOK, a.code, a.raw)
	require.Equal(h.t, "1", a.status, a.raw)
}

// sentCounts counts what the fake Twilio accepted, by recipient and body.
func sentCounts(h *harness) map[string]int {
	out := map[string]int{}
	for _, m := range h.twilio.Messages() {
		out[m.To+" "+m.Body]++
	}
	return out
}

// waitNoPending waits until the sender has no pending entry in the store.
func waitNoPending(t *testing.T, h *harness) {
	t.Helper()
	st, _ := openTestStore(t, h)
	defer st.Close()
	require.True(t, pollUntil(h, 20*time.Second, func() bool {
		es, err := st.Pending(context.Background(), sender, 10)
		return err == nil && len(es) == 0
	}), "every entry ends sent")
}

// TestTwoProcessesSendEachEntryOnce: A sends slowly (Twilio holds every
// request); B starts meanwhile, reads A's entries as pending at start-up
// and at every rescan, and sends none of them; B's own pushes, sent while
// A reads B's entries in turn, go once too. Every message reaches Twilio
// exactly once.
func TestTwoProcessesSendEachEntryOnce(t *testing.T) {
	requireSharedStore(t)
	// Twilio's answers wait for the test; the sends wait longer for them.
	slow := runtime.WithSendTimeout(time.Minute)
	a := start(t, twoProcessOptions(slow)...)
	gate := make(chan struct{})
	var opened sync.Once
	open := func() { opened.Do(func() { close(gate) }) }
	t.Cleanup(open)
	a.twilio.SetOnAccept(func(twiliotest.Sent) { <-gate }) // accepted, answered only when the gate opens

	want := map[string]int{}
	for i := range 8 {
		national := fmt.Sprintf("98113%05d", i)
		body := fmt.Sprintf("lab report %d is ready", i)
		pushTo(a, national, body)
		want["whatsapp:+91"+national+" "+body] = 1
	}
	require.True(t, pollUntil(a, 10*time.Second, func() bool { return len(a.twilio.Messages()) == 8 }),
		"A's sends reach Twilio and hang there, unmarked")

	b := startPeer(a, twoProcessOptions(slow)...)
	t.Cleanup(open) // before the processes stop, whatever happens
	require.True(t, pollUntil(b, 10*time.Second, func() bool { return strings.Count(b.logs.String(), heldLog) >= 16 }),
		"B finds A's entries pending, at start-up and again, and is refused each")
	for i := range 4 {
		national := fmt.Sprintf("98114%05d", i)
		body := fmt.Sprintf("appointment %d confirmed", i)
		pushTo(b, national, body)
		want["whatsapp:+91"+national+" "+body] = 1
	}
	require.True(t, pollUntil(a, 10*time.Second, func() bool { return len(a.twilio.Messages()) == 12 }),
		"B's sends reach Twilio and hang too")
	require.True(t, pollUntil(a, 10*time.Second, func() bool { return strings.Count(a.logs.String(), heldLog) >= 4 }),
		"A's rescans find B's entries and are refused")
	assert.Equal(t, want, sentCounts(a), "while Twilio hangs, each message was sent once")

	open()
	waitNoPending(t, a)
	b.stop()
	a.stop() // nothing is in flight any more: the counts are final
	assert.Equal(t, want, sentCounts(a), "every message reached Twilio exactly once")
}

// blockedTransport takes sends and never finishes them until released:
// a process that dies with these sends in flight has not reached Twilio.
type blockedTransport struct{ release chan struct{} }

func (b blockedTransport) Send(ctx context.Context, _ outbound.Message) (string, error) {
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	return "", errors.New("blocked transport: never sent")
}

// leftBehind has A push six messages (to numbers starting with series,
// bodies from body) while its sends hang, and waits until B has found
// them and been refused each; it returns the sends B must make.
func leftBehind(t *testing.T, a, b *harness, series, body string) map[string]int {
	t.Helper()
	want := map[string]int{}
	for i := range 6 {
		national := fmt.Sprintf("%s%05d", series, i)
		text := fmt.Sprintf(body, i)
		pushTo(a, national, text)
		want["whatsapp:+91"+national+" "+text] = 1
	}
	require.True(t, pollUntil(b, 10*time.Second, func() bool { return strings.Count(b.logs.String(), heldLog) >= 6 }),
		"B finds A's entries and is refused them")
	return want
}

// takenOver waits until B has sent everything A left, once each.
func takenOver(t *testing.T, b *harness, want map[string]int, within time.Duration) {
	t.Helper()
	require.True(t, pollUntil(b, within, func() bool { return len(b.twilio.Messages()) >= len(want) }),
		"B takes over every entry A left")
	waitNoPending(t, b)
	b.stop() // nothing is in flight any more: the counts are final
	assert.Equal(t, want, sentCounts(b), "each message A left reached Twilio exactly once")
}

// TestDeadProcessEntriesTakenOverOnce: A commits pushes and dies before
// any send finishes. B, running alongside, leaves them alone while A's
// leases are live and sends each exactly once after they run out.
func TestDeadProcessEntriesTakenOverOnce(t *testing.T) {
	requireSharedStore(t)
	blocked := blockedTransport{release: make(chan struct{})}
	t.Cleanup(func() { close(blocked.release) })
	a := start(t, twoProcessOptions(runtime.WithTransport(blocked))...)
	b := startPeer(a, twoProcessOptions()...)

	want := leftBehind(t, a, b, "98115", "medicine reminder %d")
	crash(a)
	before := strings.Count(b.logs.String(), heldLog)
	require.True(t, pollUntil(b, 10*time.Second, func() bool { return strings.Count(b.logs.String(), heldLog) >= before+6 }),
		"after the crash, A's leases still hold")
	assert.Empty(t, a.twilio.Messages(), "nothing is sent while A's leases are live")

	a.clock.Advance(outbound.DefaultLease) // A's leases run out
	takenOver(t, b, want, 10*time.Second)
}

// TestKilledProcessEntriesTakenOverWhenItsBeatLapses: as above, but A
// beats with a short time to live (on Redis a process's lease holder
// beats; docs/storage.md): once A is dead its beat lapses and B sends
// what A left within about that time, with no lease run out (the clock
// stands still), each message exactly once. A's attempts last 5.1 s
// (a 100 ms send, then the store updates), so its beat lives 10 s: long
// enough for A to start sends, which hang until it dies.
func TestKilledProcessEntriesTakenOverWhenItsBeatLapses(t *testing.T) {
	requireSharedStore(t)
	blocked := blockedTransport{release: make(chan struct{})}
	t.Cleanup(func() { close(blocked.release) })
	a := start(t, twoProcessOptions(runtime.WithTransport(blocked), runtime.WithSendTimeout(100*time.Millisecond),
		runtime.WithBeatTTL(10*time.Second))...)
	b := startPeer(a, twoProcessOptions()...)

	want := leftBehind(t, a, b, "98116", "lab report %d ready")
	crash(a)
	takenOver(t, b, want, 20*time.Second) // the clock stands still: no lease runs out
}
