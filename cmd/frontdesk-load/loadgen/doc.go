// Package loadgen drives a frontdesk process the way Twilio does, to measure
// it: signed inbound webhooks for many distinct patients, a fake Twilio REST
// API (the sink) that records every reply, and reports of throughput, ack and
// end-to-end latency, errors and the server's memory. It spawns the server as
// a child process, so what is measured is the real binary with its real
// store; the same traffic can be sent to a bare net/http baseline that
// answers each message with one reply, so a figure can be stated as a ratio
// to what the machine allows. The memory and start-up modes and the crash
// test (TestCrashRecovery) are built from the same pieces.
package loadgen
