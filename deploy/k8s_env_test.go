package deploy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goRuntimeEnv are variables the Go runtime itself reads; setting them in
// a manifest is tuning, not configuration of frontdesk.
var goRuntimeEnv = map[string]bool{"GOMEMLIMIT": true, "GOMAXPROCS": true, "GOGC": true}

// binaryEnv returns the environment variables the binary reads: the
// string constants named Env* in runtime/config (defaults.go), read from
// the source so that a variable added there is known here at once.
func binaryEnv(t *testing.T) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	paths, err := filepath.Glob(filepath.Join(repoRoot, "runtime", "config", "*.go"))
	require.NoError(t, err)
	names := map[string]bool{}
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range spec.Names {
				if !strings.HasPrefix(id.Name, "Env") || i >= len(spec.Values) {
					continue
				}
				if lit, ok := spec.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					v, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					names[v] = true
				}
			}
			return true
		})
	}
	require.True(t, names["FRONTDESK_ADDR"] && names["REDIS_URL"], "found the Env* constants of runtime/config: %v", names)
	return names
}

// varRef matches ${NAME} in the hospitals file (runtime/config/expand.go).
var varRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// hospitalsVars returns the variables the hospitals YAML refers to.
func hospitalsVars(yamlText string) map[string]bool {
	vars := map[string]bool{}
	for _, m := range varRef.FindAllStringSubmatch(yamlText, -1) {
		vars[m[1]] = true
	}
	return vars
}

// TestDeploymentEnvironment: every variable the pods get is one the
// binary (or the Go runtime) reads or one the hospitals file refers to;
// every reference to a Secret key or ConfigMap exists; every ${NAME} of the
// hospitals file is set, so the pods do not fail at start-up.
func TestDeploymentEnvironment(t *testing.T) {
	m := loadManifests(t)
	known := binaryEnv(t)
	hospitals := m.configMaps["frontdesk-hospitals"].Data["hospitals.yaml"]
	require.NotEmpty(t, hospitals, "ConfigMap frontdesk-hospitals has hospitals.yaml")
	refs := hospitalsVars(hospitals)
	require.NotEmpty(t, refs, "the example hospitals file keeps EMR tokens in ${NAME}s")
	allowed := func(name string) bool { return known[name] || refs[name] || goRuntimeEnv[name] }

	c := frontdeskContainer(t, m)
	set := map[string]bool{}
	for _, e := range c.Env {
		assert.True(t, allowed(e.Name), "env %s: not a variable frontdesk reads (runtime/config) nor one the hospitals file uses", e.Name)
		assert.False(t, set[e.Name], "env %s set twice", e.Name)
		set[e.Name] = true
		if e.ValueFrom == nil {
			continue
		}
		ref := e.ValueFrom.SecretKeyRef
		require.NotNil(t, ref, "env %s: valueFrom is a secretKeyRef", e.Name)
		sec, ok := m.secrets[ref.Name]
		if assert.True(t, ok, "env %s: Secret %q is in secret.example.yaml", e.Name, ref.Name) {
			_, ok = sec.StringData[ref.Key]
			assert.True(t, ok, "env %s: key %q is in secret.example.yaml", e.Name, ref.Key)
		}
	}
	for _, from := range c.EnvFrom {
		require.NotNil(t, from.ConfigMapRef, "envFrom uses ConfigMaps only (Secret keys are listed one by one)")
		cm, ok := m.configMaps[from.ConfigMapRef.Name]
		require.True(t, ok, "envFrom ConfigMap %q is in configmap.yaml", from.ConfigMapRef.Name)
		for k := range cm.Data {
			assert.True(t, allowed(k), "ConfigMap %s: %s is not a variable frontdesk reads", cm.Metadata.Name, k)
			set[k] = true
		}
	}
	for name := range refs {
		assert.True(t, set[name], "the hospitals file uses ${%s} but the pods do not set it", name)
	}
	for name, sec := range m.secrets {
		for k, v := range sec.StringData {
			assert.True(t, set[k], "Secret %s key %s is never used", name, k)
			assert.True(t, strings.HasPrefix(v, "REPLACE_ME"), "Secret %s key %s: the example holds placeholders only", name, k)
		}
	}
	for _, need := range []string{"REDIS_URL", "FRONTDESK_ENCRYPTION_KEY", "FRONTDESK_PUBLIC_URL", "FRONTDESK_CONFIG",
		"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"} {
		assert.True(t, set[need], "%s is set: a production deployment needs it", need)
	}
	assert.Equal(t, "redis", storeOf(set), "two replicas need the shared Redis store")
}

// storeOf names the store the variables select, as config.StoreKind does.
func storeOf(set map[string]bool) string {
	if set["REDIS_URL"] {
		return "redis"
	}
	return "embedded"
}

// envValue returns a plain env value of the container.
func envValue(c container, name string) string {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}
