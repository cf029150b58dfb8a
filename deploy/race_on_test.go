//go:build race

package deploy

// raceEnabled: binaries built by tests use -race too, so they reuse the
// packages `go test -race` already compiled.
const raceEnabled = true
