package deploy

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// quantitySuffixes are the Kubernetes quantity suffixes the manifests use
// (and GOMEMLIMIT's, which are the binary ones with a B).
var quantitySuffixes = []struct {
	suffix string
	factor float64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30},
	{"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"m", 1e-3},
}

// quantity parses a resource quantity ("250m", "512Mi", "1") or a
// GOMEMLIMIT value ("400MiB") into a number of base units.
func quantity(t *testing.T, s string) float64 {
	t.Helper()
	require.NotEmpty(t, s, "quantity is set")
	for _, q := range quantitySuffixes {
		if num, ok := strings.CutSuffix(s, q.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			require.NoError(t, err, "quantity %q", s)
			return v * q.factor
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, "quantity %q", s)
	return v
}

func TestQuantity(t *testing.T) {
	for in, want := range map[string]float64{"250m": 0.25, "1": 1, "512Mi": 512 << 20, "400MiB": 400 << 20, "5Gi": 5 << 30, "2k": 2000} {
		assert.InDelta(t, want, quantity(t, in), 1e-9, in)
	}
}
