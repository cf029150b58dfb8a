package callback

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// claimCounter grants every claim and counts them.
type claimCounter struct {
	persistence.Outbox
	claims int
}

func (c *claimCounter) Claim(context.Context, string, string, string, time.Time, time.Duration) (persistence.OutboxClaim, error) {
	c.claims++
	return persistence.OutboxClaim{Held: true}, nil
}

// TestAttemptWaitsForTheBeat: a beating process neither claims nor posts
// a callback while its beat might lapse before the attempt ends (another
// process could take the callback then); with the beat well ahead it
// claims as before.
func TestAttemptWaitsForTheBeat(t *testing.T) {
	st := &claimCounter{}
	beat := persistence.Beat{Until: time.Now().Add(20 * time.Second)}
	o := &Options{Store: st, Holder: "live-test", Now: time.Now, Alive: func() persistence.Beat { return beat }}
	o.defaults()
	e := persistence.OutboxEntry{ID: "E1", Sender: Sender}

	f := claim(o, e)
	if assert.NotNil(t, f, "20 s of beat left: less than an attempt (10 s), its marks (2 × 5 s) and the slack") {
		assert.Equal(t, outWait, f.outcome)
		assert.Equal(t, o.RetryBase, f.retryAfter, "looked at again soon")
	}
	assert.Zero(t, st.claims, "not even claimed")

	beat.Until = time.Now().Add(time.Minute)
	assert.Nil(t, claim(o, e), "a minute of beat left: the attempt goes ahead")
	assert.Equal(t, 1, st.claims)
}
