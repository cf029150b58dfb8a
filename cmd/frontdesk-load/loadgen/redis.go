package loadgen

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Redis is a client for what the load tool reads and cleans up in Redis
// itself: the run's keys, snapshot sizes and the outbox.
type Redis struct {
	Client *redis.Client
	Prefix string
}

// OpenRedis connects to url and checks the connection.
func OpenRedis(ctx context.Context, url, prefix string) (*Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("parse redis url: %w", err)
	}
	c := redis.NewClient(opts)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("reach redis: %w", err)
	}
	return &Redis{Client: c, Prefix: prefix}, nil
}

// Close closes the client.
func (r *Redis) Close() error { return r.Client.Close() }

// scan calls fn with batches of the run's keys matching pattern (after the
// prefix).
func (r *Redis) scan(ctx context.Context, pattern string, fn func(keys []string) error) error {
	it := r.Client.Scan(ctx, 0, r.Prefix+pattern, 2000).Iterator()
	batch := make([]string, 0, 2000)
	for it.Next(ctx) {
		batch = append(batch, it.Val())
		if len(batch) == cap(batch) {
			if err := fn(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := it.Err(); err != nil {
		return fmt.Errorf("scan keys: %w", err)
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// Cleanup deletes every key of the run (SCAN + UNLINK) and returns how many.
func (r *Redis) Cleanup(ctx context.Context) (int, error) {
	n := 0
	err := r.scan(ctx, "*", func(keys []string) error {
		if err := r.Client.Unlink(ctx, keys...).Err(); err != nil {
			return fmt.Errorf("delete keys: %w", err)
		}
		n += len(keys)
		return nil
	})
	return n, err
}

// CountKeys counts the run's keys of one kind ("s:*" snapshots, ...).
func (r *Redis) CountKeys(ctx context.Context, pattern string) (int, error) {
	n := 0
	err := r.scan(ctx, pattern, func(keys []string) error { n += len(keys); return nil })
	return n, err
}

// PendingOutbox is how many outbox entries of sender are still to be sent.
func (r *Redis) PendingOutbox(ctx context.Context, sender string) (int64, error) {
	n, err := r.Client.ZCard(ctx, r.Prefix+"p:"+sender).Result()
	if err != nil {
		return 0, fmt.Errorf("count pending outbox: %w", err)
	}
	return n, nil
}

// SnapshotSizes returns, for up to sample snapshot records, the value's
// length (STRLEN) and Redis's own estimate of the key's memory (MEMORY
// USAGE), summed, and how many were read.
func (r *Redis) SnapshotSizes(ctx context.Context, sample int) (value, memory int64, n int, err error) {
	err = r.scan(ctx, "s:*", func(keys []string) error {
		if n >= sample {
			return nil
		}
		keys = keys[:min(len(keys), sample-n)]
		pipe := r.Client.Pipeline()
		lens := make([]*redis.IntCmd, len(keys))
		mems := make([]*redis.IntCmd, len(keys))
		for i, k := range keys {
			lens[i] = pipe.StrLen(ctx, k)
			mems[i] = pipe.MemoryUsage(ctx, k)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("read snapshot sizes: %w", err)
		}
		for i := range keys {
			value += lens[i].Val()
			memory += mems[i].Val()
		}
		n += len(keys)
		return nil
	})
	return value, memory, n, err
}

// OutboxByLane counts the run's outbox entries per lane (the keyed hash of
// the recipient) and how many of them are still pending. Each entry is one
// reply a committed turn produced, so the count per lane is how many
// replies the server decided to send to that patient, whatever reached the
// sink.
func (r *Redis) OutboxByLane(ctx context.Context) (map[string]int, int, error) {
	lanes := map[string]int{}
	pending := 0
	err := r.scan(ctx, "o:*", func(keys []string) error {
		pipe := r.Client.Pipeline()
		cmds := make([]*redis.SliceCmd, len(keys))
		for i, k := range keys {
			cmds[i] = pipe.HMGet(ctx, k, "l", "s")
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("read outbox entries: %w", err)
		}
		for _, c := range cmds {
			v := c.Val()
			lane, _ := v[0].(string)
			state, _ := v[1].(string)
			lanes[lane]++
			if state == "pending" {
				pending++
			}
		}
		return nil
	})
	return lanes, pending, err
}
