package loadgen

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// postReply posts one message to the sink at base as the server would.
func postReply(t *testing.T, ctx context.Context, base, to string) int {
	t.Helper()
	form := url.Values{"From": {Sender}, "To": {to}, "Body": {"hi"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/2010-04-01/Accounts/"+AccountSID+"/Messages.json",
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(AccountSID, AuthToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestSinkPauseAndDoors checks what the crash test relies on: a paused
// sink records nothing until Resume and then refuses what it held, a shut
// door refuses without recording, and Accepted lists each accepted
// message once.
func TestSinkPauseAndDoors(t *testing.T) {
	var seen atomic.Int64
	s, err := StartSink(AccountSID, AuthToken, func(Reply) { seen.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Track()
	ctx := context.Background()
	door1, n1 := s.OpenDoor()
	if code := postReply(t, ctx, door1, "whatsapp:+917000000001"); code != http.StatusCreated {
		t.Fatalf("open door: got %d, want 201", code)
	}
	if got := s.Accepted(); len(got) != 1 {
		t.Fatalf("Accepted after one message: %d SIDs, want 1", len(got))
	}

	accepted := s.Pause()
	if len(accepted) != 0 {
		t.Fatalf("Pause right after Accepted: %d SIDs, want 0", len(accepted))
	}
	held := make(chan int, 1)
	go func() { held <- postReply(t, ctx, door1, "whatsapp:+917000000002") }()
	deadline := time.Now().Add(5 * time.Second)
	for s.holding.Load() == 0 && time.Now().Before(deadline) {
		select {
		case <-time.After(5 * time.Millisecond):
		case code := <-held:
			t.Fatalf("paused sink answered %d", code)
		}
	}
	if len(held) != 0 || s.Replies() != 1 {
		t.Fatalf("paused sink answered or recorded a message (replies %d)", s.Replies())
	}
	s.ShutDoor(n1)
	s.Resume()
	if code := <-held; code != http.StatusServiceUnavailable {
		t.Fatalf("held message after Resume: got %d, want 503", code)
	}
	if code := postReply(t, ctx, door1, "whatsapp:+917000000003"); code != http.StatusServiceUnavailable {
		t.Fatalf("shut door: got %d, want 503", code)
	}
	door2, _ := s.OpenDoor()
	if code := postReply(t, ctx, door2, "whatsapp:+917000000004"); code != http.StatusCreated {
		t.Fatalf("new door: got %d, want 201", code)
	}
	if seen.Load() != 2 || s.Replies() != 2 || s.Held() != 2 {
		t.Fatalf("recorded %d (hook %d), held %d; want 2 recorded, 2 held", s.Replies(), seen.Load(), s.Held())
	}
	if got := s.Accepted(); len(got) != 1 {
		t.Fatalf("Accepted after the new door's message: %d SIDs, want 1", len(got))
	}
}
