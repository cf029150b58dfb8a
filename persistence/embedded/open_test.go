package embedded

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "nested", "store.db")
	s := openAt(t, path, Options{})
	t.Cleanup(func() { s.Close() })
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	require.NoError(t, s.Ping(context.Background()))
}

func TestOpenLockedFileFails(t *testing.T) {
	defer func(d time.Duration) { lockTimeout = d }(lockTimeout)
	lockTimeout = 50 * time.Millisecond
	path := filepath.Join(t.TempDir(), "store.db")
	s := openAt(t, path, Options{})
	t.Cleanup(func() { s.Close() })

	_, err := Open(path, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "locked by another process")
}

func TestOpenRejectsForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	require.NoError(t, os.WriteFile(path, []byte("not a database, just some text"), 0o600))
	_, err := Open(path, Options{})
	require.Error(t, err)
}

func TestPingCancelled(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "store.db"), Options{})
	t.Cleanup(func() { s.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, s.Ping(ctx), context.Canceled)
}
