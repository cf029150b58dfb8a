// Package embedded is the single-file persistence.Store for one clinic or
// the demo, on bbolt. Every write goes through one group writer (writer.go):
// commits from many conversations that arrive while the previous
// transaction is being written share the next transaction and its fsync;
// each commit's version check and writes happen inside that transaction,
// so a commit is all or nothing.
//
// Buckets (keys are raw bytes; "pair" is uvarint(len(a)) | a | b, which keeps
// one sender's or hospital's keys contiguous and unambiguous; (8) is 8
// bytes of big-endian Unix nanoseconds, so byte order is time order):
//
//	snapshots          conversation key          → version, updated, expires, data
//	snapshot_expiry    expires(8) | key          → nothing; sweep index
//	outbox             pair(sender, id)          → the entry with state, status, expiry
//	outbox_pending     pair(sender, id)          → nothing; cursor order is send order
//	outbox_expiry      expires(8) | pair         → nothing; sweep index of sent/failed
//	provider_ids       provider message id       → expires(8) | pair(sender, id)
//	provider_expiry    expires(8) | provider id  → nothing; sweep index
//	sids               MessageSid                → expires(8)
//	sid_expiry         expires(8) | sid          → nothing; sweep index
//	inbound            pair(sender, subject)     → last inbound time, expires
//	inbound_expiry     expires(8) | pair         → nothing; sweep index
//	consent            pair(hospital, subject)   → opted out, at, source (kind "")
//	consent_kinds      pair(hospital, pair(subject, kind)) → the same, per kind
//	consent_log        pair(hospital, pair(subject, at(8) | seq(8))) → kind, opted out, at, source
//	reminders          pair(hospital, id)        → the reminder, lease, expiry
//	reminder_due       claimAt(8) | pair(hospital, id) → nothing; scheduled only
//	reminder_list      pair(hospital, due(8) | id) → nothing; listing order
//	reminder_subject   pair(hospital, pair(subject, due(8) | id)) → nothing
//	reminder_expiry    expires(8) | pair(hospital, id) → nothing; sweep index
//	idempotency        pair(hospital, key)       → the record with its expiry
//	idempotency_expiry expires(8) | pair         → nothing; sweep index
//	media              id                        → expires(8) | sealed bytes
//	media_expiry       expires(8) | id           → nothing; sweep index
//	wakes              conversation key          → expires(8) | sealed address
//	meta               name                      → value (e.g. the sealed hash key)
//
// Expired records are absent to every read at once; Sweep (run
// periodically in the background) deletes them from the file. Expiry
// times are stored with each record, so a changed Retention applies to
// records written afterwards. Reminders are claimed and fired in the
// group writer's transactions: a claim takes the first keys of
// reminder_due (claimAt is the Due, or the lease end while claimed) and
// moves each to its lease end; a firing checks the lease holder, enqueues
// its outbox entries and moves or retires the reminder in one transaction.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Defaults for Options fields left zero.
const (
	DefaultRetention     = 30 * 24 * time.Hour
	DefaultDedupeTTL     = 7 * 24 * time.Hour
	DefaultSweepInterval = time.Hour
)

// lockTimeout bounds the wait for the file lock, so a second process on the
// same file fails at start-up instead of hanging.
var lockTimeout = 2 * time.Second

// Options tunes a Store. Zero values take the defaults.
type Options struct {
	// Retention is how long a snapshot lives after its last commit, a
	// sent or failed outbox entry (and its provider id) after it was
	// marked, a fired or cancelled reminder after that, and a patient's
	// last inbound time after the latest.
	Retention time.Duration
	// DedupeTTL is how long a committed MessageSid counts as seen.
	DedupeTTL time.Duration
	// WakeTTL is how long a wake mark lives (default persistence.WakeTTL).
	WakeTTL time.Duration
	// Now is the clock for expiry and UpdatedAt (tests inject a fake one).
	Now func() time.Time
	// SweepInterval is how often expired records are deleted in the
	// background; negative turns the background sweep off.
	SweepInterval time.Duration
	// Logger receives background sweep failures; nil means slog.Default().
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.DedupeTTL <= 0 {
		o.DedupeTTL = DefaultDedupeTTL
	}
	if o.WakeTTL <= 0 {
		o.WakeTTL = persistence.WakeTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SweepInterval == 0 {
		o.SweepInterval = DefaultSweepInterval
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Store must keep satisfying the contract that storetest checks.
var _ persistence.Store = (*Store)(nil)

// Store is a persistence.Store in one bbolt file. It is safe for concurrent
// use; only one process may hold the file open.
type Store struct {
	db   *bolt.DB
	opts Options
	// run names this open of the file in the outbox leases written
	// through it: only one process can hold the file, so a lease written
	// under another open is a stopped process's and no longer counts.
	run uint64

	writes  chan write    // to the group writer
	writeMu sync.RWMutex  // held to queue a write; Close takes it to stop queueing
	closed  bool          // guarded by writeMu
	closing chan struct{} // closed by Close once no write can be queued
	written chan struct{} // closed when the group writer has ended

	stopSweep context.CancelFunc
	swept     chan struct{} // closed when the sweep loop has ended
	closeOnce sync.Once
	closeErr  error
}

// Open opens or creates the store file at path (and its directory, mode
// 0700; the file is 0600 since it holds sealed patient data).
func Open(path string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open store: create directory: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("open store %s: file is locked by another process", path)
		}
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, opts: opts, run: rand.Uint64() | 1, swept: make(chan struct{}),
		writes: make(chan write, maxGroup), closing: make(chan struct{}), written: make(chan struct{})}
	go s.writeLoop()
	ctx, cancel := context.WithCancel(context.Background())
	s.stopSweep = cancel
	if opts.SweepInterval > 0 {
		go s.sweepLoop(ctx, opts.SweepInterval)
	} else {
		close(s.swept)
	}
	return s, nil
}

// Ping reports whether the file is open.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	if err := s.db.View(func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// Close stops the background sweep and closes the file once every running
// transaction has finished. Later calls return the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.stopSweep()
		<-s.swept
		s.writeMu.Lock()
		s.closed = true
		s.writeMu.Unlock()
		s.finishWrites()
		close(s.closing)
		<-s.written
		if err := s.db.Close(); err != nil {
			s.closeErr = fmt.Errorf("close store: %w", err)
		}
	})
	return s.closeErr
}

func (s *Store) now() time.Time { return s.opts.Now() }
