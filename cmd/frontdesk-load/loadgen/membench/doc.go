// Package membench holds an in-process benchmark of the memory a resident
// conversation costs (BenchmarkResidentConversations). It runs the product
// in the test process, so the Go heap can be measured exactly
// (runtime.ReadMemStats after a forced collection) and broken down with
// go test -memprofile and go tool pprof -sample_index=inuse_space, which
// the server itself does not expose.
package membench
