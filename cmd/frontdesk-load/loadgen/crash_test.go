package loadgen

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Crash test settings. The load is closed loop: each patient has one
// message out at a time and waits for its reply, so the replies waiting
// to be sent never exceed one turn per patient (two for an activation),
// whatever the machine's speed. The two senders are set to the highest
// send_rate (1000/s each, config.MaxSendRate), far above what two cores
// reach, so the rate limit never holds a reply back for long and the
// drain and turn deadlines below are generous: after the last kill the
// backlog is at most crashPatients×2 replies, a fraction of a second of
// sending.
const (
	crashPatients = 64
	crashSenders  = 2
	crashSendRate = 1000
	crashKills    = 6
	crashLoadFor  = 18 * time.Second
	// crashTurnTimeout bounds the wait for a turn's last reply, kills and
	// restarts included (a restart takes well under a second).
	crashTurnTimeout = 30 * time.Second
	crashDrain       = 30 * time.Second
	// crashLease is FRONTDESK_OUTBOX_LEASE, the least allowed: a killed
	// process's unsent replies stay leased to it until then, or until
	// its beat lapses (about 34 s), and only then does the restarted
	// process send them (the lease is what keeps two live processes from
	// sending one reply twice). The short lease keeps the test quick;
	// the drain and turn deadlines above leave room for it.
	crashLease = 10 * time.Second
)

// TestCrashRecovery kills the server with SIGKILL several times at random
// moments while patients write, restarts it on the same Redis data, and
// posts every message that got no 200 again with the same MessageSid (as
// Twilio does), and some that got one, too. Afterwards every acknowledged
// message must have been processed exactly once (as many outbox entries in
// the store as its replies), each of its replies must have reached the
// fake Twilio exactly once (none lost, none twice), and every
// conversation must answer one more message from where it was (nothing
// stuck). The kills fall between two sends to the fake Twilio (see
// crashServer.kill for why, and docs/performance.md for the window that
// leaves out). The counts are logged (go test -v, or make test-crash).
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test takes about 40 s")
	}
	redisURL := redisForTest(t)
	bin := buildServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	key, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	target := Target{ServerBin: bin, Store: StoreRedis, RedisURL: redisURL, Prefix: NewPrefix(), EncryptionKey: key,
		Extra: map[string]string{"FRONTDESK_OUTBOX_LEASE": crashLease.String()}}
	hosps := Hospitals(crashSenders)
	var emrCut atomic.Int64
	if target.ConfigPath, err = writeCrashHospitals(t.TempDir(), hosps, crashSendRate, startCrashEMR(t, &emrCut)); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRedis(ctx, redisURL, target.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := r.Cleanup(context.Background()); err != nil {
			t.Errorf("delete the test's redis keys: %v", err)
		}
		r.Close()
	})
	srv := &crashServer{target: target, redis: r}
	load := newCrashLoad(srv, hosps, crashPatients, crashTurnTimeout)
	if srv.sink, err = StartSink(AccountSID, AuthToken, load.onReply); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.sink.Close() })
	srv.sink.Track()
	if err := srv.start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.stop(); err != nil {
			t.Errorf("stop the server: %v", err)
		}
	})

	var intro sync.WaitGroup
	intro.Add(crashPatients)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { defer close(done); load.run(ctx, &intro, stop) }()
	intro.Wait() // registration happens before the kills: see crashLoad
	killErr := killRepeatedly(ctx, srv, crashKills, crashLoadFor)
	close(stop)
	<-done
	if killErr != nil {
		t.Fatalf("kill and restart: %v", killErr)
	}
	if err := quiesce(ctx, r, srv.sink, hosps, crashDrain); err != nil {
		t.Errorf("after the load: %v", err)
	}
	stuck := load.final(ctx)
	if err := quiesce(ctx, r, srv.sink, hosps, crashDrain); err != nil {
		t.Errorf("after the final messages: %v", err)
	}

	entries, pendingLeft, err := r.OutboxByLane(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := lanes(ctx, r, key, crashPatients)
	if err != nil {
		t.Fatal(err)
	}
	res := count(load.patients, entries, ls)
	t.Logf("crash test: %d kills; %d messages, %d needed a retry (%d retries), %d posted again after their 200; %s; stuck %d; "+
		"%d EMR calls and %d sends to Twilio cut by kills; %d outbox entries still pending, %d stray replies",
		srv.kills, load.sent.Load(), load.retried.Load(), load.retries.Load(), load.resent.Load(), res, stuck,
		emrCut.Load(), srv.sink.Held(), pendingLeft, load.stray.Load())

	for i, f := range load.failed() {
		if i == 5 {
			t.Errorf("... and %d more", len(load.failed())-5)
			break
		}
		t.Error(f)
	}
	if srv.kills < 5 {
		t.Errorf("the server was killed %d times, want at least 5", srv.kills)
	}
	if res.lost != 0 {
		t.Errorf("%d replies to acknowledged messages never reached Twilio", res.lost)
	}
	if res.duplicates != 0 || load.stray.Load() != 0 {
		t.Errorf("%d replies reached Twilio twice, %d belonged to no message", res.duplicates, load.stray.Load())
	}
	if res.uncommitted != 0 || res.doubleCommits != 0 || pendingLeft != 0 {
		t.Errorf("outbox entries: %d missing, %d extra (a message processed other than exactly once), %d still pending",
			res.uncommitted, res.doubleCommits, pendingLeft)
	}
	if stuck != 0 {
		t.Errorf("%d conversations did not answer a final message", stuck)
	}
	if srv.sink.Refused() != 0 {
		t.Errorf("the fake Twilio refused %d requests (bad credentials or form)", srv.sink.Refused())
	}
}

// killRepeatedly lets the server run for a random 1.2 to 2.7 s, kills it
// with SIGKILL and restarts it, kills times, then lets it run until loadFor
// has passed since the start.
func killRepeatedly(ctx context.Context, srv *crashServer, kills int, loadFor time.Duration) error {
	end := time.Now().Add(loadFor)
	for range kills {
		wait := 1200*time.Millisecond + rand.N(1500*time.Millisecond)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		if err := srv.kill(ctx); err != nil {
			return err
		}
		if err := srv.start(ctx); err != nil {
			return err
		}
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Until(end)):
	}
	return nil
}
