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

// TestVerifierAgreesWithTwilio checks the webhook's verifier against
// twilio-go's validator: for every URL form (with and without a port,
// default or not, with a query) and every signature (signed over each of
// those URL forms, with another token, tampered), both must give the same
// answer.
func TestVerifierAgreesWithTwilio(t *testing.T) {
	const token = "e2etoken0123456789abcdef01234567"
	urls := []string{
		"https://frontdesk.example.test/twilio/messages",
		"https://frontdesk.example.test:443/twilio/messages",
		"https://frontdesk.example.test:8443/twilio/messages",
		"http://127.0.0.1:8080/twilio/messages",
		"http://127.0.0.1/twilio/messages",
		"http://127.0.0.1:80/twilio/messages?hospital=abc&x=%20y",
		"https://frontdesk.example.test/twilio/messages?a=1&b=2",
		"://not a url",
	}
	twilio := client.NewRequestValidator(token)
	ours := NewVerifier(token)
	accepted := 0
	for _, name := range []string{"text.form", "image.form", "location.form", "button.form"} {
		f := fixture(t, name)
		f.Add("Body", "a second value, which neither signs")
		params := map[string]string{}
		for k := range f {
			params[k] = f.Get(k)
		}
		for _, signed := range urls {
			for _, checked := range urls {
				for _, sig := range []string{Sign(token, signed, firstValues(f)), Sign("x"+token, signed, firstValues(f)),
					Sign(token, signed, f), "", "not base64", Sign(token, signed, firstValues(f)) + "\n"} {
					want := twilio.Validate(checked, params, sig)
					assert.Equal(t, want, ours.Valid(checked, f, sig), "%s signed for %q, checked at %q, sig %q", name, signed, checked, sig)
					if want {
						accepted++
					}
				}
			}
		}
	}
	// Each URL validates its own signature and, for the port forms, its
	// twin's: the comparison above covers acceptance, not only refusal.
	assert.Greater(t, accepted, 4*len(urls), "signatures accepted")
}

// firstValues keeps the first value of each key, as Twilio's signature
// covers.
func firstValues(f url.Values) url.Values {
	out := url.Values{}
	for k, vs := range f {
		out[k] = vs[:1]
	}
	return out
}

// BenchmarkVerify compares the verifier with twilio-go's validator on a
// real inbound form.
func BenchmarkVerify(b *testing.B) {
	const token, u = "e2etoken0123456789abcdef01234567", "https://frontdesk.example.test/twilio/messages"
	f := fixture(b, "text.form")
	sig := Sign(token, u, f)
	b.Run("webhook", func(b *testing.B) {
		v := NewVerifier(token)
		b.ReportAllocs()
		for b.Loop() {
			if !v.Valid(u, f, sig) {
				b.Fatal("not valid")
			}
		}
	})
	b.Run("twilio-go", func(b *testing.B) {
		v := client.NewRequestValidator(token)
		b.ReportAllocs()
		for b.Loop() {
			params := make(map[string]string, len(f))
			for k, vs := range f {
				params[k] = vs[0]
			}
			if !v.Validate(u, params, sig) {
				b.Fatal("not valid")
			}
		}
	})
}
