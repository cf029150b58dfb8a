package hospital

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// photoEMR records the photo URLs it is given; with down set, every call
// fails as an unreachable EMR would.
type photoEMR struct {
	emr.Client // nil: only the methods below are called
	mu         sync.Mutex
	urls       []string
	down       bool
}

func (e *photoEMR) SetProfilePhoto(_ context.Context, _ emr.PatientRef, url string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.urls = append(e.urls, url)
	if e.down {
		return &emr.Error{Op: "profile_photo", Kind: emr.Unavailable, Err: errors.New("connection refused")}
	}
	return nil
}

func (e *photoEMR) seen() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.urls...)
}

func (e *photoEMR) setDown(down bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.down = down
}

// stubMedia swaps URLs, or refuses every file while refuse is set.
type stubMedia struct {
	mu     sync.Mutex
	refuse bool
}

func (s *stubMedia) Prepare(_ context.Context, c emr.Call) (emr.Call, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse {
		return c, &emr.Error{Op: string(c.Op), Kind: emr.BadMedia, Err: &emr.MediaError{Reason: emr.MediaWrongType}}
	}
	c.URL = "https://frontdesk.example/media/1"
	return c, nil
}

func (s *stubMedia) setRefuse(r bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = r
}

// rig is a hospital actor with a fake clock and a mailbox for answers.
type rig struct {
	system  *actor.ActorSystem
	pid     *actor.PID
	answers chan *Answer
	inbox   *actor.PID
	mu      sync.Mutex
	now     time.Time
}

func newRig(t *testing.T, client emr.Client, media MediaPreparer) *rig {
	t.Helper()
	r := &rig{system: actor.NewActorSystem(), answers: make(chan *Answer, 16), now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	t.Cleanup(r.system.Shutdown)
	r.pid = r.system.Root.Spawn(Props(Options{
		Code: "h1", Client: client, Media: media, Threshold: 1, OpenFor: time.Minute,
		Now: r.clock, Metrics: metrics.New(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}))
	r.inbox = r.system.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if a, ok := c.Message().(*Answer); ok {
			r.answers <- a
		}
	}))
	return r
}

func (r *rig) clock() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

func (r *rig) advance(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now = r.now.Add(d)
}

// photo asks for one photo call and returns its answer.
func (r *rig) photo(t *testing.T, id string) emr.Result {
	t.Helper()
	r.system.Root.Send(r.pid, &Request{ReplyTo: r.inbox, Call: emr.Call{ID: id, Op: emr.OpProfilePhoto,
		Patient: emr.PatientRef{ID: "P1"}, URL: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"}})
	select {
	case a := <-r.answers:
		require.Equal(t, id, a.Result.CallID)
		return a.Result
	case <-time.After(5 * time.Second):
		t.Fatalf("no answer to %s", id)
		return emr.Result{}
	}
}

func TestPreparedFileReachesTheEMR(t *testing.T) {
	client := &photoEMR{}
	r := newRig(t, client, &stubMedia{})
	require.NoError(t, r.photo(t, "c1").Err)
	assert.Equal(t, []string{"https://frontdesk.example/media/1"}, client.seen(), "the EMR gets our link, not Twilio's URL")
}

func TestRefusedFileSkipsTheEMRAndSparesTheBreaker(t *testing.T) {
	client, media := &photoEMR{}, &stubMedia{refuse: true}
	r := newRig(t, client, media)
	res := r.photo(t, "c1")
	assert.Equal(t, emr.BadMedia, emr.KindOf(res.Err), "the refusal is the answer")
	assert.Empty(t, client.seen(), "a refused file never reaches the EMR")

	// Threshold is 1: had the refusal counted as an EMR failure, the
	// breaker would be open now.
	media.setRefuse(false)
	require.NoError(t, r.photo(t, "c2").Err)
	assert.Len(t, client.seen(), 1)
}

func TestRefusedTrialLetsTheNextCallTry(t *testing.T) {
	client, media := &photoEMR{down: true}, &stubMedia{}
	r := newRig(t, client, media)
	require.Equal(t, emr.Unavailable, emr.KindOf(r.photo(t, "c1").Err), "the EMR is down: the breaker opens")
	require.ErrorContains(t, r.photo(t, "c2").Err, "circuit breaker open")

	r.advance(2 * time.Minute)
	media.setRefuse(true)
	assert.Equal(t, emr.BadMedia, emr.KindOf(r.photo(t, "c3").Err), "the half-open trial is a refused file")

	client.setDown(false)
	media.setRefuse(false)
	require.NoError(t, r.photo(t, "c4").Err, "the EMR was not asked by c3, so c4 is let through as the trial")
	require.NoError(t, r.photo(t, "c5").Err, "and its success closed the breaker")
}
