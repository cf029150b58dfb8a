package outbound

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// finished moves a lane on after an attempt: a retry keeps the entry at
// the head of its lane (later messages to the patient must not pass it)
// until its wait is over; a 63016 sends it again as a template; sent and
// failed entries leave.
func (s *sender) finished(ctx actor.Context, r *result) {
	s.running--
	lane, id := r.entry.Lane, r.entry.ID
	switch r.outcome {
	case outRetry:
		if r.code != codeStore {
			s.opts.Metrics.SendRetries.Inc()
		}
		if r.throttled {
			s.opts.Metrics.SendThrottled.Inc()
			if r.retryAfter > 0 {
				s.bucket.hold(time.Now().Add(r.retryAfter))
			}
		}
		wait := s.retryWait(id, r.retryAfter)
		s.log.Warn("send failed; will retry", "entry", id, "lane", lane, "attempts", r.entry.Attempts, "code", r.code, "in", wait, "err", r.err)
		s.lanes[lane][0] = r.entry
		s.later(ctx, &retry{lane: lane}, wait)
		s.schedule(ctx)
		return
	case outTemplate:
		s.log.Info("outside the 24 h window (63016); sending the template", "entry", id, "lane", lane)
		s.force[id] = true
		s.lanes[lane][0] = r.entry
		s.busy[lane] = false
		s.order = append(s.order, lane)
		s.schedule(ctx)
		return
	case outHeld:
		wait := s.heldWait(id, r.entry.LeasedUntil)
		s.log.Info("entry held by another process; its lane waits", "entry", id, "lane", lane, "in", wait)
		s.lanes[lane][0] = r.entry
		s.later(ctx, &retry{lane: lane}, wait)
		s.schedule(ctx)
		return
	case outGone:
		s.log.Info("entry finished by another process", "entry", id, "lane", lane)
		s.leave(lane, id)
		s.gauge()
		s.forget(id)
		s.schedule(ctx)
		return
	}
	s.done(r)
	if r.unrecorded != nil {
		s.unrecorded(ctx, r)
	} else {
		s.forget(id)
		s.shrink()
	}
	s.schedule(ctx)
}

// leave takes a lane's head entry off and lets the lane go on.
func (s *sender) leave(lane, id string) {
	delete(s.force, id)
	delete(s.plain, id)
	delete(s.waits, id)
	delete(s.parked, id)
	s.busy[lane] = false
	if q := s.lanes[lane]; len(q) > 0 && q[0].ID == id {
		s.lanes[lane] = q[1:]
		s.count--
	}
	if len(s.lanes[lane]) == 0 {
		delete(s.lanes, lane)
		delete(s.busy, lane)
	} else {
		s.order = append(s.order, lane)
	}
}

// done takes a sent or finally failed entry off its lane and counts it.
func (s *sender) done(r *result) {
	lane, id := r.entry.Lane, r.entry.ID
	s.leave(lane, id)
	m := s.opts.Metrics
	switch {
	case r.outcome == outSent:
		m.MessagesOut.WithLabelValues("sent").Inc()
		if r.template {
			m.TemplateFallbacks.Inc()
		}
	case r.undeliverable:
		m.MessagesOut.WithLabelValues("failed").Inc()
		m.Undeliverable.WithLabelValues(r.code).Inc()
		s.log.Warn("message not deliverable", "entry", id, "lane", lane, "reason", r.code)
	default:
		m.MessagesOut.WithLabelValues("failed").Inc()
		m.SendErrors.WithLabelValues(r.code).Inc()
		s.log.Warn("send message failed", "entry", id, "lane", lane, "attempts", r.entry.Attempts+1, "code", r.code, "err", r.err)
	}
	s.gauge()
}
