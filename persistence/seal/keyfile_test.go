package seal

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "encryption.key")

	created, err := LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	assert.Len(t, created, KeySize)

	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "key file must be private")
	dirInfo, err := os.Stat(filepath.Dir(path))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), dirInfo.Mode().Perm())

	again, err := LoadOrCreateKeyFile(path)
	require.NoError(t, err)
	assert.Equal(t, created, again, "the file's key is reused")

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	fromFile, err := ParseKey(string(raw))
	require.NoError(t, err)
	assert.Equal(t, created, fromFile, "file holds the base64 key")

	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary files left behind")
}

func TestLoadOrCreateKeyFileConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "encryption.key")
	const n = 8
	keys := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { keys[i], errs[i] = LoadOrCreateKeyFile(path) })
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, keys[0], keys[i], "every caller gets the one stored key")
	}
}

func TestLoadOrCreateKeyFileRejectsBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "encryption.key")
	require.NoError(t, os.WriteFile(path, []byte("c2hvcnQ=\n"), 0o600))
	_, err := LoadOrCreateKeyFile(path)
	require.ErrorIs(t, err, ErrInvalidKey)
	assert.Contains(t, err.Error(), path, "error names the file")
	assert.NotContains(t, err.Error(), "c2hvcnQ", "error must not echo the key")

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "c2hvcnQ=\n", string(raw), "a bad key file is never overwritten")
}
