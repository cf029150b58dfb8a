package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// simHospitalsFile writes a minimal valid hospitals file, so a test can leave
// the demo mode.
func simHospitalsFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hospitals.yaml")
	yaml := "hospitals:\n  - code: abc\n    name: ABC\n    helpline: \"+919800000000\"\n" +
		"    sender: \"whatsapp:+14155238886\"\n    country_code: \"91\"\n    emr:\n      kind: demo\n"
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
	return path
}

func TestLoadSimulator(t *testing.T) {
	file := simHospitalsFile(t)
	token := "0123456789abcdef0123"
	twilio := map[string]string{EnvTwilioAccountSID: "AC0123456789abcdef0123456789abcdef", EnvTwilioAuthToken: "secret-token-0123456789abcdef0123"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		on      bool
		wantErr string // substring; empty: loads
	}{
		{"demo default is on", nil, true, ""},
		{"demo can turn it off", with(nil, EnvSimulator, "off"), false, ""},
		{"case is ignored", with(nil, EnvSimulator, "OFF"), false, ""},
		{"plain demo on every interface needs no token", with(nil, EnvAddr, "0.0.0.0:8080"), true, ""},
		{"hospitals file default is off", with(nil, EnvConfig, file), false, ""},
		{"hospitals file off on any address", with(nil, EnvConfig, file, EnvAddr, ":8080"), false, ""},
		{"hospitals file on loopback", with(nil, EnvConfig, file, EnvSimulator, "on"), true, ""},
		{"hospitals file on localhost", with(nil, EnvConfig, file, EnvSimulator, "on", EnvAddr, "localhost:9000"), true, ""},
		{"hospitals file on ipv6 loopback", with(nil, EnvConfig, file, EnvSimulator, "on", EnvAddr, "[::1]:9000"), true, ""},
		{"hospitals file on the network with a token", with(nil, EnvConfig, file, EnvSimulator, "on", EnvAddr, "0.0.0.0:8080", EnvSimulatorToken, token), true, ""},
		{"hospitals file on the network without a token", with(nil, EnvConfig, file, EnvSimulator, "on", EnvAddr, "0.0.0.0:8080"),
			false, "FRONTDESK_SIMULATOR_TOKEN: required when FRONTDESK_SIMULATOR is on"},
		{"hospitals file on a wildcard without a token", with(nil, EnvConfig, file, EnvSimulator, "on", EnvAddr, ":8080"),
			false, "is not a loopback address"},
		{"hospitals file on a private address without a token", with(nil, EnvConfig, file, EnvSimulator, "on", EnvAddr, "10.0.0.5:8080"),
			false, "FRONTDESK_SIMULATOR_TOKEN: required"},
		{"demo with twilio on the network without a token", with(twilio, EnvAddr, "0.0.0.0:8080"),
			false, "FRONTDESK_SIMULATOR_TOKEN: required"},
		{"demo with twilio on loopback", twilio, true, ""},
		{"not on or off", with(nil, EnvSimulator, "yes"), false, `FRONTDESK_SIMULATOR: "yes" is not one of on, off`},
		{"token too short", with(nil, EnvSimulatorToken, "short"), false, "FRONTDESK_SIMULATOR_TOKEN: must be 16 to 256 characters"},
		{"token with a space", with(nil, EnvSimulatorToken, "0123456789abcdef 0123"), false, "FRONTDESK_SIMULATOR_TOKEN: must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Load(envOf(tt.env))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), token, "the token must never appear in an error")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.on, cfg.Simulator)
		})
	}
}

func TestSimulatorTokenNeverPrinted(t *testing.T) {
	token := "tok-0123456789abcdef-secret"
	cfg, err := Load(envOf(map[string]string{EnvSimulatorToken: token}))
	require.NoError(t, err)
	assert.Equal(t, token, cfg.SimulatorToken.Value())
	assert.NotContains(t, cfg.String(), token)
	assert.Contains(t, cfg.String(), "simulator_token_set=true")
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "127.3.4.5:1": true, "[::1]:80": true, "LOCALHOST:80": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "10.0.0.5:80": false,
		"example.org:80": false, "127.0.0.1": false,
	} {
		assert.Equal(t, want, IsLoopback(addr), addr)
	}
}
