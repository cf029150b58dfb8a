package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/nodetest"
)

// demoPatient is the demo EMR's registered patient the script books for.
const demoPatient = "+919800000001"

// summary is the JSON line book.mjs prints when it succeeds.
type summary struct {
	Welcome     string            `json:"welcome"`
	Booked      string            `json:"booked"`
	Saved       string            `json:"saved"`
	Record      string            `json:"record"`
	Reminder    string            `json:"reminder"`
	Confirmed   string            `json:"confirmed"`
	EMR         string            `json:"emr"`
	Goodbye     string            `json:"goodbye"`
	Screenshots map[string]string `json:"screenshots"`
}

// TestBookInTheBrowser books an in-person appointment through the web
// simulator of a real demo process in headless Chromium, confirms an
// appointment reminder there, then checks the screenshots and, through
// the bot itself, that the EMR holds the booking.
func TestBookInTheBrowser(t *testing.T) {
	tools := findTools(t)
	dir, err := os.Getwd()
	require.NoError(t, err)
	install, stop := context.WithTimeout(t.Context(), 5*time.Minute)
	require.NoError(t, nodetest.Modules(install, dir), "install the pinned playwright-core")
	stop()

	base, logs := startDemo(t)
	work := t.TempDir()
	shots := filepath.Join(work, "shots")
	profile := filepath.Join(work, "profile")
	require.NoError(t, os.MkdirAll(shots, 0o755))
	require.NoError(t, os.MkdirAll(profile, 0o700))
	upload := filepath.Join(work, "referral-letter.png")
	writeTestPNG(t, upload)
	if keep := os.Getenv("FRONTDESK_BROWSERTEST_SHOTS"); keep != "" {
		shots = keep // to look at them afterwards
		require.NoError(t, os.MkdirAll(shots, 0o755))
	}

	ctx, cancel := context.WithTimeout(t.Context(), 120*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, tools.node, "book.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SIM_URL="+base+"/", "SIM_OUT="+shots, "SIM_UPLOAD="+upload,
		"SIM_PROFILE="+profile, "CHROMIUM="+tools.chromium)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	begin := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("book.mjs failed after %s: %v\n--- stdout\n%s\n--- stderr\n%s\n--- frontdesk log\n%s",
			time.Since(begin).Round(time.Millisecond), err, stdout.String(), stderr.String(), logs.String())
	}
	t.Logf("book.mjs took %s; screenshots in %s", time.Since(begin).Round(time.Millisecond), shots)
	sum := lastJSON(t, stdout.String())

	assert.Contains(t, sum.Welcome, "Main menu")
	assert.Contains(t, sum.Booked, "is booked")
	assert.Contains(t, sum.Saved, "document is saved")
	assert.Regexp(t, `^https?://.+\.pdf$`, sum.Record, "the record arrives as a PDF link")
	assert.Contains(t, sum.Reminder, "Reminder from")
	assert.Contains(t, sum.Confirmed, "appointment is confirmed")
	assert.Regexp(t, `The EMR received: confirmed, appointment APT-R[0-9A-F]{6} \(signature verified\)`, sum.EMR,
		"the answer reached the simulated EMR, signed")
	assert.Contains(t, sum.Goodbye, "take care")

	checkScreenshot(t, sum.Screenshots["booked"], 800, 600)
	checkScreenshot(t, sum.Screenshots["record"], 800, 600)
	checkScreenshot(t, sum.Screenshots["mobile"], 390, 600)
	checkScreenshot(t, sum.Screenshots["reminder"], 800, 600)
	require.FileExists(t, sum.Screenshots["reset"])

	// The booking is in the EMR: the bot lists it among the upcoming ones.
	m := regexp.MustCompile(`Appointment (APT-\d+) confirmed`).FindStringSubmatch(sum.Booked)
	require.NotNil(t, m, "the demo EMR's confirmation names the appointment: %s", sum.Booked)
	bot := &chat{t: t, base: base, phone: demoPatient}
	bot.say("hi demo", "Main menu")
	upcoming := bot.say("3", "upcoming appointments")
	assert.Contains(t, upcoming, m[1], "the booked appointment is listed by the EMR")
}

// tools are the programs the test runs.
type tools struct{ node, npm, chromium string }

// findTools locates node, npm and Chromium. Without them the test cannot
// run: in CI that is a failure (CI installs them), elsewhere a loud skip.
func findTools(t *testing.T) tools {
	t.Helper()
	var tl tools
	var missing []string
	look := func(name string, dst *string, candidates ...string) {
		for _, c := range candidates {
			if c == "" {
				continue
			}
			if p, err := exec.LookPath(c); err == nil {
				*dst = p
				return
			}
		}
		missing = append(missing, name)
	}
	look("node", &tl.node, "node")
	look("npm", &tl.npm, "npm")
	look("chromium", &tl.chromium, os.Getenv("CHROMIUM"), "/usr/bin/chromium", "chromium")
	if len(missing) > 0 {
		msg := fmt.Sprintf("!!! BROWSER TEST NOT RUN: %s missing. Install them (Debian: apt-get install chromium nodejs npm) "+
			"to check the web simulator in a real browser. !!!", strings.Join(missing, ", "))
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return tl
}

// startDemo runs the demo process (no configuration but a data directory
// and a free loopback port) and returns its base URL and its log.
func startDemo(t *testing.T) (string, *lockedBuffer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	env := map[string]string{"FRONTDESK_ADDR": ln.Addr().String(), "FRONTDESK_DATA_DIR": t.TempDir()}
	cfg, err := config.Load(func(k string) string { return env[k] })
	require.NoError(t, err)
	require.True(t, cfg.Demo && cfg.Simulator, "no configuration must be the demo with the simulator")
	logs := &lockedBuffer{}
	app, err := runtime.New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})))
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- app.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		assert.NoError(t, app.Shutdown(ctx))
		assert.NoError(t, <-served)
	})
	return "http://" + ln.Addr().String(), logs
}

// writeTestPNG writes a small real image to upload as a document.
func writeTestPNG(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 80))
	for y := range 80 {
		for x := range 120 {
			img.Set(x, y, color.RGBA{R: uint8(x * 2), G: uint8(y * 3), B: 180, A: 255})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
}

// checkScreenshot asserts path is a PNG of at least minW x minH that shows
// something: a blank or single-colour page fails.
func checkScreenshot(t *testing.T, path string, minW, minH int) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err, "screenshot %q", path)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err, "screenshot %s must be a PNG", path)
	b := img.Bounds()
	require.GreaterOrEqual(t, b.Dx(), minW, "%s width", path)
	require.GreaterOrEqual(t, b.Dy(), minH, "%s height", path)
	var n, sum, sumSq float64
	colours := map[uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			n++
			sum += l
			sumSq += l * l
			if len(colours) < 1000 {
				colours[(r>>11)<<10|(g>>11)<<5|bl>>11] = true
			}
		}
	}
	mean := sum / n
	variance := sumSq/n - mean*mean
	assert.Greater(t, variance, 100.0, "%s looks blank (luminance variance %.1f)", path, variance)
	assert.Greater(t, len(colours), 30, "%s has too few colours to be the chat", path)
}

// chat talks to the bot through the simulator's own API, to check what the
// EMR holds after the browser is gone.
type chat struct {
	t      *testing.T
	base   string
	phone  string
	cursor int
}

// say sends body and returns the bot's replies once one contains want.
func (c *chat) say(body, want string) string {
	c.t.Helper()
	c.cursor = max(c.cursor, c.latest())
	payload, err := json.Marshal(map[string]string{"hospital": "demo", "phone": c.phone, "body": body})
	require.NoError(c.t, err)
	res, err := http.Post(c.base+"/simulator/send", "application/json", bytes.NewReader(payload))
	require.NoError(c.t, err)
	res.Body.Close()
	require.Equal(c.t, http.StatusOK, res.StatusCode, "send %q", body)
	var got strings.Builder
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, m := range c.poll(c.cursor) {
			c.cursor = max(c.cursor, m.Seq)
			got.WriteString(m.Body + "\n")
		}
		if strings.Contains(got.String(), want) {
			return got.String()
		}
	}
	c.t.Fatalf("no reply containing %q to %q; got:\n%s", want, body, got.String())
	return ""
}

// latest is the newest message seq for the phone, 0 when none.
func (c *chat) latest() int {
	n := 0
	for _, m := range c.get(url.Values{"phone": {c.phone}, "after": {"0"}, "wait": {"0"}}) {
		n = max(n, m.Seq)
	}
	return n
}

// poll long-polls for messages after seq (the server answers as soon as
// one arrives, or empty after its bound).
func (c *chat) poll(after int) []message {
	return c.get(url.Values{"phone": {c.phone}, "after": {fmt.Sprint(after)}})
}

type message struct {
	Seq  int    `json:"seq"`
	Body string `json:"body"`
}

func (c *chat) get(q url.Values) []message {
	c.t.Helper()
	res, err := http.Get(c.base + "/simulator/messages?" + q.Encode())
	require.NoError(c.t, err)
	defer res.Body.Close()
	require.Equal(c.t, http.StatusOK, res.StatusCode)
	var out struct {
		Messages []message `json:"messages"`
	}
	require.NoError(c.t, json.NewDecoder(res.Body).Decode(&out))
	return out.Messages
}

// lastJSON decodes the summary book.mjs prints last.
func lastJSON(t *testing.T, stdout string) summary {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var s summary
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &s), "book.mjs output:\n%s", stdout)
	return s
}

// lockedBuffer collects the process log from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
