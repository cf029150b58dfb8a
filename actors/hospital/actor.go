package hospital

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// Options configures one hospital actor.
type Options struct {
	Code        string
	Client      emr.Client
	Timeout     time.Duration // per call; default 5s
	MaxInFlight int           // concurrent calls; default 8
	MaxQueue    int           // calls waiting for a free place; default 256
	CacheFor    time.Duration // department and doctor lists; default 60s
	Threshold   int           // consecutive failures that open the breaker; default 5
	OpenFor     time.Duration // how long it stays open; default 30s
	// Media readies calls that carry a patient's file (photos,
	// documents); nil passes them to the EMR as they are.
	Media   MediaPreparer
	Now     func() time.Time
	Metrics *metrics.Metrics
	Logger  *slog.Logger
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 8
	}
	if o.MaxQueue <= 0 {
		o.MaxQueue = 256
	}
	if o.CacheFor <= 0 {
		o.CacheFor = time.Minute
	}
	if o.Threshold <= 0 {
		o.Threshold = 5
	}
	if o.OpenFor <= 0 {
		o.OpenFor = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Props returns the props of a hospital actor.
func Props(opts Options) *actor.Props {
	opts.defaults()
	return actor.PropsFromProducer(func() actor.Actor { return newHospital(opts) })
}

type hospital struct {
	opts    Options
	log     *slog.Logger
	brk     breaker
	cache   map[string]cached
	flights map[string]bool // calls running, by flightKey
	queue   []*Request
	running int
}

type cached struct {
	result emr.Result
	until  time.Time
}

// done is a finished call, back in the actor.
type done struct {
	req     *Request
	result  emr.Result
	elapsed time.Duration
	trial   bool
	skipped bool // the EMR was not called (the patient's file was refused)
}

func newHospital(opts Options) *hospital {
	return &hospital{
		opts:    opts,
		log:     opts.Logger.With("component", "hospital", "hospital", opts.Code),
		brk:     breaker{threshold: opts.Threshold, openFor: opts.OpenFor},
		cache:   map[string]cached{},
		flights: map[string]bool{},
	}
}

// Receive is the actor's mailbox loop.
func (h *hospital) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		h.opts.Metrics.EMRBreakerOpen.WithLabelValues(h.opts.Code).Set(0)
	case *Request:
		h.request(ctx, m)
	case *done:
		h.finished(ctx, m)
	case *actor.Restarting:
		h.opts.Metrics.ActorRestarts.WithLabelValues("hospital").Inc()
	}
}

func flightKey(r *Request) string { return r.ReplyTo.String() + "/" + r.Call.ID }

// request answers from the cache, fails fast, queues or starts a call.
func (h *hospital) request(ctx actor.Context, r *Request) {
	if r.Resume {
		if h.flights[flightKey(r)] {
			return // still running: its answer goes to the same conversation
		}
		if r.Call.Op.Writes() {
			h.answer(ctx, r, emr.Result{CallID: r.Call.ID, Err: &emr.Error{Op: string(r.Call.Op), Kind: emr.OutcomeUnknown}}, "outcome_unknown", 0)
			return
		}
	}
	now := h.opts.Now()
	if r.Call.Op.Cacheable() {
		if c, ok := h.cache[r.Call.CacheKey()]; ok && now.Before(c.until) {
			res := c.result
			res.CallID = r.Call.ID
			h.answer(ctx, r, res, "cached", 0)
			return
		}
	}
	if h.running >= h.opts.MaxInFlight {
		if len(h.queue) >= h.opts.MaxQueue {
			h.answer(ctx, r, failed(r, "too many calls waiting"), "busy", 0)
			return
		}
		h.queue = append(h.queue, r)
		return
	}
	h.start(ctx, r)
}

// start runs one call in a goroutine of its own; the result comes back as
// a message, so the mailbox never waits for the EMR.
func (h *hospital) start(ctx actor.Context, r *Request) {
	if !h.brk.allow(h.opts.Now()) {
		h.answer(ctx, r, failed(r, "circuit breaker open"), "breaker_open", 0)
		return
	}
	trial := h.brk.open()
	h.running++
	h.flights[flightKey(r)] = true
	h.opts.Metrics.EMRInFlight.WithLabelValues(h.opts.Code).Set(float64(h.running))
	client, timeout, call, media := h.opts.Client, h.opts.Timeout, r.Call, h.opts.Media
	system, self := ctx.ActorSystem(), ctx.Self()
	go func() {
		begin := time.Now()
		res, called := perform(media, client, timeout, call)
		system.Root.Send(self, &done{req: r, result: res, elapsed: time.Since(begin), trial: trial, skipped: !called})
	}()
}

// finished records a call's outcome, answers it and starts the next.
func (h *hospital) finished(ctx actor.Context, d *done) {
	h.running--
	delete(h.flights, flightKey(d.req))
	h.opts.Metrics.EMRInFlight.WithLabelValues(h.opts.Code).Set(float64(h.running))
	now := h.opts.Now()
	down := d.result.Err != nil && emr.KindOf(d.result.Err) == emr.Unavailable
	switch {
	case d.skipped:
		if d.trial {
			h.brk.release() // the EMR was not asked: its health is still unknown
		}
	case h.brk.record(now, down):
		h.breakerChanged()
	}
	if d.result.Err != nil && !d.skipped && d.req.Call.Op.Writes() && errors.Is(d.result.Err, context.DeadlineExceeded) {
		// The EMR may have done it before the answer was lost: the patient
		// is told to check, not invited to do it twice.
		d.result.Err = &emr.Error{Op: string(d.req.Call.Op), Kind: emr.OutcomeUnknown, Err: d.result.Err}
	}
	result := "ok"
	if d.result.Err != nil {
		result = emr.KindOf(d.result.Err).String()
		h.log.Warn("emr call failed", "op", string(d.req.Call.Op), "err", d.result.Err, "elapsed", d.elapsed)
	} else if d.req.Call.Op.Cacheable() {
		h.remember(now, d.req.Call, d.result)
	}
	h.answer(ctx, d.req, d.result, result, d.elapsed)
	for h.running < h.opts.MaxInFlight && len(h.queue) > 0 {
		next := h.queue[0]
		h.queue = h.queue[1:]
		h.start(ctx, next)
	}
}

func (h *hospital) breakerChanged() {
	v := 0.0
	if h.brk.open() {
		v = 1
		h.log.Error("emr circuit breaker opened: calls fail fast", "open_for", h.opts.OpenFor)
	} else {
		h.log.Info("emr circuit breaker closed: emr answers again")
	}
	h.opts.Metrics.EMRBreakerOpen.WithLabelValues(h.opts.Code).Set(v)
}

// remember caches a list briefly, bounded in size.
func (h *hospital) remember(now time.Time, c emr.Call, r emr.Result) {
	if len(h.cache) >= 512 {
		for k, v := range h.cache {
			if now.After(v.until) {
				delete(h.cache, k)
			}
		}
		if len(h.cache) >= 512 {
			h.cache = map[string]cached{}
		}
	}
	h.cache[c.CacheKey()] = cached{result: r, until: now.Add(h.opts.CacheFor)}
}

func (h *hospital) answer(ctx actor.Context, r *Request, res emr.Result, result string, elapsed time.Duration) {
	h.opts.Metrics.EMRCalls.WithLabelValues(h.opts.Code, string(r.Call.Op), result).Observe(elapsed.Seconds())
	if r.ReplyTo != nil {
		ctx.Send(r.ReplyTo, &Answer{Result: res})
	}
}

func failed(r *Request, why string) emr.Result {
	return emr.Result{CallID: r.Call.ID, Err: &emr.Error{Op: string(r.Call.Op), Kind: emr.Unavailable, Err: errorString(why)}}
}

// errorString is a constant error text.
type errorString string

func (e errorString) Error() string { return string(e) }
