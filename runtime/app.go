package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/dispatch"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/http/simulator"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/embedded"
	redisstore "github.com/frontdesk-health/frontdesk/persistence/redis"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// App is one frontdesk process, wired and ready to serve.
type App struct {
	cfg     config.Config
	log     *slog.Logger
	now     func() time.Time
	metrics *metrics.Metrics
	store   persistence.Store
	codec   *outbound.Codec
	hasher  *pii.Hasher
	holder  string  // this run's lease holder (leases.go)
	beat    *beater // keeps holder beating; nil on a store without persistence.Liveness

	system *actor.ActorSystem
	// mailboxes runs the mailboxes of conversations, shards and outbound
	// actors, and sendPool their sends, on long-lived goroutines
	// (actors/dispatch).
	mailboxes, sendPool *dispatch.Pool
	router              *conversation.Router
	hospitals           map[string]*actor.PID
	outbound            *outboundRegistry
	statuses            *outbound.Statuses // transport.go: Twilio's status callbacks
	media               *mediaParts        // media.go: files patients send
	reminders           *reminderLoop      // reminders.go
	callbacks           *callbackPoster    // callbacks.go: answers to reminders, to the EMR
	scheduler           reminder.Scheduler // reminders.go: what /v1 schedules with
	sends               sync.WaitGroup     // outbound sends in flight
	commits             sync.WaitGroup     // conversation commits in flight

	background     sync.WaitGroup // start-up work running in the background
	stopBackground context.CancelFunc

	health *storeHealth
	waking atomic.Bool // a pass of wakeWaiting is running

	sink    *simulator.Sink // nil when Twilio sends
	demoEMR *demo.EMR       // nil without a demo hospital
	handler http.Handler
	server  *http.Server

	stopping atomic.Bool
}

// New wires a process from its configuration.
func New(cfg config.Config, log *slog.Logger, opts ...Option) (*App, error) {
	s := &settings{now: time.Now, emrs: map[string]emr.Client{}, httpClient: defaultHTTPClient(), shards: 2 * goruntime.GOMAXPROCS(0)}
	for _, o := range opts {
		o(s)
	}
	if s.outboxLease <= 0 {
		s.outboxLease = cfg.OutboxLease
	}
	a := &App{cfg: cfg, log: log, now: s.now, metrics: metrics.New(), holder: persistence.NewHolder()}
	keyring, err := loadKeyring(cfg, log)
	if err != nil {
		return nil, err
	}
	if a.store, err = openStore(cfg, s.now, log, a.metrics); err != nil {
		return nil, err
	}
	if s.storeWrap != nil {
		a.store = s.storeWrap(a.store)
	}
	if live, ok := a.store.(persistence.Liveness); ok {
		a.holder = persistence.NewLiveHolder()
		a.beat = startBeater(live, a.holder, s.beatTTLFor(), s.now, log, a.metrics)
	}
	hashKey, err := loadHashKey(a.store, keyring)
	if err != nil {
		a.abandon()
		return nil, err
	}
	a.hasher = pii.NewHasher(hashKey)
	if a.media, err = newMedia(cfg, s, a.store, keyring, hashKey); err != nil {
		a.abandon()
		return nil, err
	}
	a.codec = outbound.NewCodec(keyring, a.hasher).WithLease(a.holder, s.lease())
	if err := a.wire(s, keyring); err != nil {
		a.abandon()
		return nil, err
	}
	return a, nil
}

// abandon releases what New had started, for a process that failed to
// start: the worker pools, the beat and the store.
func (a *App) abandon() {
	if a.mailboxes != nil {
		a.mailboxes.Close()
		a.sendPool.Close()
	}
	if a.beat != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.beat.close(ctx, true) // nothing was sent
	}
	a.store.Close()
}

// openStore opens the store the configuration names: Redis when
// REDIS_URL is set, else the embedded file in the data directory.
func openStore(cfg config.Config, now func() time.Time, log *slog.Logger, m *metrics.Metrics) (persistence.Store, error) {
	if url := cfg.RedisURL.Value(); url != "" {
		redisstore.RouteClientLogs(log)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		st, err := redisstore.Open(ctx, redisstore.Options{URL: url, Prefix: cfg.RedisPrefix, Now: now, Logger: log,
			Retention: cfg.Retention, MaxBatch: cfg.CommitMaxBatch, MaxWait: cfg.CommitMaxWait, Observer: redisstore.Observer{
				OnBatch: func(size int, _ time.Duration, err error) {
					m.StoreBatchSize.Observe(float64(size))
					if err != nil {
						m.CommitFailures.WithLabelValues("pipeline").Add(float64(size))
					}
				},
			}})
		if err != nil {
			return nil, fmt.Errorf("open redis store: %w", err)
		}
		return st, nil
	}
	st, err := embedded.Open(filepath.Join(cfg.DataDir, "frontdesk.db"), embedded.Options{Now: now, Logger: log, Retention: cfg.Retention})
	if err != nil {
		return nil, fmt.Errorf("open embedded store in %s: %w", cfg.DataDir, err)
	}
	return st, nil
}

// wire builds the actors and the HTTP handler.
func (a *App) wire(s *settings, sealer persistence.Sealer) error {
	clients, demoEMR, err := emrClients(a.cfg, s)
	if err != nil {
		return err
	}
	a.demoEMR = demoEMR
	a.system = a.newActorSystem()
	a.mailboxes = dispatch.NewPool(8*goruntime.GOMAXPROCS(0), 0)
	a.sendPool = dispatch.NewPool(outbound.DefaultMaxInFlight, 0)
	if err := a.spawnHospitals(clients); err != nil {
		return err
	}
	transport := s.transport
	if transport == nil {
		if a.cfg.TwilioConfigured() {
			if transport, err = newTwilioTransport(a.cfg, s.sendTimeout); err != nil {
				return err
			}
		} else {
			a.sink = simulator.NewSink()
			transport = a.sink
		}
	}
	a.newOutbound(transport, s)
	a.health = newStoreHealth(a.store.Ping, s.probeInterval, s.probeTimeout, a.log, a.metrics)
	cat, err := catalog.Load()
	if err != nil {
		return err
	}
	if err := a.startCallbacks(s, sealer); err != nil {
		return err
	}
	hospitals := make(map[string]*flow.Hospital, len(a.cfg.Hospitals))
	for i := range a.cfg.Hospitals {
		h := &a.cfg.Hospitals[i]
		hospitals[h.Code] = &flow.Hospital{Config: h, Caps: clients[h.Code].Capabilities()}
	}
	deps := &conversation.Deps{
		Engine: flow.New(cat), Catalog: cat, Hospitals: hospitals,
		Store: a.store, Sealer: sealer, Hasher: a.hasher, Codec: a.codec,
		Callbacks: a.callbacks.codec, CallbackPID: a.callbacks.pid,
		HospitalPID:    func(code string) *actor.PID { return a.hospitals[code] },
		OutboundPID:    a.outbound.pid,
		Now:            a.now,
		SessionTimeout: a.cfg.SessionTimeout,
		PassivateAfter: a.cfg.PassivateAfter,
		CommitTimeout:  5 * time.Second,
		Metrics:        a.metrics,
		Logger:         a.log,
		Fault:          s.fault,
		Commits:        &a.commits,
		Dispatcher:     a.mailboxes,
		StoreError:     a.health.failed,
	}
	if a.router, err = conversation.NewRouter(a.system, deps, s.shards, 10*time.Second); err != nil {
		return err
	}
	if err := a.startReminders(s, sealer, cat); err != nil {
		return err
	}
	a.handler = a.routes()
	var bg context.Context
	bg, a.stopBackground = context.WithCancel(context.Background())
	a.health.onUp = func() { a.storeBack(bg, sealer) }
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		a.health.run(bg)
	}()
	a.startWaking(bg, sealer)
	a.server = &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second, // above the simulator's 25 s long poll
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	return nil
}

// Handler is the process's HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Serve answers HTTP on ln until Shutdown.
func (a *App) Serve(ln net.Listener) error {
	if err := a.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve http: %w", err)
	}
	return nil
}

// ready reports whether the process takes traffic: not while shutting
// down, nor while the store health monitor finds the store unreachable
// (its state, not a ping per call: probes must stay cheap).
func (a *App) ready(context.Context) error {
	if a.stopping.Load() {
		return errors.New("shutting down")
	}
	return a.health.err()
}
