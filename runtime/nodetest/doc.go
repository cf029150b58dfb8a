// Package nodetest runs the Node programs some tests need (the FHIR test
// server, Prism, the browser driver) from a folder holding their pinned
// npm lock file: it installs the pinned modules with `npm ci` when they
// are missing or stale, under a lock shared by concurrent test binaries,
// and starts a Node server and waits for the line saying where it
// listens. It is test support; the product never runs Node.
package nodetest
