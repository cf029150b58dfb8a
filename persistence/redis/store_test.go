package redisstore

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
)

func TestContract(t *testing.T) {
	url := testRedis(t)
	storetest.Run(t, func(t *testing.T) persistence.Store {
		return openStore(t, url, Options{Prefix: testPrefix(t, url)})
	})
}

// TestContractExpiry runs the suite again with TTLs short enough for the
// expiry checks to watch Redis drop the keys.
func TestContractExpiry(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for two-second TTLs")
	}
	url := testRedis(t)
	opts := Options{Retention: 2 * time.Second, DedupeTTL: 2 * time.Second, WakeTTL: 2 * time.Second}
	storetest.Run(t, func(t *testing.T) persistence.Store {
		o := opts
		o.Prefix = testPrefix(t, url)
		return openStore(t, url, o)
	}, storetest.WithExpiry(storetest.Expiry{Retention: opts.Retention, DedupeTTL: opts.DedupeTTL, WakeTTL: opts.WakeTTL}))
}

// TestContractDurable reopens a store on the same prefix: the location the
// suite passes becomes the prefix.
func TestContractDurable(t *testing.T) {
	url := testRedis(t)
	storetest.RunDurable(t, func(t *testing.T, dir string) persistence.Store {
		sum := sha256.Sum256([]byte(dir))
		prefix := "fdtest:durable:" + hex.EncodeToString(sum[:8]) + ":"
		t.Cleanup(func() { deletePrefix(t, url, prefix) })
		return openStore(t, url, Options{Prefix: prefix})
	})
}
