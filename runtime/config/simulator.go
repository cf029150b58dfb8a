package config

import (
	"net"
	"regexp"
	"strings"
)

// simulatorToken is what FRONTDESK_SIMULATOR_TOKEN may hold: long enough
// not to be guessed, and made of characters that pass unescaped through a
// URL query, a cookie and an Authorization header.
var simulatorToken = regexp.MustCompile(`^[A-Za-z0-9._~-]{16,256}$`)

// loadSimulator reads FRONTDESK_SIMULATOR (on/off; default on in the demo,
// off otherwise) and FRONTDESK_SIMULATOR_TOKEN, and refuses a simulator
// that anyone on the network could use to talk to real patients' data or
// send real WhatsApp messages: outside the plain demo (no hospitals file,
// no Twilio) it needs a loopback listen address or a token. It runs after
// Demo and the Twilio settings are known.
func loadSimulator(cfg *Config, raw, token string, bad func(string, string, ...any)) {
	switch strings.ToLower(raw) {
	case "":
		cfg.Simulator = cfg.Demo
	case "on":
		cfg.Simulator = true
	case "off":
		cfg.Simulator = false
	default:
		bad(EnvSimulator, "%q is not one of on, off", raw)
	}
	cfg.SimulatorToken = Secret(token)
	if token != "" && !simulatorToken.MatchString(token) {
		bad(EnvSimulatorToken, "must be 16 to 256 characters of letters, digits and . _ ~ - (for example the output of `openssl rand -hex 32`)")
		return
	}
	if cfg.Simulator && token == "" && !cfg.PlainDemo() && !IsLoopback(cfg.Addr) {
		bad(EnvSimulatorToken, "required when %s is on and %s (%q) is not a loopback address: "+
			"outside the plain demo the simulator reaches real EMRs or Twilio, so it must not be open to the network "+
			"(set a token, listen on 127.0.0.1, or set %s=off)", EnvSimulator, EnvAddr, cfg.Addr, EnvSimulator)
	}
}

// PlainDemo reports whether the process is the bare demo: the built-in
// demo hospital and no Twilio, so nothing it does reaches a real patient
// or sends a real message.
func (c Config) PlainDemo() bool { return c.Demo && !c.TwilioConfigured() }

// IsLoopback reports whether a listen address (host:port) only accepts
// connections from this machine: 127.0.0.0/8, ::1 or localhost. A
// wildcard (":8080", "0.0.0.0:8080") or any other name is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
