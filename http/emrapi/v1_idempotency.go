package emrapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// An Idempotency-Key is kept for idemTTL. Its claim is taken over when it
// is older than idemStale with no answer: the process that made it died
// (requests are bounded far below that). A key's log holds at most
// idemMaxSlots records.
const (
	idemTTL      = 24 * time.Hour
	idemStale    = 2 * time.Minute
	idemMaxSlots = 256
)

// The kinds of record in a key's log, in IdempotencyRecord.Status; an
// answer is stored under its HTTP status (always 200 or more).
const (
	slotClaim   = 1 // a request started the work; Body is its token
	slotRelease = 2 // that request failed on our side: the work may run again
	slotProbe   = 3 // someone looked while the work ran; means nothing
)

// idempotent runs work once per Idempotency-Key of the hospital: the first
// request's answer is remembered and given to every later request with the
// same key, method, path and body (with Idempotent-Replayed: true); the
// same key with another request is refused (409 idempotency_key_reused),
// and so is a duplicate that arrives while the first still runs (409
// request_in_progress). Answers of 5xx are not remembered: a retry runs
// the work again.
//
// The store's Remember only adds a record where none is (it cannot update
// one), so each key has a log: slots key\x1f0, key\x1f1, ... each written
// once. A request walks the log through Remember, which reads a filled
// slot and fills the first empty one with what the request wants there: a
// claim when no live claim is open (so exactly one of concurrent requests,
// in any process, gets to work), else a probe, which tells the prober the
// work still runs. The owner then puts its answer (or a release) in the
// next empty slot. Every record carries the claim's token, so records of
// an expired claim are not mistaken for the current one's.
func (a *API) idempotent(c *gin.Context, call *v1Call, work func() answer) answer {
	values := c.Request.Header.Values("Idempotency-Key")
	if len(values) == 0 {
		return work()
	}
	if len(values) > 1 || !validIdempotencyKey(values[0]) {
		return a.errorAnswer(c, "idempotency", fail(http.StatusBadRequest, "invalid_idempotency_key", "Idempotency-Key",
			"Idempotency-Key must be one value of 1 to 255 printable ASCII characters"))
	}
	sum := sha256.Sum256([]byte(c.Request.Method + " " + c.Request.URL.Path + "\n" + string(call.body)))
	l := &idemLog{store: a.opts.Store, hospital: call.hospital.Code, key: values[0], hash: hex.EncodeToString(sum[:]), now: a.opts.Now}
	ctx := c.Request.Context()
	owner, replay, err := l.begin(ctx)
	if err != nil {
		return a.errorAnswer(c, "idempotency", err)
	}
	if replay != nil {
		c.Header("Idempotent-Replayed", "true")
		return *replay
	}
	ans := work()
	// The answer is kept even when the caller has gone away meanwhile.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := l.finish(fctx, owner, ans); err != nil {
		a.opts.Logger.Warn("idempotency answer not kept: a retry waits for the claim to go stale", "component", "emrapi", "err", err)
	}
	return ans
}

// validIdempotencyKey: 1 to 255 printable ASCII characters.
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// idemLog is one key's log in the store.
type idemLog struct {
	store    persistence.Idempotency
	hospital string
	key      string
	hash     string
	now      func() time.Time
}

// idemOwner is the request that holds the claim: its token and the first
// slot after the claim.
type idemOwner struct {
	token string
	next  int
}

// begin walks the log: it returns the answer to replay, or the claim this
// request now holds, or the error to answer.
func (l *idemLog) begin(ctx context.Context) (*idemOwner, *answer, error) {
	var token string // of the claim in force; "" when none
	var claimedAt time.Time
	open := false
	for n := range idemMaxSlots {
		now := l.now()
		rec := persistence.IdempotencyRecord{Hospital: l.hospital, Key: l.slot(n), RequestHash: l.hash, Status: slotProbe, CreatedAt: now}
		claiming := !open || now.Sub(claimedAt) >= idemStale
		var mine string
		if claiming {
			mine = newToken()
			rec.Status, rec.Body = slotClaim, []byte(mine)
		}
		got, existed, err := l.store.Remember(ctx, rec, idemTTL)
		if err != nil {
			return nil, nil, unavailable("store unavailable", err)
		}
		if !existed {
			if claiming {
				return &idemOwner{token: mine, next: n + 1}, nil, nil
			}
			return nil, nil, inProgress()
		}
		tok, body, _ := strings.Cut(string(got.Body), "\n")
		switch {
		case got.Status == slotClaim && got.RequestHash != l.hash:
			return nil, nil, fail(http.StatusConflict, "idempotency_key_reused", "Idempotency-Key",
				"this Idempotency-Key was used with a different request")
		case got.Status == slotClaim:
			token, claimedAt, open = tok, got.CreatedAt, true
		case got.Status == slotRelease && tok == token:
			open = false
		case got.Status >= 200 && token != "" && tok == token:
			return nil, &answer{status: got.Status, body: []byte(body)}, nil
		}
	}
	return nil, nil, inProgress()
}

// finish puts the owner's answer in the log, or a release when the answer
// is our failure (5xx) so that a retry may run the work again.
func (l *idemLog) finish(ctx context.Context, o *idemOwner, ans answer) error {
	rec := persistence.IdempotencyRecord{Hospital: l.hospital, RequestHash: l.hash, Status: slotRelease, Body: []byte(o.token), CreatedAt: l.now()}
	if ans.status < 500 {
		rec.Status, rec.Body = ans.status, []byte(o.token+"\n"+string(ans.body))
	}
	for n := o.next; n < idemMaxSlots; n++ {
		rec.Key = l.slot(n)
		_, existed, err := l.store.Remember(ctx, rec, idemTTL)
		if err != nil {
			return err
		}
		if !existed {
			return nil
		}
	}
	return errors.New("idempotency log full")
}

// slot is the store key of the log's nth record. The separator is not
// printable, so no caller's key can name another key's slot.
func (l *idemLog) slot(n int) string { return l.key + "\x1f" + strconv.Itoa(n) }

func inProgress() error {
	return fail(http.StatusConflict, "request_in_progress", "Idempotency-Key",
		"a request with this Idempotency-Key is still running; retry shortly")
}

// newToken names one claim.
func newToken() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
