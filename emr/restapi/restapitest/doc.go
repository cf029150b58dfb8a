// Package restapitest is a fake seed-compatible REST EMR (CONTRACT §4) for
// tests of the restapi adapter and of everything built on it: the
// conversation flows, the hospital actor, the whole binary.
//
// NewServer starts it on loopback with realistic seed data (a registered
// patient, departments, doctors, records, payment links), and Hospital
// gives a config.Hospital pointing at it, so a test needs one line:
//
//	h := restapitest.NewServer(t).Hospital("abc")
//
// The fake is stateful (registered patients are found by match_mobile,
// bookings show up in upcoming), strict about requests (POST, JSON object
// of strings, the auth header), records every call with its decoded
// fields and headers, and can be scripted per operation to reject, fail,
// answer garbage or hang, so failure handling is tested without sleeps.
package restapitest
