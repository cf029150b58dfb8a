// Package startup measures how long a frontdesk process takes to become
// ready with many conversations stored: it seeds realistic sealed snapshot
// records into Redis through the product's own store (persistence/redis),
// under a prefix of its own, then starts the server on that prefix several
// times and times exec to the first 200 from /readyz.
package startup

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/cmd/frontdesk-load/loadgen"
	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/persistence"
	redisstore "github.com/frontdesk-health/frontdesk/persistence/redis"
	"github.com/frontdesk-health/frontdesk/persistence/seal"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// seeder writes conversations the way the product stores them: the key
// is "conv:" and the keyed hash of sender|phone under the deployment's hash
// key, the value the sealed JSON of a flow.State.
type seeder struct {
	store   *redisstore.Store
	keyring *seal.Keyring
	hasher  *pii.Hasher
	now     time.Time
}

// newSeeder opens the store under the target's prefix and makes the
// deployment's hash key, as the server does on its first start, so the
// server finds the seeded conversations.
func newSeeder(ctx context.Context, t loadgen.Target) (*seeder, error) {
	key, err := base64.StdEncoding.DecodeString(t.EncryptionKey)
	if err != nil {
		return nil, fmt.Errorf("decode encryption key: %w", err)
	}
	kr, err := seal.NewKeyring(key)
	if err != nil {
		return nil, fmt.Errorf("make keyring: %w", err)
	}
	st, err := redisstore.Open(ctx, redisstore.Options{URL: t.RedisURL, Prefix: t.Prefix, MaxBatch: 1000})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	sealed, err := kr.Seal(fresh)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("seal hash key: %w", err)
	}
	stored, err := st.PutMeta(ctx, "hash-key", sealed, false)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("store hash key: %w", err)
	}
	hashKey, err := kr.Open(stored)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open hash key: %w", err)
	}
	return &seeder{store: st, keyring: kr, hasher: pii.NewHasher(hashKey), now: time.Now()}, nil
}

// state is patient i's conversation: registered, at the main menu, a few
// messages in, recently active (so the session has not timed out).
func (s *seeder) state(i int) flow.State {
	recent := make([]string, 8)
	for k := range recent {
		recent[k] = fmt.Sprintf("SM%016x%016x", i, k)
	}
	gender := emr.Female
	if i%2 == 0 {
		gender = emr.Male
	}
	return flow.State{
		Hospital: "demo", Lang: "en",
		Patient:     &emr.Patient{ID: fmt.Sprintf("DEMO-%07d", i), Name: "Seeded Patient", Age: 18 + i%70, Gender: gender},
		Step:        flow.StepID("menu"),
		LastInbound: s.now, Recent: recent,
	}
}

// commit stores patient i's conversation at version 1.
func (s *seeder) commit(ctx context.Context, i int) error {
	raw, err := json.Marshal(s.state(i))
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	sealed, err := s.keyring.Seal(raw)
	if err != nil {
		return fmt.Errorf("seal state: %w", err)
	}
	key := "conv:" + s.hasher.Hash(loadgen.Sender+"|"+loadgen.Phone(i))
	return s.store.Commit(ctx, persistence.Commit{Key: key, ExpectVersion: 0,
		Snapshot: persistence.Snapshot{Key: key, Version: 1, Data: sealed, UpdatedAt: s.now}})
}

// seed commits conversations 0..n-1 from writers goroutines; the store
// group-commits them in pipelines.
func (s *seeder) seed(ctx context.Context, n, writers int) error {
	next := atomic.Int64{}
	var wg sync.WaitGroup
	var first atomic.Value
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || first.Load() != nil {
					return
				}
				if err := s.commit(ctx, i); err != nil {
					first.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := first.Load().(error); err != nil {
		return fmt.Errorf("seed conversations: %w", err)
	}
	return nil
}

// Close closes the store.
func (s *seeder) Close() error { return s.store.Close() }
