// Package restapi is the adapter for EMRs that speak the seed-compatible
// REST contract (CONTRACT §4, emr.kind "restapi"): one URL per operation,
// each called with POST and a flat JSON object of string values, answering
// a JSON object whose status is 1 on success.
//
// The contract was written for a PHP bot, so answers are read tolerantly:
// status may be 1, "1" or true, ids and ages may be numbers or strings, and
// unknown fields are ignored. Requests are strict: every value is a string
// and the mobile number is the national number the EMR stores.
//
// Failures come back as *emr.Error with the operation name as Op. The EMR
// being unreachable, slow, answering 4xx/5xx or something that is not a
// JSON object is Unavailable (the patient is asked to try later); a JSON
// answer whose status is not 1 is Rejected, with the EMR's short message
// as Display. Error texts never carry request or response bodies, URLs or
// patient data, so they are safe to log.
package restapi
