package deploy

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// frontdeskContainer returns the frontdesk Deployment's container.
func frontdeskContainer(t *testing.T, m *manifests) container {
	t.Helper()
	d, ok := m.deployments["frontdesk"]
	require.True(t, ok, "Deployment frontdesk")
	require.Len(t, d.Spec.Template.Spec.Containers, 1)
	return d.Spec.Template.Spec.Containers[0]
}

// containerPort resolves a probe's or Service's port (a name or a
// number) to the container's port number, 0 when it names none.
func containerPort(c container, p intOrString) int {
	for _, cp := range c.Ports {
		if string(p) == cp.Name || string(p) == strconv.Itoa(cp.ContainerPort) {
			return cp.ContainerPort
		}
	}
	return 0
}

// shutdownGrace reads how long the process may take after SIGTERM from
// runtime/run.go, so the Deployment's grace period follows it.
func shutdownGrace(t *testing.T) int {
	t.Helper()
	m := regexp.MustCompile(`shutdownGrace\s*=\s*(\d+)\s*\*\s*time\.Second`).FindSubmatch(readRepoFile(t, "runtime/run.go"))
	require.NotNil(t, m, "runtime/run.go defines shutdownGrace in seconds")
	n, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	return n
}

// TestDeployment: probes reach the server's real ops routes, the pod
// outlives the process's graceful shutdown, and ports, resources and the
// hospitals mount agree with what the binary expects.
func TestDeployment(t *testing.T) {
	m := loadManifests(t)
	d := m.deployments["frontdesk"]
	pod := d.Spec.Template
	assert.Equal(t, 2, d.Spec.Replicas, "two replicas (with Redis)")
	assert.True(t, selects(d.Spec.Selector.MatchLabels, pod.Metadata.Labels), "the Deployment's selector selects its pods")
	c := frontdeskContainer(t, m)

	// Probes: readiness on /readyz (store reachable), liveness and
	// start-up on /healthz (a Redis outage must not restart pods); each
	// answers 200 on the real server.
	ops := server.New(server.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics.New(),
		Ready: func(context.Context) error { return nil },
	})
	for name, p := range map[string]*probe{"startup": c.StartupProbe, "readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
		require.NotNil(t, p, "%s probe", name)
		require.NotNil(t, p.HTTPGet, "%s probe uses httpGet", name)
		assert.Equal(t, 8080, containerPort(c, p.HTTPGet.Port), "%s probe port is the container's", name)
		rec := httptest.NewRecorder()
		ops.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.HTTPGet.Path, nil))
		assert.Equal(t, http.StatusOK, rec.Code, "%s probe path %s is served", name, p.HTTPGet.Path)
		assert.Positive(t, p.TimeoutSeconds, "%s probe timeout", name)
	}
	assert.Equal(t, "/readyz", c.ReadinessProbe.HTTPGet.Path)
	assert.Equal(t, "/healthz", c.LivenessProbe.HTTPGet.Path)
	assert.Equal(t, "/healthz", c.StartupProbe.HTTPGet.Path)
	assert.Greater(t, c.ReadinessProbe.TimeoutSeconds, 2, "/readyz gives the store 2 s; the probe must wait longer")

	// Graceful termination: preStop sleep, then up to shutdownGrace.
	require.NotNil(t, pod.Spec.TerminationGracePeriodSeconds)
	require.NotNil(t, c.Lifecycle, "preStop hook")
	require.NotNil(t, c.Lifecycle.PreStop.Sleep, "preStop sleep (distroless has no sleep binary)")
	sleep := c.Lifecycle.PreStop.Sleep.Seconds
	assert.True(t, sleep >= 1 && sleep <= 15, "preStop sleeps a few seconds, got %d", sleep)
	assert.Greater(t, *pod.Spec.TerminationGracePeriodSeconds, sleep+shutdownGrace(t),
		"grace period covers the preStop sleep and the process's %d s shutdown", shutdownGrace(t))

	// Ports: the process listens where the container port and the
	// scrape annotation say.
	_, port, err := net.SplitHostPort(envValue(c, "FRONTDESK_ADDR"))
	require.NoError(t, err, "FRONTDESK_ADDR")
	require.Len(t, c.Ports, 1)
	assert.Equal(t, port, strconv.Itoa(c.Ports[0].ContainerPort), "FRONTDESK_ADDR port = containerPort")
	assert.Equal(t, port, pod.Metadata.Annotations["prometheus.io/port"], "scrape annotation port")
	assert.Equal(t, "/metrics", pod.Metadata.Annotations["prometheus.io/path"])

	// Resources: requests and limits for CPU and memory, requests within
	// limits, GOMEMLIMIT below the memory limit.
	for _, r := range []string{"cpu", "memory"} {
		req, lim := quantity(t, c.Resources.Requests[r]), quantity(t, c.Resources.Limits[r])
		assert.Positive(t, req, "requests.%s", r)
		assert.LessOrEqual(t, req, lim, "requests.%s <= limits.%s", r, r)
	}
	if v := envValue(c, "GOMEMLIMIT"); v != "" {
		assert.Less(t, quantity(t, v), quantity(t, c.Resources.Limits["memory"]), "GOMEMLIMIT leaves room under the memory limit")
	}

	// The hospitals file: FRONTDESK_CONFIG is a key of the mounted ConfigMap.
	cfgPath := envValue(c, "FRONTDESK_CONFIG")
	mounted := false
	for _, vm := range c.VolumeMounts {
		if vm.MountPath != path.Dir(cfgPath) {
			continue
		}
		for _, v := range pod.Spec.Volumes {
			if v.Name == vm.Name && v.ConfigMap != nil {
				_, mounted = m.configMaps[v.ConfigMap.Name].Data[path.Base(cfgPath)]
				assert.True(t, vm.ReadOnly, "the hospitals mount is read-only")
			}
		}
	}
	assert.True(t, mounted, "FRONTDESK_CONFIG=%s is a key of a ConfigMap mounted at %s", cfgPath, path.Dir(cfgPath))
}

// TestServiceAndDisruptionBudget: the Service and the PDB select the
// Deployment's pods (and no Redis pod), the Service reaches the container
// port, and the PDB still lets a node drain.
func TestServiceAndDisruptionBudget(t *testing.T) {
	m := loadManifests(t)
	d := m.deployments["frontdesk"]
	labels := d.Spec.Template.Metadata.Labels
	redisLabels := m.statefulSets["redis"].Spec.Template.Metadata.Labels
	c := frontdeskContainer(t, m)

	svc, ok := m.services["frontdesk"]
	require.True(t, ok, "Service frontdesk")
	assert.True(t, selects(svc.Spec.Selector, labels), "Service selects the frontdesk pods")
	assert.False(t, selects(svc.Spec.Selector, redisLabels), "Service does not select Redis")
	require.NotEmpty(t, svc.Spec.Ports)
	for _, p := range svc.Spec.Ports {
		assert.Equal(t, 8080, containerPort(c, p.TargetPort), "Service port %s targets the container port", p.Name)
	}

	pdb, ok := m.pdbs["frontdesk"]
	require.True(t, ok, "PodDisruptionBudget frontdesk")
	assert.True(t, selects(pdb.Spec.Selector.MatchLabels, labels), "PDB selects the frontdesk pods")
	assert.False(t, selects(pdb.Spec.Selector.MatchLabels, redisLabels), "PDB does not select Redis")
	minAvail, err := strconv.Atoi(string(pdb.Spec.MinAvailable))
	require.NoError(t, err, "minAvailable is a count")
	assert.True(t, minAvail >= 1 && minAvail < d.Spec.Replicas, "minAvailable %d keeps one pod serving and still lets a node drain", minAvail)
}

// TestRedisExample: AOF on, noeviction, data on a claim, and REDIS_URL
// points at its Service, which only frontdesk pods may reach.
func TestRedisExample(t *testing.T) {
	m := loadManifests(t)
	ss, ok := m.statefulSets["redis"]
	require.True(t, ok, "StatefulSet redis")
	assert.Equal(t, 1, ss.Spec.Replicas, "single node")
	require.Len(t, ss.Spec.Template.Spec.Containers, 1)
	c := ss.Spec.Template.Spec.Containers[0]
	args := map[string]string{}
	for i := 0; i+1 < len(c.Args); i++ {
		args[c.Args[i]] = c.Args[i+1]
	}
	assert.Equal(t, "yes", args["--appendonly"], "AOF on")
	assert.Equal(t, "noeviction", args["--maxmemory-policy"], "no eviction (docs/storage.md)")
	require.Len(t, ss.Spec.VolumeClaimTemplates, 1)
	claim := ss.Spec.VolumeClaimTemplates[0]
	assert.NotEmpty(t, claim.Spec.Resources.Requests["storage"])
	found := false
	for _, vm := range c.VolumeMounts {
		found = found || (vm.Name == claim.Metadata.Name && vm.MountPath == "/data")
	}
	assert.True(t, found, "the claim is mounted at /data (the image's working directory)")
	svc, ok := m.services[ss.Spec.ServiceName]
	require.True(t, ok, "serviceName %q is a Service", ss.Spec.ServiceName)
	assert.True(t, selects(svc.Spec.Selector, ss.Spec.Template.Metadata.Labels), "Service %s selects the Redis pod", svc.Metadata.Name)

	u, err := url.Parse(m.configMaps["frontdesk-env"].Data["REDIS_URL"])
	require.NoError(t, err)
	assert.Equal(t, svc.Metadata.Name, u.Hostname(), "REDIS_URL points at the Redis Service")
	require.NotEmpty(t, svc.Spec.Ports)
	assert.Equal(t, strconv.Itoa(svc.Spec.Ports[0].Port), u.Port(), "REDIS_URL port")

	np, ok := m.networkPolicies["redis"]
	require.True(t, ok, "NetworkPolicy redis")
	assert.True(t, selects(np.Spec.PodSelector.MatchLabels, ss.Spec.Template.Metadata.Labels), "it guards the Redis pod")
	require.Len(t, np.Spec.Ingress, 1)
	require.Len(t, np.Spec.Ingress[0].From, 1)
	assert.True(t, selects(np.Spec.Ingress[0].From[0].PodSelector.MatchLabels, m.deployments["frontdesk"].Spec.Template.Metadata.Labels),
		"frontdesk pods may connect")
}

// TestPodSecurity: every pod runs as non-root with a read-only root file
// system, no privilege escalation, no capabilities and the runtime's
// default seccomp profile.
func TestPodSecurity(t *testing.T) {
	m := loadManifests(t)
	pods := map[string]podTemplate{}
	for name, d := range m.deployments {
		pods["Deployment/"+name] = d.Spec.Template
	}
	for name, s := range m.statefulSets {
		pods["StatefulSet/"+name] = s.Spec.Template
	}
	require.Len(t, pods, 2)
	for name, pod := range pods {
		t.Run(name, func(t *testing.T) {
			ps := pod.Spec.SecurityContext
			require.NotNil(t, ps, "pod securityContext")
			assert.True(t, ps.RunAsNonRoot != nil && *ps.RunAsNonRoot, "runAsNonRoot")
			assert.True(t, ps.RunAsUser != nil && *ps.RunAsUser != 0, "runAsUser is not root")
			assert.True(t, ps.SeccompProfile != nil && ps.SeccompProfile.Type == "RuntimeDefault", "seccomp RuntimeDefault")
			assert.True(t, pod.Spec.AutomountServiceAccountToken != nil && !*pod.Spec.AutomountServiceAccountToken,
				"no service account token: nothing talks to the API server")
			for _, c := range pod.Spec.Containers {
				cs := c.SecurityContext
				require.NotNil(t, cs, "container %s securityContext", c.Name)
				assert.True(t, cs.ReadOnlyRootFilesystem != nil && *cs.ReadOnlyRootFilesystem, "%s: readOnlyRootFilesystem", c.Name)
				assert.True(t, cs.AllowPrivilegeEscalation != nil && !*cs.AllowPrivilegeEscalation, "%s: allowPrivilegeEscalation false", c.Name)
				assert.True(t, cs.Capabilities != nil && len(cs.Capabilities.Drop) == 1 && cs.Capabilities.Drop[0] == "ALL", "%s: drop ALL capabilities", c.Name)
				assert.NotEmpty(t, c.Resources.Requests["memory"], "%s: memory request", c.Name)
				assert.NotEmpty(t, c.Resources.Limits["memory"], "%s: memory limit", c.Name)
			}
		})
	}
}
