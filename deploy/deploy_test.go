// Package deploy holds no code: its tests check the deployment files
// beside them against the binary they deploy. The Dockerfile must build a
// non-root image whose HEALTHCHECK the binary answers; the Kubernetes
// manifests must decode strictly and agree with each other and with the
// configuration the binary reads; the alert rules and the Grafana
// dashboard must name only metrics the binary exports, and the rules must
// pass promtool's own checks and unit tests.
package deploy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// repoRoot is the module root, one level above this package.
const repoRoot = ".."

// readRepoFile reads a file by its path from the repository root.
func readRepoFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(path)))
	require.NoError(t, err, "read %s", path)
	return b
}
