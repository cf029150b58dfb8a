// Package runtime wires frontdesk together: configuration, logging, the
// store, the actor system with its hospital, outbound and conversation
// actors, the EMR adapters and the HTTP server; it runs the process until
// a signal and shuts it down gracefully.
package runtime

import (
	"context"
	"fmt"
	"io"
	"log/slog"
)

// NewLogger returns the process logger: JSON lines for machines, or text
// for a person running the demo in a terminal.
func NewLogger(w io.Writer, level slog.Level, text bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if text {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// redacting wraps the handler given to protoactor: its log lines can carry
// the message an actor was handling (dead letters, supervision failures),
// and our messages hold patient data. Such values are replaced by their
// type name, and its chatty info lines are dropped.
type redacting struct {
	next slog.Handler
}

// redactedKeys are the attributes protoactor fills with message contents
// or panic values.
var redactedKeys = map[string]bool{"message": true, "msg": true, "reason": true, "exception": true, "sender": true}

func (r redacting) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && r.next.Enabled(ctx, l)
}

func (r redacting) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, rec.Message, rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redact(a))
		return true
	})
	return r.next.Handle(ctx, out)
}

func (r redacting) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = redact(a)
	}
	return redacting{next: r.next.WithAttrs(red)}
}

func (r redacting) WithGroup(name string) slog.Handler {
	return redacting{next: r.next.WithGroup(name)}
}

func redact(a slog.Attr) slog.Attr {
	if redactedKeys[a.Key] {
		return slog.String(a.Key, fmt.Sprintf("%T", a.Value.Any()))
	}
	return a
}

// actorLogger is the logger protoactor gets.
func actorLogger(base *slog.Logger) *slog.Logger {
	return slog.New(redacting{next: base.Handler()}).With("component", "actor-system")
}
