package deploy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// instruction is one Dockerfile instruction with its continuation lines
// joined.
type instruction struct {
	line int    // where it starts, for messages
	cmd  string // upper case: FROM, RUN, COPY, ...
	args string
}

// stage is the instructions from one FROM to the next.
type stage struct {
	image, name string
	instrs      []instruction
}

// find returns the stage's instructions of one kind.
func (s stage) find(cmd string) []instruction {
	var out []instruction
	for _, in := range s.instrs {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// parseDockerfile splits a Dockerfile into stages: enough of the format
// for the checks below (comments, continuation lines, FROM ... AS name).
func parseDockerfile(t *testing.T, src string) []stage {
	t.Helper()
	var (
		stages []stage
		buf    strings.Builder
		start  int
	)
	flush := func() {
		text := strings.TrimSpace(buf.String())
		buf.Reset()
		if text == "" {
			return
		}
		cmd, args, _ := strings.Cut(text, " ")
		in := instruction{line: start, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			s := stage{image: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			stages = append(stages, s)
			return
		}
		require.NotEmpty(t, stages, "line %d: %s before the first FROM", in.line, in.cmd)
		stages[len(stages)-1].instrs = append(stages[len(stages)-1].instrs, in)
	}
	for i, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		if buf.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(trimmed, `\`) {
			buf.WriteString(strings.TrimSuffix(trimmed, `\`) + " ")
			continue
		}
		buf.WriteString(trimmed)
		flush()
	}
	flush()
	return stages
}

// execForm decodes a JSON-array (exec form) argument list; a shell-form
// command yields nil.
func execForm(args string) []string {
	var argv []string
	if json.Unmarshal([]byte(args), &argv) != nil {
		return nil
	}
	return argv
}

// envOf reads ENV KEY=VALUE pairs (the only form the Dockerfile uses).
func envOf(s stage) map[string]string {
	env := map[string]string{}
	for _, in := range s.find("ENV") {
		for _, kv := range strings.Fields(in.args) {
			k, v, ok := strings.Cut(kv, "=")
			if ok {
				env[k] = strings.Trim(v, `"`)
			}
		}
	}
	return env
}

// TestDockerfile: the image is built in a Go stage and runs from
// distroless as non-root, with the module download cached apart from the
// sources, a static stripped binary and a HEALTHCHECK that runs the binary.
func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t, string(readRepoFile(t, "deploy/Dockerfile")))
	require.GreaterOrEqual(t, len(stages), 2, "multi-stage build")
	build, final := stages[0], stages[len(stages)-1]

	assert.Equal(t, "golang:1.26", build.image, "builder image")
	var steps []string
	for _, in := range build.instrs {
		steps = append(steps, in.cmd+" "+in.args)
	}
	joined := strings.Join(steps, "\n")
	download := strings.Index(joined, "RUN go mod download")
	require.GreaterOrEqual(t, download, 0, "a `go mod download` layer")
	assert.Less(t, strings.Index(joined, "COPY go.mod go.sum"), download, "go.mod and go.sum are copied before the download")
	assert.Less(t, download, strings.Index(joined, "COPY . ."), "sources are copied after the download, so edits keep the module layer")
	var buildCmd string
	for _, in := range build.find("RUN") {
		if strings.Contains(in.args, "go build") {
			buildCmd = in.args
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `-ldflags "-s -w"`, "./cmd/frontdesk"} {
		assert.Contains(t, buildCmd, want, "go build command")
	}

	assert.Equal(t, "gcr.io/distroless/static-debian12:nonroot", final.image, "final image")
	assert.Empty(t, final.find("RUN"), "distroless has no shell: no RUN in the final stage")
	users := final.find("USER")
	require.NotEmpty(t, users, "final stage sets USER")
	assert.Contains(t, []string{"nonroot", "65532", "65532:65532"}, users[len(users)-1].args, "runs as non-root")
	for _, in := range final.find("COPY") {
		if strings.Contains(in.args, "--from=") {
			assert.Contains(t, in.args, "--from="+build.name, "line %d copies from the build stage", in.line)
		}
	}

	env := envOf(final)
	assert.Equal(t, "0.0.0.0:8080", env["FRONTDESK_ADDR"], "listens on all interfaces in the container")
	assert.Equal(t, "/data", env["FRONTDESK_DATA_DIR"])
	require.Len(t, final.find("EXPOSE"), 1)
	assert.Equal(t, "8080", final.find("EXPOSE")[0].args, "EXPOSE matches FRONTDESK_ADDR")
	require.Len(t, final.find("VOLUME"), 1)
	assert.Equal(t, []string{"/data"}, execForm(final.find("VOLUME")[0].args), "the data directory is a volume")

	entry := final.find("ENTRYPOINT")
	require.Len(t, entry, 1)
	entryArgv := execForm(entry[0].args)
	require.NotEmpty(t, entryArgv, "ENTRYPOINT in exec form, so the binary is PID 1 and gets SIGTERM")
	health := healthcheckArgv(t, final)
	assert.Equal(t, entryArgv[0], health[0], "HEALTHCHECK runs the binary itself (no curl in distroless)")
	assert.Contains(t, health[1:], "-healthcheck")
}

// healthcheckArgv returns the exec-form command of the stage's HEALTHCHECK.
func healthcheckArgv(t *testing.T, s stage) []string {
	t.Helper()
	hc := s.find("HEALTHCHECK")
	require.Len(t, hc, 1, "one HEALTHCHECK")
	_, cmd, ok := strings.Cut(hc[0].args, "CMD ")
	require.True(t, ok, "HEALTHCHECK ... CMD [...]")
	argv := execForm(strings.TrimSpace(cmd))
	require.NotEmpty(t, argv, "HEALTHCHECK CMD in exec form: distroless has no shell")
	return argv
}

// TestDockerignore: the build context leaves out the repository's history
// and local data (an embedded store holds patient data) but keeps what
// the build needs.
func TestDockerignore(t *testing.T) {
	patterns := map[string]bool{}
	for _, line := range strings.Split(string(readRepoFile(t, ".dockerignore")), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns[line] = true
		}
	}
	for _, want := range []string{".git", "data"} {
		assert.True(t, patterns[want], ".dockerignore leaves out %s", want)
	}
	for _, need := range []string{"go.mod", "go.sum", "cmd", "runtime", "*.go", "**/*.go", "*"} {
		assert.False(t, patterns[need], ".dockerignore must not leave out %s: the build needs it", need)
	}
}
