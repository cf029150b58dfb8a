// Package redisstore is the persistence.Store on Redis (go-redis v9), for
// production and for more than one node. It needs Redis 7.0 or later,
// standalone or behind Sentinel (not Redis Cluster: one commit touches keys
// of several hash slots), with maxmemory-policy noeviction.
//
// Every write is one Lua script run (scripts.go, scripts_small.go,
// scripts_reminders.go): the commit script checks the snapshot version and
// makes all of a turn's writes, so each commit is atomic on its own. One
// group writer (writer.go) sends the scripts of many conversations in one
// pipeline, so a busy node pays one round trip for many commits; a
// conflict in one commit does not touch the others of its pipeline.
//
// Reminders are hashes indexed by a store-wide sorted set scored by claim
// time (due, or lease end while claimed); the claim script leases the
// lowest-scored members and moves them to their lease end, so a lease that
// runs out makes a reminder due again without any sweep. Fired and
// cancelled reminders expire by TTL; their listing members are trimmed by
// later claims (the gone set). Keys, values and TTLs are listed in
// docs/storage.md and in keys.go.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Defaults for Options fields left zero.
const (
	DefaultPrefix    = "fd:"
	DefaultRetention = 30 * 24 * time.Hour
	DefaultDedupeTTL = 7 * 24 * time.Hour
	DefaultMaxBatch  = 256
	DefaultTimeout   = 10 * time.Second
	DefaultLazyWait  = 2 * time.Millisecond
)

// Options tunes a Store. Exactly one of URL and Client must be set; zero
// values of the other fields take the defaults.
type Options struct {
	// URL is a redis:// or rediss:// URL (go-redis query options such as
	// ?max_retries= are honoured). The store owns the client it makes.
	URL string
	// Client is a client the caller made and keeps owning: Close leaves it
	// open. Redis Cluster clients are refused.
	Client redis.UniversalClient
	// Prefix starts every key, so several stores (or tests) share one
	// database without meeting. Default "fd:".
	Prefix string
	// Retention is how long a snapshot lives after its last commit, a
	// sent or failed outbox entry (and its provider id) after it was
	// marked, a fired or cancelled reminder after that, and a patient's
	// last inbound time after the latest.
	Retention time.Duration
	// DedupeTTL is how long a committed MessageSid counts as seen.
	DedupeTTL time.Duration
	// WakeTTL is how long a wake mark lives (default persistence.WakeTTL).
	WakeTTL time.Duration
	// MaxBatch bounds how many scripts share one pipeline.
	MaxBatch int
	// MaxWait is how long the writer waits for more work after the first
	// queued write before it sends a pipeline. Zero sends whatever queued
	// while the previous pipeline was out, which batches well under load
	// and adds no latency when idle.
	MaxWait time.Duration
	// LazyWait is how long a mark of a sent message may wait to ride with
	// the next pipeline before it is sent on its own (lazy.go). Zero means
	// DefaultLazyWait; negative sends each mark at once.
	LazyWait time.Duration
	// Timeout bounds one pipeline round trip (retries included), so a
	// hung Redis fails commits instead of holding them forever.
	Timeout time.Duration
	// Now stamps Snapshot.UpdatedAt and a put reminder's UpdatedAt (and
	// CreatedAt when zero). Expiry uses Redis TTLs, not Now.
	Now func() time.Time
	// Observer receives commit and pipeline figures for metrics.
	Observer Observer
	// Logger receives start-up warnings; nil means slog.Default().
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.WakeTTL < time.Millisecond {
		o.WakeTTL = persistence.WakeTTL
	}
	if o.Retention < time.Millisecond {
		o.Retention = DefaultRetention
	}
	if o.DedupeTTL < time.Millisecond {
		o.DedupeTTL = DefaultDedupeTTL
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.MaxWait < 0 {
		o.MaxWait = 0
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.LazyWait == 0 {
		o.LazyWait = DefaultLazyWait
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Store must keep satisfying the contract that storetest checks.
var _ persistence.Store = (*Store)(nil)

// errClosed is returned by every method after Close.
var errClosed = errors.New("store is closed")

// Store is a persistence.Store in Redis. It is safe for concurrent use, and
// several Stores (in several processes) may share one prefix: versions make
// a second writer of a conversation fail instead of overwriting.
type Store struct {
	client     redis.UniversalClient
	ownsClient bool
	opts       Options
	keys       keys

	queue    chan *op     // to the group writer
	queueMu  sync.RWMutex // held to queue; Close takes it to stop queueing
	closed   atomic.Bool  // set under queueMu by Close
	lazy     lazyOps      // marks waiting to ride with a pipeline
	written  chan struct{}
	closeOne sync.Once
	closeErr error
}

// Open connects to Redis, loads the store's scripts and starts the group
// writer. It fails when Redis cannot be reached within ctx.
func Open(ctx context.Context, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	client, owns, err := connect(opts)
	if err != nil {
		return nil, fmt.Errorf("open redis store: %w", err)
	}
	fail := func(err error) (*Store, error) {
		if owns {
			client.Close()
		}
		return nil, fmt.Errorf("open redis store: %w", err)
	}
	if err := client.Ping(ctx).Err(); err != nil {
		return fail(fmt.Errorf("ping: %w", err))
	}
	if err := loadScripts(ctx, client); err != nil {
		return fail(err)
	}
	warnEviction(ctx, client, opts.Logger)
	s := &Store{
		client: client, ownsClient: owns, opts: opts, keys: keys{prefix: opts.Prefix},
		queue: make(chan *op, opts.MaxBatch), written: make(chan struct{}),
	}
	go s.writeLoop()
	return s, nil
}

// connect returns the client to use and whether the store owns it.
func connect(opts Options) (redis.UniversalClient, bool, error) {
	switch {
	case opts.URL != "" && opts.Client != nil:
		return nil, false, errors.New("both URL and Client are set")
	case opts.Client != nil:
		if _, ok := opts.Client.(*redis.ClusterClient); ok {
			return nil, false, errors.New("redis cluster is not supported: a commit spans several hash slots")
		}
		return opts.Client, false, nil
	case opts.URL == "":
		return nil, false, errors.New("neither URL nor Client is set")
	}
	ro, err := redis.ParseURL(opts.URL)
	if err != nil {
		// url.Error quotes the whole URL, password included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, false, fmt.Errorf("parse URL: %w", err)
	}
	ro.ContextTimeoutEnabled = true // so ctx deadlines bound reads as well
	return redis.NewClient(ro), true, nil
}

// warnEviction logs when Redis may evict keys under memory pressure: an
// evicted snapshot or pending outbox entry is silently lost.
func warnEviction(ctx context.Context, client redis.UniversalClient, log *slog.Logger) {
	info, err := client.InfoMap(ctx, "memory").Result()
	if err != nil {
		return // INFO may be disabled on managed Redis; nothing to check
	}
	if policy := info["Memory"]["maxmemory_policy"]; policy != "" && policy != "noeviction" {
		log.Warn("redis may evict store keys; set maxmemory-policy noeviction",
			"component", "store", "maxmemory_policy", policy)
	}
}

// Ping sends PING within ctx's deadline.
func (s *Store) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return fmt.Errorf("ping store: %w", errClosed)
	}
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// Close stops taking writes, lets the writer send every write already
// queued (each completes or fails with its own error), then closes the
// client if the store made it. Later calls return the first call's result.
func (s *Store) Close() error {
	s.closeOne.Do(func() {
		s.queueMu.Lock()
		s.closed.Store(true)
		s.drainLazy()
		close(s.queue)
		s.queueMu.Unlock()
		<-s.written
		if s.ownsClient {
			if err := s.client.Close(); err != nil {
				s.closeErr = fmt.Errorf("close store: %w", err)
			}
		}
	})
	return s.closeErr
}

// check refuses work on a closed store or with an ended ctx.
func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return errClosed
	}
	return ctx.Err()
}
