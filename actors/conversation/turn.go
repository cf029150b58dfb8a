package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/actors/callback"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/hospital"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// pump decides queued events one at a time: the next waits until the
// previous one's commit is done, so commits of one conversation never race.
func (c *conv) pump(ctx actor.Context) {
	for !c.busy && len(c.queue) > 0 {
		p := c.queue[0]
		// Let go of the event: the queue's array outlives it, and a
		// resident conversation would keep its last message (and an EMR
		// answer) alive for as long as it stays in memory.
		c.queue[0] = nil
		c.queue = c.queue[1:]
		if len(c.queue) == 0 {
			c.queue = nil
		}
		c.process(ctx, p)
	}
}

// process decides one event and starts its commit.
func (c *conv) process(ctx actor.Context, p *pending) {
	in, isInbound := p.deliver.Event.(*flow.Inbound)
	if isInbound && c.state.Seen(in.Sid) {
		c.countIn("duplicate")
		c.respond(ctx, p, &Ack{Duplicate: true})
		return
	}
	now := c.deps.Now()
	var next flow.State
	var fx flow.Effects
	if p.failed {
		next, fx = c.apology(now)
	} else {
		c.current = p
		if c.deps.Fault != nil {
			c.deps.Fault(p.deliver.Event)
		}
		next, fx = c.deps.Engine.Apply(c.env(now), c.state, p.deliver.Event)
		c.current = nil
	}
	if isInbound {
		next.Remember(in.Sid)
	}
	commit, replies, answers, err := c.build(now, next, fx, in)
	if err != nil {
		c.logger().Error("prepare commit", "err", err)
		c.respond(ctx, p, &Ack{Err: fmt.Errorf("%w: %v", ErrNotAccepted, err)})
		return
	}
	c.busy = true
	started := time.Now()
	// The future gives up with the commit's own timeout, so the webhook
	// hears within it even when the store holds the commit longer (Redis's
	// pipeline timeout is longer): an outcome not known by then is a
	// failure to the caller, and the retry is deduplicated.
	fut := actor.NewFuture(ctx.ActorSystem(), c.deps.CommitTimeout)
	system, pid := ctx.ActorSystem(), fut.PID()
	c.deps.commit(commit, func(err error) { system.Root.Send(pid, &committed{err: err}) })
	ctx.ReenterAfter(fut, func(res any, ferr error) {
		c.busy = false
		var err error
		if ferr != nil {
			err = fmt.Errorf("commit: no outcome within %s (%v): %w", c.deps.CommitTimeout, ferr, context.DeadlineExceeded)
		} else if r, ok := res.(*committed); ok {
			err = r.err
		}
		c.observeCommit(started, err)
		if err != nil {
			c.commitFailed(ctx, p, started, err)
			return
		}
		c.state, c.version = next, commit.Snapshot.Version
		if isInbound {
			c.countIn("processed")
		}
		c.respond(ctx, p, &Ack{})
		c.act(ctx, next, fx, replies, answers)
		c.pump(ctx)
	})
}

// commitFailed answers the waiting caller, and every event queued behind
// it, with an error so Twilio retries them (in their order), and the actor
// leaves memory. On a version conflict another writer moved on; on any
// other failure the commit may have been written all the same (a timeout
// after it was sent), so the state in memory can no longer be trusted
// either. The next message loads what the store holds: when the failed
// commit did land, its MessageSid is in that state and Twilio's retry is
// acknowledged as a duplicate, processed once. Failures other than
// conflicts are reported, so a store outage is known at once.
func (c *conv) commitFailed(ctx actor.Context, p *pending, began time.Time, err error) {
	c.logger().Error("commit conversation turn", "err", err)
	if !errors.Is(err, persistence.ErrConflict) {
		c.deps.storeError(began, err)
	}
	nack := &Ack{Err: fmt.Errorf("%w: %v", ErrNotAccepted, err)}
	c.respond(ctx, p, nack)
	for _, q := range c.queue {
		c.respond(ctx, q, nack)
	}
	c.queue = nil
	ctx.Stop(ctx.Self())
}

// act performs a committed turn's effects: hand the replies to the
// outbound actor, the answers to reminders to the callback actor and the
// EMR call to the hospital actor.
func (c *conv) act(ctx actor.Context, st flow.State, fx flow.Effects, replies *outbound.Notify, answers []persistence.OutboxEntry) {
	if len(replies.Entries) > 0 {
		ctx.Send(c.deps.OutboundPID(c.key.Sender), replies)
	}
	if len(answers) > 0 && c.deps.CallbackPID != nil {
		ctx.Send(c.deps.CallbackPID, &callback.Notify{Entries: answers})
	}
	if fx.Call != nil {
		ctx.Send(c.deps.HospitalPID(st.Hospital), &hospital.Request{Call: *fx.Call, ReplyTo: ctx.Self()})
	}
}

// build makes the commit of one turn: sealed snapshot, outbox entries for
// the replies and for the answers to reminders (returned apart, for their
// two actors: the replies as the outbound actor's Notify, with their
// messages), the MessageSid mark and consent changes.
func (c *conv) build(now time.Time, next flow.State, fx flow.Effects, in *flow.Inbound) (commit persistence.Commit, replies *outbound.Notify, answers []persistence.OutboxEntry, err error) {
	raw, err := json.Marshal(next)
	if err != nil {
		return commit, nil, nil, fmt.Errorf("encode state: %w", err)
	}
	sealed, err := c.deps.Sealer.Seal(raw)
	if err != nil {
		return commit, nil, nil, fmt.Errorf("seal state: %w", err)
	}
	entries, plain, err := c.deps.Codec.Prepare(now, c.key.Sender, c.messages(next, fx)...)
	if err != nil {
		return commit, nil, nil, err
	}
	if len(fx.Callbacks) > 0 {
		if c.deps.Callbacks == nil {
			return commit, nil, nil, errors.New("answers to reminders, but no callback codec")
		}
		if answers, err = c.deps.Callbacks.Entries(now, fx.Callbacks...); err != nil {
			return commit, nil, nil, err
		}
	}
	commit = persistence.Commit{
		Key:           c.storeKey,
		ExpectVersion: c.version,
		Snapshot:      persistence.Snapshot{Key: c.storeKey, Version: c.version + 1, Data: sealed, UpdatedAt: now},
		Outbox:        append(slices.Clip(entries), answers...),
	}
	if in != nil && in.Sid != "" {
		commit.MessageSids = []string{in.Sid}
	}
	if in != nil {
		// The patient wrote: WhatsApp's 24 h window is open from now. The
		// subject is the outbox lane's hash, which the outbound actor
		// looks the time up by.
		commit.Inbound = &persistence.Inbound{Sender: c.key.Sender, Subject: c.deps.Codec.Lane(c.key.Phone), At: now}
	}
	if next.Awaiting != nil {
		// Waiting for the EMR: a restart must wake this conversation so
		// the call is resumed without the patient writing again.
		if commit.Wake, err = c.deps.Sealer.Seal([]byte(c.key.String())); err != nil {
			return persistence.Commit{}, nil, nil, fmt.Errorf("seal wake address: %w", err)
		}
	}
	for _, ch := range fx.Consent {
		commit.Consent = append(commit.Consent, persistence.ConsentChange{
			Hospital: ch.Hospital, Subject: c.deps.Hasher.Hash(c.key.Phone), Kind: ch.Kind, OptedOut: ch.OptedOut, At: now, Source: "patient",
		})
	}
	return commit, &outbound.Notify{Entries: entries, Messages: plain}, answers, nil
}

// messages are a turn's replies as outbound messages. A reminder's own
// message starts from the hospital's side: WhatsApp's 24-hour window
// applies to it, and outside it the hospital's template goes instead.
func (c *conv) messages(next flow.State, fx flow.Effects) []outbound.Message {
	msgs := make([]outbound.Message, 0, len(fx.Replies))
	for _, r := range fx.Replies {
		m := outbound.Message{To: c.key.Phone, From: c.key.Sender, Body: r.Body, Media: r.Media, Hospital: next.Hospital}
		if r.Reminder != "" {
			m.Kind, m.ReminderKind, m.Variables = outbound.KindReminder, r.Reminder, r.Variables
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// apology is the turn committed for an event whose decision panicked: the
// state stays as last committed and the patient is told to try again.
func (c *conv) apology(now time.Time) (flow.State, flow.Effects) {
	st := c.state.Clone()
	st.LastInbound = now
	body := c.deps.Catalog.Text(c.lang(), nil, "internal_error")
	return st, flow.Effects{Replies: []flow.Reply{{Body: body}}}
}

// lang is the conversation's language for texts the actor writes itself.
func (c *conv) lang() string {
	if c.state.Lang != "" {
		return c.state.Lang
	}
	if h := c.deps.Hospitals[c.state.Hospital]; h != nil {
		return h.Config.DefaultLanguage()
	}
	return "en"
}

// env is what the flow engine may read besides the state.
func (c *conv) env(now time.Time) *flow.Env {
	return &flow.Env{
		Now:            now,
		Phone:          c.key.Phone,
		Sender:         c.key.Sender,
		SessionTimeout: c.deps.SessionTimeout,
		Hospitals:      c.deps.Hospitals,
		Catalog:        c.deps.Catalog,
	}
}

func (c *conv) countIn(result string) {
	h := c.state.Hospital
	if h == "" {
		h = "none"
	}
	c.deps.Metrics.MessagesIn.WithLabelValues(h, result).Inc()
}

func (c *conv) observeCommit(started time.Time, err error) {
	result := "ok"
	switch {
	case errors.Is(err, persistence.ErrConflict):
		result = "conflict"
		c.deps.Metrics.CommitFailures.WithLabelValues("conflict").Inc()
	case err != nil:
		result = "error"
		c.deps.Metrics.CommitFailures.WithLabelValues("error").Inc()
	}
	c.deps.Metrics.CommitDuration.WithLabelValues(result).Observe(time.Since(started).Seconds())
}
