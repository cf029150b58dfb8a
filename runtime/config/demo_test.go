package config

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDemoHospitalIsValid(t *testing.T) {
	h := DemoHospital()
	var problems []string
	validateHospital(&h, func(field, format string, args ...any) {
		problems = append(problems, field+": "+fmt.Sprintf(format, args...))
	})
	assert.Empty(t, problems)
	assert.Equal(t, DemoHospital(), h, "validation has nothing to normalise in the demo hospital")
}

func TestDemoHospitalFields(t *testing.T) {
	h := DemoHospital()
	assert.Equal(t, "demo", h.Code)
	assert.Equal(t, EMRKindDemo, h.EMR.Kind)
	assert.Equal(t, []string{"en", "hi"}, h.Languages)
	assert.Equal(t, "whatsapp:+14155238886", h.Sender)
	assert.Equal(t, "91", h.CountryCode)
	assert.Equal(t, "Asia/Kolkata", h.Location.String())
	assert.True(t, h.Registration.PhotoOptional)
	assert.True(t, h.IsActive())
	assert.NotEmpty(t, h.MapsURL)
	assert.NotEmpty(t, h.Welcome)
	assert.NotEmpty(t, h.Helpline)

	// Each call returns its own copy: a caller changing it cannot change
	// the next demo.
	h.Languages[0] = "xx"
	*h.Active = false
	assert.Equal(t, "en", DemoHospital().Languages[0])
	assert.True(t, DemoHospital().IsActive())
}

func TestDemoHospitalCallbackSecret(t *testing.T) {
	s := DemoHospital().CallbackSecret.Value()
	assert.GreaterOrEqual(t, len(s), MinCallbackSecret, "the simulator's reminders need a secret the validation accepts")
	assert.Len(t, s, 64, "32 random bytes in hex")
	assert.Equal(t, s, DemoHospital().CallbackSecret.Value(), "one secret per process: the callback actor and the simulator must agree")
	assert.Equal(t, "****", DemoHospital().CallbackSecret.String(), "masked when logged")
}
