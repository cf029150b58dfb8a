package webhook

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/twilio/twilio-go/client"
)

// TestSignKnownVector checks Sign against the example signature Twilio's
// own library is tested with, so the simulator and the tests sign exactly
// as Twilio does.
func TestSignKnownVector(t *testing.T) {
	form := url.Values{
		"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"},
		"Caller": {"+14158675309"}, "From": {"+14158675309"},
		"ReasonConferenceEnded": {"test"}, "Reason": {"Participant"},
	}
	got := Sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", form)
	assert.Equal(t, "vOEb5UThFn24KEfnOFLQY2AE5FY=", got)
}

// TestSignMatchesValidator signs fixtures and checks them with the
// validator the webhook uses; any change to URL, token or a field breaks it.
func TestSignMatchesValidator(t *testing.T) {
	const token, u = "e2etoken0123456789abcdef01234567", "https://frontdesk.example.test/twilio/messages"
	v := client.NewRequestValidator(token)
	for _, name := range []string{"text.form", "image.form", "location.form", "button.form"} {
		f := fixture(t, name)
		sig := Sign(token, u, f)
		params := map[string]string{}
		for k := range f {
			params[k] = f.Get(k)
		}
		assert.True(t, v.Validate(u, params, sig), "%s: Sign and Twilio's validator must agree", name)
		assert.False(t, v.Validate(u+"x", params, sig), "%s: another URL must not validate", name)
		params["Body"] += "!"
		assert.False(t, v.Validate(u, params, sig), "%s: a changed body must not validate", name)
		assert.NotEqual(t, sig, Sign("other"+token, u, f), "%s: the token must matter", name)
	}
}
