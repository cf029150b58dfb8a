package loadgen

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

// The crash test's hospitals use a REST EMR that lives in the test
// process (the fake of emr/restapi/restapitest), not the in-process demo
// EMR: the demo EMR forgets every patient registered when its process is
// killed, while a real EMR outlives the front desk. Each EMR call takes
// crashEMRLatency, so that kills land while calls are in flight and the
// conversations waiting for them must be woken after the restart
// (runtime/wake.go).
const crashEMRLatency = 5 * time.Millisecond

// startCrashEMR starts the fake EMR behind a proxy that adds
// crashEMRLatency to every call, and returns the operations' URLs; cut
// counts the calls the server gave up on midway (it was killed).
func startCrashEMR(t *testing.T, cut *atomic.Int64) map[string]string {
	t.Helper()
	fake := restapitest.NewServer(t)
	target, err := url.Parse(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		cut.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(crashEMRLatency):
		case <-r.Context().Done():
			cut.Add(1)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(slow.Close)
	out := map[string]string{}
	for op, u := range fake.Endpoints() {
		out[op] = strings.Replace(u, fake.URL(), slow.URL, 1)
	}
	return out
}

// crashHospitalYAML is one hospital of the crash test on the REST EMR.
const crashHospitalYAML = `  - code: %s
    name: Crash Hospital %d
    helpline: "+911234567890"
    timezone: Asia/Kolkata
    languages: [en, hi]
    sender: "%s"
    country_code: %q
    send_rate: %d
    registration:
      photo_optional: true
    emr:
      kind: restapi
      hid: %q
      timeout: 5s
      auth_header: %q
      endpoints:
`

// writeCrashHospitals writes the hospitals file of the crash test into
// dir and returns its path.
func writeCrashHospitals(dir string, hs []Hospital, sendRate int, endpoints map[string]string) (string, error) {
	var b strings.Builder
	b.WriteString("hospitals:\n")
	ops := slices.Sorted(maps.Keys(endpoints))
	for i, h := range hs {
		fmt.Fprintf(&b, crashHospitalYAML, h.Code, i+1, h.Sender, restapitest.CountryCode, sendRate,
			restapitest.HID, restapitest.AuthHeader)
		for _, op := range ops {
			fmt.Fprintf(&b, "        %s: %s\n", op, endpoints[op])
		}
	}
	path := filepath.Join(dir, "hospitals.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("write hospitals file: %w", err)
	}
	return path, nil
}
