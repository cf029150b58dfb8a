package fhir

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
)

// TestFindPatientsByPhone: a number is found however the EMR stored it
// (E.164, national, with a trunk 0), a family phone lists everyone on it,
// and inactive duplicates and other people's records never show.
func TestFindPatientsByPhone(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	tests := []struct {
		name, mobile string
		want         []emr.Patient
	}{
		{"stored in E.164, with an inactive duplicate", fhirtest.AshaMobile,
			[]emr.Patient{{ID: fhirtest.AshaID, Name: "Asha Verma", Age: 34, Gender: emr.Female}}},
		{"family phone stored in national and E.164 form", fhirtest.FamilyMobile, []emr.Patient{
			{ID: fhirtest.RameshID, Name: "Ramesh Patel", Age: 62, Gender: emr.Male},
			{ID: fhirtest.SavitaID, Name: "Savita Patel", Age: 58, Gender: emr.Female},
		}},
		{"stored with a trunk 0, birth year only", fhirtest.TrunkMobile,
			[]emr.Patient{{ID: fhirtest.ImranID, Name: "Imran Shaikh", Age: 41, Gender: emr.Male}}},
		{"unknown number", "+919811100001", []emr.Patient{}},
		{"foreign number", "+14155550123", []emr.Patient{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.FindPatients(ctx(t), tt.mobile)
			require.NoError(t, err)
			assert.ElementsMatch(t, tt.want, got)
		})
	}
	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	assert.Contains(t, reqs[0].Path, "telecom=%2B919800000101%2C919800000101%2C9800000101%2C09800000101",
		"one search with every form the number may be stored in")

	_, err := c.FindPatients(ctx(t), "9800000101")
	assert.Equal(t, emr.Rejected, emr.KindOf(err), "a number that is not E.164 is refused before any request")
}

// TestFindPatientsIgnoresUnfilteredAnswers: a server that ignores the
// telecom parameter answers every patient; only the caller's own may
// reach a family chooser.
func TestFindPatientsIgnoresUnfilteredAnswers(t *testing.T) {
	t.Parallel()
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", fhirJSON)
		w.Write([]byte(`{"resourceType":"Bundle","type":"searchset","entry":[
			{"resource":{"resourceType":"Patient","id":"a","name":[{"text":"Caller"}],"telecom":[{"system":"phone","value":"+91 98000-00101"}]}},
			{"resource":{"resourceType":"Patient","id":"b","name":[{"text":"Stranger"}],"telecom":[{"system":"phone","value":"+919800000555"}]}},
			{"resource":{"resourceType":"Patient","id":"c","name":[{"text":"Email only"}],"telecom":[{"system":"email","value":"919800000101"}]}},
			{"resource":{"resourceType":"Patient","id":"d","name":[{"text":"No phone"}],"unknownField":{"x":1}}}]}`))
	}))
	defer fake.Close()
	c, err := New(hospital(t, fake.URL), nil)
	require.NoError(t, err)
	got, err := c.FindPatients(ctx(t), fhirtest.AshaMobile)
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, patientIDs(got))
}

// TestRegister: the new Patient carries the name, gender, birth year and
// mobile, and is found by its number right away.
func TestRegister(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	mobile := "+919811100001"
	p, err := c.Register(ctx(t), emr.NewPatient{Name: "  Ravi   Kumar Singh ", Age: 41, Gender: emr.Male, Mobile: mobile})
	require.NoError(t, err)
	require.NotEmpty(t, p.ID)
	assert.Equal(t, emr.Patient{ID: p.ID, Name: "Ravi Kumar Singh", Age: 41, Gender: emr.Male}, p)

	stored := srv.Read("Patient", p.ID)
	require.NotNil(t, stored)
	assert.Equal(t, "1985", stored["birthDate"], "the birth year is this year minus the age")
	assert.Equal(t, "male", stored["gender"])
	assert.Equal(t, "Ravi Kumar Singh", field(stored, "name", 0, "text"))
	assert.Equal(t, "Singh", field(stored, "name", 0, "family"))
	assert.Equal(t, []any{"Ravi", "Kumar"}, field(stored, "name", 0, "given"))
	assert.Equal(t, map[string]any{"system": "phone", "value": mobile, "use": "mobile"}, field(stored, "telecom", 0))

	found, err := c.FindPatients(ctx(t), mobile)
	require.NoError(t, err)
	assert.Equal(t, []emr.Patient{p}, found)

	other, err := c.Register(ctx(t), emr.NewPatient{Name: "Ravi Kumar", Age: 7, Gender: emr.Other, Mobile: fhirtest.FamilyMobile})
	require.NoError(t, err)
	family, err := c.FindPatients(ctx(t), fhirtest.FamilyMobile)
	require.NoError(t, err)
	assert.Equal(t, []string{fhirtest.RameshID, fhirtest.SavitaID, other.ID}, patientIDs(family), "a child registered on the family phone joins the chooser")
}

func TestRegisterRefusesBadInput(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	for _, np := range []emr.NewPatient{
		{Name: "Ravi", Age: 41, Gender: emr.Male, Mobile: "9811100001"},
		{Name: "   ", Age: 41, Gender: emr.Male, Mobile: "+919811100001"},
		{Name: "Ravi", Age: 41, Gender: "robot", Mobile: "+919811100001"},
	} {
		_, err := c.Register(ctx(t), np)
		assert.Equal(t, emr.Rejected, emr.KindOf(err))
	}
	assert.Zero(t, srv.Count(http.MethodPost, "Patient"), "nothing reaches the server")
}

func TestAge(t *testing.T) {
	t.Parallel()
	_, c, _ := setup(t)
	for birth, want := range map[string]int{
		"1992-11-24": 34, "1992-11-25": 33, "1992-03-14": 34, "1992-12": 33, "1992-10": 34, "1992": 34, "": 0, "garbage": 0, "2030": 0,
	} {
		assert.Equal(t, want, c.age(birth), "born %s", birth)
	}
}

func TestPhoneForms(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"+919800000102", "919800000102", "9800000102", "09800000102"}, phoneForms("+919800000102", "91"))
	assert.Equal(t, []string{"+14155550123", "14155550123"}, phoneForms("+14155550123", "91"))
	assert.True(t, phoneMatches("+91 (98000) 00-102", phoneForms("+919800000102", "91")))
	assert.False(t, phoneMatches("98000001020", phoneForms("+919800000102", "91")))
	assert.Equal(t, []string{"+919800000102", "919800000102"}, phoneForms("+919800000102", ""), "no national forms without a country code")
}
