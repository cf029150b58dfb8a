package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var goodEnv = map[string]string{
	"EMR_ABC_TOKEN":       "s3cr3t-abc-token",
	"EMR_ABC_BASE":        "https://emr.example/api",
	"CALLBACK_ABC_SECRET": "  callback-secret-0123456789abcdef\n",
}

func TestLoadHospitalsGoodFile(t *testing.T) {
	hs, err := LoadHospitals("testdata/good.yaml", envOf(goodEnv))
	require.NoError(t, err)
	require.Len(t, hs, 2)

	abc := hs[0]
	assert.Equal(t, "abc", abc.Code)
	assert.Equal(t, "ABC Hospital", abc.Name)
	assert.Equal(t, "Welcome to ABC Hospital", abc.Welcome)
	assert.Equal(t, "https://maps.example/abc", abc.MapsURL)
	assert.Equal(t, "+919800000000", abc.Helpline)
	assert.Equal(t, "Asia/Kolkata", abc.Location.String())
	assert.Equal(t, []string{"hi", "en"}, abc.Languages)
	assert.Equal(t, "hi", abc.DefaultLanguage())
	assert.False(t, abc.IsActive())
	assert.Equal(t, "whatsapp:+14155238886", abc.Sender)
	assert.Equal(t, "91", abc.CountryCode)
	assert.Equal(t, []string{
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
	}, abc.APIKeysSHA256)
	assert.Equal(t, EMRKindRESTAPI, abc.EMR.Kind)
	assert.Equal(t, "184", abc.EMR.HID)
	assert.Equal(t, 7*time.Second, abc.EMR.Timeout)
	assert.Equal(t, "Bearer s3cr3t-abc-token", abc.EMR.AuthHeader.Value())
	assert.Len(t, abc.EMR.Endpoints, 11)
	assert.Equal(t, "https://emr.example/api/match", abc.EMR.Endpoints[EndpointMatchMobile])
	assert.Equal(t, "https://emr.example/api/upload?kind=doc", abc.EMR.Endpoints[EndpointUploadDocument])
	assert.Equal(t, Templates{
		"reminder": {SID: "HX0123456789abcdef0123456789abcdef"},
		"push":     {SID: "HXFEDCBA9876543210FEDCBA9876543210"},
	}, abc.Templates)
	assert.True(t, abc.Registration.PhotoOptional)
	assert.Equal(t, "callback-secret-0123456789abcdef", abc.CallbackSecret.Value(), "trimmed")
	assert.Equal(t, "Hello from ABC, ${not_expanded}", abc.Messages["en"]["welcome"], "catalog text keeps its own placeholders")
	assert.Equal(t, "ABC में आपका स्वागत है", abc.Messages["hi"]["welcome"])

	xyz := hs[1]
	assert.Equal(t, "xyz-clinic", xyz.Code)
	assert.Equal(t, DefaultTimezone, xyz.Timezone)
	assert.Equal(t, "Asia/Kolkata", xyz.Location.String())
	assert.Equal(t, []string{"en"}, xyz.Languages)
	assert.True(t, xyz.IsActive())
	require.NotNil(t, xyz.Active)
	assert.Equal(t, "91", xyz.CountryCode)
	assert.Equal(t, EMRKindFHIR, xyz.EMR.Kind)
	assert.Equal(t, "https://fhir.example/R4", xyz.EMR.BaseURL)
	assert.Equal(t, DefaultEMRTimeout, xyz.EMR.Timeout)
	assert.False(t, xyz.Registration.PhotoOptional)
}

func TestLoadHospitalsExampleFile(t *testing.T) {
	hs, err := LoadHospitals("testdata/hospitals.example.yaml", envOf(map[string]string{
		"EMR_ABC_TOKEN":        "abc-token",
		"EMR_ABC_NORTH_TOKEN":  "north-token",
		"EMR_ABC_SOUTH_SECRET": "south-secret",
		"CALLBACK_ABC_SECRET":  "abc-callback-secret-0123456789",
	}))
	require.NoError(t, err)
	var codes []string
	for _, h := range hs {
		codes = append(codes, h.Code)
	}
	assert.Equal(t, []string{"abc", "abc-north", "abc-south", "trial"}, codes)
	assert.Len(t, hs[0].EMR.Endpoints, 11)
	assert.Equal(t, "Bearer north-token", hs[1].EMR.AuthHeader.Value())
	assert.Equal(t, FHIRDepartmentsService, hs[1].EMR.Departments)
	assert.Equal(t, "Location/north-1", hs[1].EMR.Location)
	assert.Equal(t, FHIRPhotoPatient, hs[1].EMR.Photo)
	assert.Equal(t, "https://auth.example/oauth2/token", hs[2].EMR.TokenURL)
	assert.Equal(t, "frontdesk-south", hs[2].EMR.ClientID)
	assert.Equal(t, "south-secret", hs[2].EMR.ClientSecret.Value())
	assert.Equal(t, FHIRDepartmentsSpecialty, hs[2].EMR.Departments)
	assert.Equal(t, FHIRPhotoPatient, hs[2].EMR.Photo, "the default photo mapping")

	_, err = LoadHospitals("testdata/hospitals.example.yaml", envOf(nil))
	require.Error(t, err, "the example's ${VAR} references must be required")
}

// Each bad file breaks one rule in its second entry; the error must lead
// an operator to the file, the entry and the field.
func TestLoadHospitalsBadFiles(t *testing.T) {
	const abc = `hospitals[1] (code "abc")`
	tests := []struct {
		file, entry, field, msg string
	}{
		{"unknown_field", abc, "emr.colour", "unknown field (line"},
		{"code_missing", "hospitals[1]", "code", "required"},
		{"code_format", `hospitals[1] (code "a_b")`, "code", "must be 2-32 characters"},
		{"code_duplicate", `hospitals[1] (code "BASE")`, "code", `"base" is already used by hospitals[0]`},
		{"name_missing", abc, "name", "required"},
		{"helpline_missing", abc, "helpline", "required"},
		{"maps_url", abc, "maps_url", "must be an absolute http:// or https:// URL"},
		{"timezone", abc, "timezone", `"Asia/Atlantis" is not an IANA time zone`},
		{"language", abc, "languages[1]", `"fr" is not a supported language`},
		{"language_type", abc, "languages", "must be a list"},
		{"sender", abc, "sender", "must be whatsapp:+ followed by"},
		{"country_code", abc, "country_code", "must be 1-3 digits"},
		{"api_key", abc, "api_keys_sha256[0]", "must be 64 hex characters"},
		{"api_key_duplicate", abc, "api_keys_sha256[0]", "the same key is already listed for hospitals[0]"},
		{"emr_kind", abc, "emr.kind", `"hl7" is not one of restapi, fhir, demo`},
		{"restapi_hid", abc, "emr.hid", "required for kind restapi"},
		{"restapi_endpoint_missing", abc, "emr.endpoints.book_video", "required for kind restapi"},
		{"restapi_endpoint_url", abc, "emr.endpoints.register", "must be an absolute http:// or https:// URL"},
		{"restapi_endpoint_unknown", abc, "emr.endpoints.cancel", "unknown endpoint"},
		{"fhir_base_url", abc, "emr.base_url", "required for kind fhir"},
		{"fhir_oauth_secret", abc, "emr.client_secret", "required with emr.token_url"},
		{"fhir_oauth_and_header", abc, "emr.auth_header", "use either emr.auth_header or emr.token_url"},
		{"fhir_client_without_token_url", abc, "emr.token_url", "required when emr.client_id"},
		{"fhir_departments", abc, "emr.departments", `"wards" is not one of healthcare_service, specialty`},
		{"fhir_photo", abc, "emr.photo", `"binary" is not one of patient, document_reference`},
		{"fhir_location", abc, "emr.location", "must be a Location id"},
		{"fhir_field_on_demo", abc, "emr.departments", "only used by kind fhir"},
		{"emr_timeout", abc, "emr.timeout", "must be greater than 0 and at most 1m0s"},
		{"emr_timeout_type", abc, "emr.timeout", "must be a duration such as 5s"},
		{"template", abc, "templates.reminder", "must be a Twilio Content SID"},
		{"callback_secret", abc, "callback_secret", "must be at least 16 characters"},
		{"messages_language", abc, "messages.fr", "not a supported language"},
		{"missing_var", abc, "emr.auth_header", "environment variable EMR_ABC_TOKEN_UNSET is unset or empty"},
		{"empty", "", "hospitals", "at least one hospital is required"},
		{"top_level", "", "hospital", "unknown field (line 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "bad_"+tt.file+".yaml")
			_, err := LoadHospitals(path, envOf(nil))
			require.Error(t, err)
			want := path + ": "
			if tt.entry != "" {
				want += tt.entry + ": "
			}
			want += tt.field + ": " + tt.msg
			assert.Contains(t, err.Error(), want)
			assert.Len(t, strings.Split(err.Error(), "\n"), 1, "one broken rule gives one error: %v", err)
		})
	}
}

func TestLoadHospitalsSyntaxAndShape(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"syntax", "hospitals:\n  - code: [abc\n", "h.yaml: yaml: line"},
		{"empty file", "", "h.yaml: hospitals: at least one hospital is required"},
		{"two documents", "hospitals: []\n---\nhospitals: []\n", "h.yaml: more than one YAML document"},
		{"duplicate key", "hospitals:\n  - code: abc\n    code: abd\n", `h.yaml: hospitals[0]: code: set more than once, first at line 2 (line 3)`},
		{"list where text belongs", "hospitals:\n  - code: abc\n    name: [a, b]\n", `h.yaml: hospitals[0] (code "abc"): name: must be a single value, not a list or mapping (line 3)`},
		{"hospitals not a list", "hospitals: abc\n", "h.yaml: hospitals: must be a list (line 1)"},
		{"entry not a mapping", "hospitals:\n  - abc\n", "h.yaml: hospitals[0]: must be a mapping (line 2)"},
		{"location is not settable", "hospitals:\n  - code: abc\n    location: UTC\n", `h.yaml: hospitals[0] (code "abc"): location: unknown field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "h.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tt.yaml), 0o600))
			_, err := LoadHospitals(path, envOf(nil))
			require.Error(t, err)
			assert.Contains(t, err.Error(), filepath.Dir(path)+string(filepath.Separator)+tt.want)
		})
	}
}

func TestLoadHospitalsReportsEveryEntry(t *testing.T) {
	yaml := "hospitals:\n" +
		"  - code: a1\n    name: A\n    helpline: '1'\n    sender: 'whatsapp:+14155238886'\n    country_code: '91'\n    emr: {kind: demo}\n" +
		"  - code: b2\n    helpline: '1'\n    sender: 'whatsapp:+14155238886'\n    country_code: '91'\n    emr: {kind: demo}\n" +
		"  - code: c3\n    name: C\n    helpline: '1'\n    sender: 'bad'\n    country_code: '91'\n    emr: {kind: demo}\n"
	path := filepath.Join(t.TempDir(), "h.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
	_, err := LoadHospitals(path, envOf(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `hospitals[1] (code "b2"): name: required`)
	assert.Contains(t, err.Error(), `hospitals[2] (code "c3"): sender: must be`)
	assert.NotContains(t, err.Error(), "hospitals[0]")
}

// Operators share settings between locations with YAML anchors; each
// hospital must still get its own copy to normalise.
func TestLoadHospitalsAnchors(t *testing.T) {
	text := "common: &common\n  helpline: '+919800000000'\n  sender: 'whatsapp:+14155238886'\n  country_code: '91'\n" +
		"hospitals:\n" +
		"  - <<: *common\n    code: a1\n    name: A\n    emr: &emr {kind: fhir, base_url: 'https://fhir.example/R4/'}\n" +
		"  - <<: *common\n    code: b2\n    name: B\n    emr: *emr\n"
	_, err := LoadHospitals(writeHospitals(t, text), envOf(nil))
	require.Error(t, err, "an unknown top-level key is refused even when used as an anchor")
	assert.Contains(t, err.Error(), "common: unknown field")

	text = "hospitals:\n" +
		"  - &a\n    code: a1\n    name: A\n    helpline: '1'\n    sender: 'whatsapp:+14155238886'\n    country_code: '91'\n" +
		"    emr: {kind: fhir, base_url: 'https://fhir.example/R4/'}\n" +
		"  - <<: *a\n    code: b2\n"
	hs, err := LoadHospitals(writeHospitals(t, text), envOf(nil))
	require.NoError(t, err)
	require.Len(t, hs, 2)
	assert.Equal(t, "b2", hs[1].Code)
	assert.Equal(t, "https://fhir.example/R4", hs[1].EMR.BaseURL)
}
