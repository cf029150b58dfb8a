//go:build !race

package deploy

// raceEnabled: binaries built by tests match the test's own build flags,
// so they reuse the packages already compiled.
const raceEnabled = false
