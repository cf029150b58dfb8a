package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Recognisable secret values: if any of them shows up in printed or
// logged output, a secret leaked.
const (
	redisPassword = "REDIS-PASSWORD-7c1f"
	twilioToken   = "TWILIO-TOKEN-93ab"
	emrToken      = "EMR-TOKEN-55d2"
	callbackKey   = "CALLBACK-SECRET-0e4a9b"
)

func secretEnv(t *testing.T) (map[string]string, []string) {
	key := testKey(t)
	env := map[string]string{
		EnvConfig:             "testdata/good.yaml",
		EnvRedisURL:           "redis://frontdesk:" + redisPassword + "@redis.internal:6379/3",
		EnvEncryptionKey:      key,
		EnvTwilioAccountSID:   "AC0123456789abcdef0123456789abcdef",
		EnvTwilioAuthToken:    twilioToken,
		"EMR_ABC_TOKEN":       emrToken,
		"EMR_ABC_BASE":        "https://emr.example/api",
		"CALLBACK_ABC_SECRET": callbackKey,
	}
	return env, []string{redisPassword, twilioToken, emrToken, callbackKey, key}
}

func assertNoSecret(t *testing.T, out string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		assert.NotContains(t, out, s)
	}
}

func TestPrintedConfigHasNoSecrets(t *testing.T) {
	env, secrets := secretEnv(t)
	cfg, err := Load(envOf(env))
	require.NoError(t, err)
	// The secrets really are loaded; only their printing is masked.
	require.Equal(t, twilioToken, cfg.TwilioAuthToken.Value())
	require.Equal(t, "Bearer "+emrToken, cfg.Hospitals[0].EMR.AuthHeader.Value())
	require.Equal(t, callbackKey, cfg.Hospitals[0].CallbackSecret.Value())

	printed := fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg) +
		fmt.Sprintf("%v %+v %#v", &cfg, &cfg, &cfg) +
		fmt.Sprintf("%v %+v %#v", cfg.Hospitals, cfg.Hospitals, cfg.Hospitals) +
		fmt.Sprintf("%v %+v %#v", cfg.Hospitals[0].EMR, cfg.Hospitals[0].EMR, cfg.Hospitals[0].EMR)
	assertNoSecret(t, printed, secrets)

	js, err := json.Marshal(cfg)
	require.NoError(t, err)
	assertNoSecret(t, string(js), secrets)
}

func TestLoggedConfigIsASafeSummary(t *testing.T) {
	env, secrets := secretEnv(t)
	cfg, err := Load(envOf(env))
	require.NoError(t, err)

	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("starting", "config", cfg)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("starting", "config", cfg)
	for _, out := range []string{text.String(), js.String(), cfg.String()} {
		assertNoSecret(t, out, secrets)
	}

	for _, want := range []string{
		"config.addr=127.0.0.1:8080", "config.demo=false", "config.store=redis",
		"config.redis=redis://redis.internal:6379/3", "config.encryption_key_set=true",
		"config.twilio=true", "config.hospitals=2", "config.hospital_codes=abc,xyz-clinic",
	} {
		assert.Contains(t, text.String(), want)
	}
	assert.Contains(t, js.String(), `"store":"redis"`)
	assert.Contains(t, cfg.String(), "store=redis redis=redis://redis.internal:6379/3")
	assert.Equal(t, cfg.String(), fmt.Sprint(cfg), "%v prints the summary")
}

func TestDemoSummary(t *testing.T) {
	cfg, err := Load(envOf(nil))
	require.NoError(t, err)
	s := cfg.String()
	for _, want := range []string{"demo=true", "store=embedded", "data_dir=./data", "twilio=false", "hospital_codes=demo"} {
		assert.Contains(t, s, want)
	}
}

func TestErrorsHaveNoSecrets(t *testing.T) {
	const (
		keyLike   = "S3CRET-KEY-not-base64"
		shortKey  = "U0VDUkVULVNIT1JULUtFWQ==" // base64 of "SECRET-SHORT-KEY"
		rawAPIKey = "RAW-API-KEY-0f9e"
		urlSecret = "URL-SECRET-3d3d"
	)
	tests := []struct {
		name    string
		want    string // proves the error is the one we meant to provoke
		env     map[string]string
		yaml    string
		secrets []string
	}{
		{name: "unparsable redis url", want: "REDIS_URL: not a valid URL", env: map[string]string{EnvRedisURL: "redis://u:" + redisPassword + "@[::1", EnvEncryptionKey: testKey(t)}, secrets: []string{redisPassword}},
		{name: "redis url wrong scheme", want: "REDIS_URL: scheme must be", env: map[string]string{EnvRedisURL: "http://u:" + redisPassword + "@h:1", EnvEncryptionKey: testKey(t)}, secrets: []string{redisPassword}},
		{name: "key not base64", want: "FRONTDESK_ENCRYPTION_KEY: not valid base64", env: map[string]string{EnvEncryptionKey: keyLike}, secrets: []string{keyLike}},
		{name: "key too short", want: "FRONTDESK_ENCRYPTION_KEY: decodes to 16 bytes", env: map[string]string{EnvEncryptionKey: shortKey}, secrets: []string{shortKey, "SECRET-SHORT-KEY"}},
		{name: "token in the sid variable", want: "TWILIO_ACCOUNT_SID: must be AC", env: map[string]string{EnvTwilioAccountSID: twilioToken, EnvTwilioAuthToken: twilioToken}, secrets: []string{twilioToken}},
		{name: "token without sid", want: "TWILIO_ACCOUNT_SID: unset", env: map[string]string{EnvTwilioAuthToken: twilioToken}, secrets: []string{twilioToken}},
		{name: "public url with credentials", want: "FRONTDESK_PUBLIC_URL: URL must not contain credentials", env: map[string]string{EnvPublicURL: "https://u:" + urlSecret + "@bot.example"}, secrets: []string{urlSecret}},
		{name: "raw api key instead of hash", want: "api_keys_sha256[0]: must be 64 hex", yaml: "    api_keys_sha256: ['" + rawAPIKey + "']\n    emr: {kind: demo}\n", secrets: []string{rawAPIKey}},
		{name: "endpoint with credentials", want: "emr.endpoints.register: URL must not contain credentials", env: map[string]string{"TOK": urlSecret},
			yaml: "    emr:\n      kind: restapi\n      hid: '1'\n      endpoints: {register: 'https://u:${TOK}@emr.example/r'}\n", secrets: []string{urlSecret}},
		{name: "unparsable endpoint", want: "emr.endpoints.register: not a valid URL", env: map[string]string{"TOK": urlSecret},
			yaml: "    emr:\n      kind: restapi\n      hid: '1'\n      endpoints: {register: 'https://emr.example:${TOK}/r'}\n", secrets: []string{urlSecret}},
		{name: "auth header over two lines", want: "emr.auth_header: must be a single line", env: map[string]string{"TOK": urlSecret + "\nX-Evil: 1"},
			yaml: "    emr: {kind: demo, auth_header: 'Bearer ${TOK}'}\n", secrets: []string{urlSecret}},
		{name: "auth header in a wrong-type field", want: "active: must be true or false", yaml: "    active: " + emrToken + "\n    emr: {kind: demo}\n", secrets: []string{emrToken[:7]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if tt.yaml != "" {
				text := "hospitals:\n  - code: abc\n    name: ABC\n    helpline: '1'\n    sender: 'whatsapp:+14155238886'\n    country_code: '91'\n" + tt.yaml
				env = map[string]string{EnvConfig: writeHospitals(t, text)}
				for k, v := range tt.env {
					env[k] = v
				}
			}
			_, err := Load(envOf(env))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assertNoSecret(t, err.Error(), tt.secrets)
		})
	}
}
