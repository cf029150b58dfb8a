package deploy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// TestConfigMapHospitalsLoad: the example hospitals file in the ConfigMap
// passes the same validation as at start-up, with its ${NAME}s set as the
// Secret would set them, and has the shape of the documented example.
func TestConfigMapHospitalsLoad(t *testing.T) {
	m := loadManifests(t)
	text := m.configMaps["frontdesk-hospitals"].Data["hospitals.yaml"]
	require.NotEmpty(t, text)
	path := filepath.Join(t.TempDir(), "hospitals.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	vars := hospitalsVars(text)
	getenv := func(name string) string {
		if vars[name] {
			return "token-for-" + name
		}
		return ""
	}
	hospitals, err := config.LoadHospitals(path, getenv)
	require.NoError(t, err)

	exampleText := readRepoFile(t, "runtime/config/testdata/hospitals.example.yaml")
	exampleVars := hospitalsVars(string(exampleText))
	example, err := config.LoadHospitals(filepath.Join(repoRoot, "runtime", "config", "testdata", "hospitals.example.yaml"),
		func(name string) string {
			if exampleVars[name] {
				return "token-for-" + name
			}
			return ""
		})
	require.NoError(t, err, "the documented example loads too")
	kinds := map[string]string{}
	for _, h := range example {
		kinds[h.Code] = h.EMR.Kind
	}
	require.NotEmpty(t, hospitals)
	for _, h := range hospitals {
		if kind, ok := kinds[h.Code]; ok {
			assert.Equal(t, kind, h.EMR.Kind, "hospital %s has the EMR kind of the documented example", h.Code)
		}
		assert.NotEqual(t, config.EMRKindDemo, h.EMR.Kind, "hospital %s: a production example uses a real EMR", h.Code)
	}

	// Without the Secret's values the file is refused, as the pods would be.
	_, err = config.LoadHospitals(path, func(string) string { return "" })
	require.Error(t, err, "an unset ${NAME} is refused")
}
