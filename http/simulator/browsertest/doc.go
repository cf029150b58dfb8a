// Package browsertest drives the web simulator in a real headless
// Chromium (Debian's chromium through the npm package playwright-core,
// pinned in package-lock.json): it books an appointment through the page
// of a real frontdesk process and checks the screenshots it takes. It has
// no code outside its test.
package browsertest
