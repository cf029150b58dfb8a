package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// kubeDir holds the Kubernetes manifests.
const kubeDir = "kubernetes"

// manifests is every object of deploy/kubernetes, by kind and name.
type manifests struct {
	files           map[string][]string // file -> "Kind/name" of its documents
	deployments     map[string]deployment
	statefulSets    map[string]statefulSet
	services        map[string]service
	configMaps      map[string]configMap
	secrets         map[string]secret
	pdbs            map[string]podDisruptionBudget
	networkPolicies map[string]networkPolicy
	kustomization   kustomization
}

// apiVersions is the API group version each kind must use (the stable
// ones: no beta APIs that newer clusters have removed).
var apiVersions = map[string]string{
	"Deployment": "apps/v1", "StatefulSet": "apps/v1", "Service": "v1", "ConfigMap": "v1",
	"Secret": "v1", "PodDisruptionBudget": "policy/v1", "NetworkPolicy": "networking.k8s.io/v1",
	"Kustomization": "kustomize.config.k8s.io/v1beta1",
}

// loadManifests decodes every document of every YAML file in
// deploy/kubernetes strictly into the type its kind names.
func loadManifests(t *testing.T) *manifests {
	t.Helper()
	m := &manifests{
		files: map[string][]string{}, deployments: map[string]deployment{}, statefulSets: map[string]statefulSet{},
		services: map[string]service{}, configMaps: map[string]configMap{}, secrets: map[string]secret{},
		pdbs: map[string]podDisruptionBudget{}, networkPolicies: map[string]networkPolicy{},
	}
	paths, err := filepath.Glob(filepath.Join(kubeDir, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	sort.Strings(paths)
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		file := filepath.Base(path)
		for i, doc := range splitDocuments(t, file, raw) {
			var tm typeMeta
			require.NoError(t, yaml.Unmarshal(doc, &tm), "%s document %d", file, i)
			want, known := apiVersions[tm.Kind]
			require.True(t, known, "%s document %d: unexpected kind %q", file, i, tm.Kind)
			require.Equal(t, want, tm.APIVersion, "%s document %d (%s): apiVersion", file, i, tm.Kind)
			name := m.add(t, file, i, tm.Kind, doc)
			m.files[file] = append(m.files[file], tm.Kind+"/"+name)
		}
	}
	return m
}

// add decodes one document into its kind's map and returns its name.
func (m *manifests) add(t *testing.T, file string, i int, kind string, doc []byte) string {
	t.Helper()
	where := func(name string) string { return file + " " + kind + "/" + name }
	var name string
	switch kind {
	case "Deployment":
		var v deployment
		strictDecode(t, file, i, doc, &v)
		name = v.Metadata.Name
		m.deployments[name] = v
	case "StatefulSet":
		var v statefulSet
		strictDecode(t, file, i, doc, &v)
		name = v.Metadata.Name
		m.statefulSets[name] = v
	case "Service":
		var v service
		strictDecode(t, file, i, doc, &v)
		name = v.Metadata.Name
		m.services[name] = v
	case "ConfigMap":
		var v configMap
		strictDecode(t, file, i, doc, &v)
		name = v.Metadata.Name
		m.configMaps[name] = v
	case "Secret":
		var v secret
		strictDecode(t, file, i, doc, &v)
		name = v.Metadata.Name
		m.secrets[name] = v
	case "PodDisruptionBudget":
		var v podDisruptionBudget
		strictDecode(t, file, i, doc, &v)
		name = v.Metadata.Name
		m.pdbs[name] = v
	case "NetworkPolicy":
		var v networkPolicy
		strictDecode(t, file, i, doc, &v)
		name = v.Metadata.Name
		m.networkPolicies[name] = v
	case "Kustomization":
		strictDecode(t, file, i, doc, &m.kustomization)
		return "kustomization"
	}
	require.NotEmpty(t, name, "%s document %d: metadata.name", file, i)
	for _, other := range m.files[file] {
		require.NotEqual(t, kind+"/"+name, other, "%s: defined twice", where(name))
	}
	return name
}

// splitDocuments returns each YAML document of a file on its own, so that
// each can be decoded strictly (yaml.v3 checks unknown fields only when
// decoding from a Decoder, not from a Node).
func splitDocuments(t *testing.T, file string, raw []byte) [][]byte {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var docs [][]byte
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs
		}
		require.NoError(t, err, "parse %s", file)
		if len(n.Content) == 0 {
			continue // an empty document (a trailing ---)
		}
		doc, err := yaml.Marshal(&n)
		require.NoError(t, err)
		docs = append(docs, doc)
	}
}

// strictDecode decodes doc into v refusing unknown fields.
func strictDecode(t *testing.T, file string, i int, doc []byte, v any) {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(v), "%s document %d: decode strictly", file, i)
}

// selects reports whether a label selector selects pods with labels.
func selects(sel map[string]string, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestManifestsDecodeStrictly: every document of every manifest decodes
// into its API type with no unknown field, and kustomization.yaml lists
// every manifest except the Secret example.
func TestManifestsDecodeStrictly(t *testing.T) {
	m := loadManifests(t)
	var want []string
	for file := range m.files {
		if file != "kustomization.yaml" && file != "secret.example.yaml" {
			want = append(want, file)
		}
	}
	require.ElementsMatch(t, want, m.kustomization.Resources,
		"kustomization.yaml resources: every manifest except secret.example.yaml (applying placeholders would overwrite the real Secret)")
	for _, f := range m.files["secret.example.yaml"] {
		require.True(t, strings.HasPrefix(f, "Secret/"), "secret.example.yaml holds Secrets only, got %s", f)
	}
}

// TestStrictDecodeRefusesUnknownFields: the decoding above would catch a
// misspelt field.
func TestStrictDecodeRefusesUnknownFields(t *testing.T) {
	doc := []byte("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: x}\nspec:\n  minAvailabel: 1\n")
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	var v podDisruptionBudget
	require.ErrorContains(t, dec.Decode(&v), "minAvailabel")
}
