package nodetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestModulesFresh: node_modules is stale when a pinned package is
// missing or at another version; another platform's optional package
// may be missing.
func TestModulesFresh(t *testing.T) {
	dir := t.TempDir()
	write := func(path, body string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, path)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, path), []byte(body), 0o644))
	}
	write("package-lock.json", `{"packages":{"":{"version":"1.0.0"},"node_modules/a":{"version":"1.2.3"},`+
		`"node_modules/@s/b":{"version":"2.0.0"},"node_modules/fsevents":{"version":"2.3.3","optional":true}}}`)
	fresh, err := modulesFresh(dir)
	require.NoError(t, err)
	assert.False(t, fresh, "nothing installed")
	write("node_modules/a/package.json", `{"version":"1.2.3"}`)
	write("node_modules/@s/b/package.json", `{"version":"1.9.0"}`)
	fresh, _ = modulesFresh(dir)
	assert.False(t, fresh, "b at another version")
	write("node_modules/@s/b/package.json", `{"version":"2.0.0"}`)
	fresh, _ = modulesFresh(dir)
	assert.True(t, fresh, "every pinned package installed; the optional one of another platform missing")
}

// TestModulesFreshRefusesAnEmptyLock: a lock file that pins nothing (an
// old lockfileVersion 1, or a broken file) is an error, not "fresh".
func TestModulesFreshRefusesAnEmptyLock(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "package-lock.json"), []byte(`{"lockfileVersion":1}`), 0o644))
	_, err := modulesFresh(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "pins no packages")
}
