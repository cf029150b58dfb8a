package outbound

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// readOnce signals when the actor's first read of its pending entries
// has returned.
type readOnce struct {
	persistence.Outbox
	once sync.Once
	done chan struct{}
}

func (o *readOnce) Pending(ctx context.Context, sender string, limit int) ([]persistence.OutboxEntry, error) {
	es, err := o.Outbox.Pending(ctx, sender, limit)
	o.once.Do(func() { close(o.done) })
	return es, err
}

// TestNotifyMessagesAreSentAsGiven: a conversation's Notify carries each
// entry's message, and the send uses it instead of opening the payload
// again. To tell the two apart the payload here is one that cannot be
// opened: the message still goes out, as given, and is marked sent. The
// entry is stored after the actor's start-up read, as a commit after
// start would be (a read that found it first would start its send
// before the Notify came, opening the payload).
func TestNotifyMessagesAreSentAsGiven(t *testing.T) {
	read := &readOnce{done: make(chan struct{})}
	r := newTwilioRig(t, func(o *Options) { read.Outbox, o.Store = o.Store, read })
	select {
	case <-read.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the actor never read its pending entries")
	}
	now := r.clock.Now()
	msgs := []Message{{To: "+919800000001", From: testSender, Body: "first reply", Hospital: r.hosp.Code}}
	es, plain, err := r.codec.Prepare(now, testSender, msgs...)
	require.NoError(t, err)
	require.Len(t, plain, 1)
	es[0].Payload = []byte("not a sealed payload")
	require.NoError(t, r.store.Enqueue(context.Background(), es...))
	r.system.Root.Send(r.pid, &Notify{Entries: es, Messages: plain})

	sent := r.fake.WaitFor(t, 1, 5*time.Second)
	require.Equal(t, "first reply", sent[0].Body)
	require.Equal(t, "whatsapp:+919800000001", sent[0].To)
	got := r.settled(5*time.Second, es...)
	require.Equal(t, persistence.OutboxSent, got[0].State)
}

// TestNotifyWithoutMessagesOpensPayloads: entries without their messages
// (read from the store, or a Notify whose Messages do not match) are
// opened; one that cannot be opened fails for good, and the others go.
func TestNotifyWithoutMessagesOpensPayloads(t *testing.T) {
	r := newTwilioRig(t, nil)
	now := r.clock.Now()
	es, plain, err := r.codec.Prepare(now, testSender,
		Message{To: "+919800000002", From: testSender, Body: "opened", Hospital: r.hosp.Code},
		Message{To: "+919800000003", From: testSender, Body: "never sent", Hospital: r.hosp.Code})
	require.NoError(t, err)
	es[1].Payload = []byte("not a sealed payload")
	require.NoError(t, r.store.Enqueue(context.Background(), es...))
	r.system.Root.Send(r.pid, &Notify{Entries: es, Messages: plain[:1]}) // mismatched: ignored

	got := r.settled(5*time.Second, es...)
	require.Equal(t, persistence.OutboxSent, got[0].State)
	require.Equal(t, persistence.OutboxFailed, got[1].State)
	require.Equal(t, "undecodable_payload", got[1].LastError)
	sent := r.fake.Messages()
	require.Len(t, sent, 1)
	require.Equal(t, "opened", sent[0].Body)
}
