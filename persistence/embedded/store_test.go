package embedded

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
)

// testStart is the fake clock's start: a fixed instant keeps runs
// reproducible.
var testStart = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func openAt(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(path, opts)
	require.NoError(t, err)
	return s
}

func TestContract(t *testing.T) {
	clock := storetest.NewClock(testStart)
	opts := Options{Retention: time.Hour, DedupeTTL: 10 * time.Minute, WakeTTL: 5 * time.Minute, Now: clock.Now}
	storetest.Run(t, func(t *testing.T) persistence.Store {
		return openAt(t, filepath.Join(t.TempDir(), "store.db"), opts)
	}, storetest.WithExpiry(storetest.Expiry{Retention: opts.Retention, DedupeTTL: opts.DedupeTTL, WakeTTL: opts.WakeTTL, Clock: clock}))
}

func TestContractDurable(t *testing.T) {
	storetest.RunDurable(t, func(t *testing.T, dir string) persistence.Store {
		return openAt(t, filepath.Join(dir, "store.db"), Options{})
	})
}

// TestContractWallClock runs the suite's wall-clock expiry path, the one a
// Redis backend with real TTLs takes, so that path is known to work.
func TestContractWallClock(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for two-second TTLs")
	}
	opts := Options{Retention: 2 * time.Second, DedupeTTL: 2 * time.Second, WakeTTL: 2 * time.Second}
	storetest.Run(t, func(t *testing.T) persistence.Store {
		return openAt(t, filepath.Join(t.TempDir(), "store.db"), opts)
	}, storetest.WithExpiry(storetest.Expiry{Retention: opts.Retention, DedupeTTL: opts.DedupeTTL, WakeTTL: opts.WakeTTL}))
}
