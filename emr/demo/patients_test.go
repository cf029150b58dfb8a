package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

func TestFindSeedPatients(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()

	got, err := e.FindPatients(ctx, AshaMobile)
	require.NoError(t, err)
	assert.Equal(t, []emr.Patient{{ID: "DEMO-0001", Name: "Asha Verma", Age: 34, Gender: emr.Female}}, got)

	family, err := e.FindPatients(ctx, FamilyMobile)
	require.NoError(t, err)
	assert.Equal(t, []emr.Patient{
		{ID: "DEMO-0002", Name: "Ramesh Patel", Age: 62, Gender: emr.Male},
		{ID: "DEMO-0003", Name: "Savita Patel", Age: 58, Gender: emr.Female},
	}, family)

	none, err := e.FindPatients(ctx, "+919800000099")
	require.NoError(t, err)
	assert.NotNil(t, none)
	assert.Empty(t, none)
}

func TestFindPatientsRefusesANonE164Mobile(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	for _, m := range []string{"", "9800000001", "+91 98000 00001", "whatsapp:+919800000001", "+0123456789"} {
		_, err := e.FindPatients(context.Background(), m)
		requireKind(t, err, OpFindPatients, emr.Rejected)
	}
}

func TestRegisterThenFind(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	const mobile = "+919812345678"

	p, err := e.Register(ctx, emr.NewPatient{Name: "  Priya   Sen ", Age: 29, Gender: emr.Female, Mobile: mobile})
	require.NoError(t, err)
	assert.Equal(t, emr.Patient{ID: "DEMO-1001", Name: "Priya Sen", Age: 29, Gender: emr.Female}, p)

	found, err := e.FindPatients(ctx, mobile)
	require.NoError(t, err)
	assert.Equal(t, []emr.Patient{p}, found)

	child, err := e.Register(ctx, emr.NewPatient{Name: "Aarav Sen", Age: 4, Gender: emr.Male, Mobile: mobile})
	require.NoError(t, err)
	assert.Equal(t, "DEMO-1002", child.ID)
	found, err = e.FindPatients(ctx, mobile)
	require.NoError(t, err)
	assert.Equal(t, []emr.Patient{p, child}, found, "a second family member joins the phone")
}

func TestRegisterTwiceReturnsTheSamePatient(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	np := emr.NewPatient{Name: "Imran Shaikh", Age: 41, Gender: emr.Male, Mobile: "+919812345679"}
	first, err := e.Register(ctx, np)
	require.NoError(t, err)
	np.Name = "imran shaikh"
	second, err := e.Register(ctx, np)
	require.NoError(t, err)
	assert.Equal(t, first, second)
	found, err := e.FindPatients(ctx, np.Mobile)
	require.NoError(t, err)
	assert.Len(t, found, 1)
}

func TestRegisterJoinsFamilyPhone(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	_, err := e.Register(ctx, emr.NewPatient{Name: "Nikhil Patel", Age: 30, Gender: emr.Male, Mobile: FamilyMobile})
	require.NoError(t, err)
	found, err := e.FindPatients(ctx, FamilyMobile)
	require.NoError(t, err)
	assert.Equal(t, []string{"DEMO-0002", "DEMO-0003", "DEMO-1001"}, ids(found, func(p emr.Patient) string { return p.ID }))
}

func TestInvalidRegistrationsAreRefused(t *testing.T) {
	valid := emr.NewPatient{Name: "Deepa Rao", Age: 50, Gender: emr.Female, Mobile: "+919812345670"}
	tests := []struct {
		name   string
		change func(*emr.NewPatient)
	}{
		{"no name", func(p *emr.NewPatient) { p.Name = "   " }},
		{"name too long", func(p *emr.NewPatient) { p.Name = strings.Repeat("a", 101) }},
		{"age zero", func(p *emr.NewPatient) { p.Age = 0 }},
		{"age 121", func(p *emr.NewPatient) { p.Age = 121 }},
		{"unknown gender", func(p *emr.NewPatient) { p.Gender = "x" }},
		{"national mobile", func(p *emr.NewPatient) { p.Mobile = "9812345670" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newAt(t, tuesday0930)
			np := valid
			tt.change(&np)
			_, err := e.Register(context.Background(), np)
			requireKind(t, err, OpRegister, emr.Rejected)
			assert.NotContains(t, err.Error(), "Deepa", "no patient data in error strings")
			assert.NotContains(t, err.Error(), "9812345670")
			p, err := e.Register(context.Background(), valid)
			require.NoError(t, err)
			assert.Equal(t, "DEMO-1001", p.ID, "a refused registration uses no id")
		})
	}
}

func TestRegisterWithoutGenderIsAccepted(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	p, err := e.Register(context.Background(), emr.NewPatient{Name: "Sam", Age: 20, Mobile: "+919812345671"})
	require.NoError(t, err)
	assert.Equal(t, emr.Gender(""), p.Gender)
}
