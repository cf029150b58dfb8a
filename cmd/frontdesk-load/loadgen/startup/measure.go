package startup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk-health/frontdesk/cmd/frontdesk-load/loadgen"
)

// Config is one start-up measurement.
type Config struct {
	Target        loadgen.Target // Redis; the prefix and key are made here
	Conversations int
	Writers       int // goroutines seeding
	Runs          int // starts measured with the conversations stored (and as many with none)
}

// DefaultConfig is the measurement with no flags.
func DefaultConfig() Config {
	return Config{Conversations: 1000000, Writers: 512, Runs: 3}
}

// Report is what the measurement found.
type Report struct {
	Conversations int             `json:"conversations"`
	SeedTime      time.Duration   `json:"seed_ns"`
	Stored        int             `json:"snapshots_stored"`
	RedisPerConv  float64         `json:"redis_bytes_per_conversation"` // used_memory growth / conversations
	Ready         []time.Duration `json:"ready_ns"`                     // exec to /readyz 200, with the conversations stored
	ReadyEmpty    []time.Duration `json:"ready_empty_ns"`               // the same with nothing stored
	Resumed       int             `json:"resumed"`                      // seeded conversations checked to answer from their state
}

// Measure seeds the conversations, then starts the server Runs times on
// them (and Runs times on an empty prefix), checking after each start that
// seeded conversations answer from their stored state. Every key is
// deleted at the end.
func Measure(ctx context.Context, cfg Config, log *slog.Logger) (rep Report, err error) {
	t := cfg.Target
	t.Store = loadgen.StoreRedis
	if t.EncryptionKey, err = loadgen.NewKey(); err != nil {
		return rep, err
	}
	t.Prefix = loadgen.NewPrefix()
	r, err := loadgen.OpenRedis(ctx, t.RedisURL, t.Prefix)
	if err != nil {
		return rep, err
	}
	defer func() {
		log.Info("deleting the seeded keys")
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		_, cerr := r.Cleanup(cctx)
		err = errors.Join(err, cerr, r.Close())
	}()
	rep.Conversations = cfg.Conversations
	usedBefore, err := usedMemory(ctx, r)
	if err != nil {
		return rep, err
	}
	s, err := newSeeder(ctx, t)
	if err != nil {
		return rep, err
	}
	log.Info("seeding conversations", "count", cfg.Conversations, "writers", cfg.Writers)
	begin := time.Now()
	err = s.seed(ctx, cfg.Conversations, cfg.Writers)
	rep.SeedTime = time.Since(begin)
	err = errors.Join(err, s.Close())
	if err != nil {
		return rep, err
	}
	usedAfter, err := usedMemory(ctx, r)
	if err != nil {
		return rep, err
	}
	rep.RedisPerConv = float64(usedAfter-usedBefore) / float64(cfg.Conversations)
	if rep.Stored, err = r.CountKeys(ctx, "s:*"); err != nil {
		return rep, err
	}
	log.Info("seeded", "took", rep.SeedTime.Round(time.Millisecond), "stored", rep.Stored)
	for run := range cfg.Runs {
		d, err := startOnce(ctx, t, cfg.Conversations, run)
		if err != nil {
			return rep, err
		}
		rep.Ready = append(rep.Ready, d)
		rep.Resumed += 2
		empty := t
		empty.Prefix = loadgen.NewPrefix()
		d, err = startEmpty(ctx, empty)
		if err != nil {
			return rep, err
		}
		rep.ReadyEmpty = append(rep.ReadyEmpty, d)
	}
	return rep, nil
}

// startOnce starts the server on the seeded data, times it to ready, and
// checks that two seeded conversations answer "menu" from their stored
// state (the main menu) rather than as strangers ("how to start").
func startOnce(ctx context.Context, t loadgen.Target, n, run int) (time.Duration, error) {
	replies := &menuReplies{seen: map[string]string{}}
	p, addr, closeSink, err := launch(ctx, t, replies.add)
	if err != nil {
		return 0, err
	}
	defer closeSink()
	ready := p.Ready.Sub(p.Started)
	poster := loadgen.NewPoster(2)
	for _, i := range []int{run, n - 1 - run} {
		sid := randomSid()
		code, err := poster.Post(ctx, "http://"+addr, loadgen.Form(sid, loadgen.Phone(i), "menu"))
		if err == nil && code != 200 {
			err = fmt.Errorf("webhook answered %d", code)
		}
		if err == nil {
			err = replies.wait(ctx, loadgen.Phone(i), 10*time.Second)
		}
		if err != nil {
			_ = p.Kill()
			return 0, fmt.Errorf("check a seeded conversation: %w; the server's output ends with:\n%s", err, p.Output())
		}
	}
	return ready, p.Stop(time.Minute)
}

// startEmpty times a start with nothing stored, for comparison, and
// deletes the few keys the server made.
func startEmpty(ctx context.Context, t loadgen.Target) (time.Duration, error) {
	p, _, closeSink, err := launch(ctx, t, nil)
	if err != nil {
		return 0, err
	}
	defer closeSink()
	ready := p.Ready.Sub(p.Started)
	err = p.Stop(time.Minute)
	if r, rerr := loadgen.OpenRedis(ctx, t.RedisURL, t.Prefix); rerr == nil {
		_, cerr := r.Cleanup(ctx)
		err = errors.Join(err, cerr, r.Close())
	}
	return ready, err
}

// randomSid is a MessageSid no seeded conversation has seen.
func randomSid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "SM" + hex.EncodeToString(b)
}

// menuReplies keeps the last reply to each number.
type menuReplies struct {
	mu   sync.Mutex
	seen map[string]string
}

// add is the sink's hook.
func (m *menuReplies) add(r loadgen.Reply) {
	m.mu.Lock()
	m.seen[strings.TrimPrefix(r.To, "whatsapp:")] = r.Body
	m.mu.Unlock()
}

// wait waits for a reply to phone and checks it is the main menu.
func (m *menuReplies) wait(ctx context.Context, phone string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		m.mu.Lock()
		body, ok := m.seen[phone]
		m.mu.Unlock()
		if ok {
			if !strings.Contains(body, "*Main menu*") {
				return errors.New("the conversation did not answer from its stored state (no main menu)")
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no reply in %s", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// usedMemory is Redis's used_memory.
func usedMemory(ctx context.Context, r *loadgen.Redis) (int64, error) {
	info, err := r.Client.Info(ctx, "memory").Result()
	if err != nil {
		return 0, fmt.Errorf("read redis memory: %w", err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, errors.New("read redis memory: no used_memory")
}

// WriteText prints the report.
func (r Report) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, `start-up with %d conversations stored in Redis (%d snapshots; seeded in %s, %.0f B of Redis memory each)
  exec to /readyz 200, conversations stored: %s
  exec to /readyz 200, nothing stored:       %s
  seeded conversations that answered from their stored state: %d
`, r.Conversations, r.Stored, r.SeedTime.Round(time.Millisecond), r.RedisPerConv, durations(r.Ready), durations(r.ReadyEmpty), r.Resumed)
	return err
}

// durations prints ds rounded to 0.1 ms, comma-separated.
func durations(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.Round(100 * time.Microsecond).String()
	}
	return strings.Join(parts, ", ")
}

// launch starts a fake Twilio (replies to onReply) and the server of t
// sending to it, on a free loopback address; closeSink stops the fake.
func launch(ctx context.Context, t loadgen.Target, onReply func(loadgen.Reply)) (p *loadgen.Process, addr string, closeSink func(), err error) {
	sink, err := loadgen.StartSink(loadgen.AccountSID, loadgen.AuthToken, onReply)
	if err != nil {
		return nil, "", nil, err
	}
	closeSink = func() { _ = sink.Close() }
	if addr, err = loadgen.FreeAddr(); err == nil {
		p, err = loadgen.Start(ctx, t.Spec(addr, sink.URL()))
	}
	if err != nil {
		closeSink()
		return nil, "", nil, err
	}
	return p, addr, closeSink, nil
}
