package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A patient whose every detail is easy to find in a byte dump.
const (
	privName      = "Zarathustra Qwerty"
	privComplaint = "unicornpox symptoms since Tuesday"
	privAddress   = "221B Quillfeather Lane, Mumbai 400001"
	privPhone     = "+919845012377"
	privNational  = "9845012377"
)

// privSecrets are the forms patient data could leak in, each with what it
// is; the national number is inside every other form of the number.
var privSecrets = map[string]string{
	"zarathustra":  "the patient's first name",
	"qwerty":       "the patient's last name",
	"unicornpox":   "the complaint",
	"quillfeather": "the address",
	privNational:   "the phone number (E.164, national, whatsapp: or WaId form)",
	"98450 12377":  "the phone number as typed with a space",
	"98450-12377":  "the phone number with a dash",
}

// requireNoPatientData fails for each secret found in text (case-insensitive).
func requireNoPatientData(t *testing.T, where, text string, secrets map[string]string) {
	t.Helper()
	low := strings.ToLower(text)
	for s, what := range secrets {
		if i := strings.Index(low, strings.ToLower(s)); i >= 0 {
			from, to := max(0, i-120), min(len(text), i+len(s)+40)
			t.Errorf("%s must not contain %s (%q); found in: %q", where, what, s, text[from:to])
		}
	}
}

// TestPatientDataStaysOutOfLogsMetricsAndDisk runs a registration, a
// booking, an address change, an EMR refusal quoting the patient and an EMR
// push, then looks for the patient's details in everything the process
// writes: its logs, its metrics and the bytes of its data directory.
func TestPatientDataStaysOutOfLogsMetricsAndDisk(t *testing.T) {
	h := start(t)
	p := privPhone
	h.say(p, "hi abc", askName)
	h.say(p, privName, "age")
	h.say(p, "47", "Gender")
	h.say(p, "2", "photo")
	h.say(p, "skip", "patient ID", "Main menu")
	h.say(p, "1", "When would you like")
	h.say(p, "1", "Choose a *department*")
	h.say(p, "3", "Choose a *doctor*")
	h.say(p, "1", "what is the problem")
	h.say(p, privComplaint, "is booked")
	h.say(p, "7", "address")
	h.say(p, privAddress, "address is updated")
	// An EMR refusal that quotes the patient: shown to the patient, logged
	// nowhere.
	h.emr.RejectWith("departments", "No slots for "+privName+" ("+privNational+") tomorrow")
	h.say(p, "1", "When would you like")
	h.say(p, "2", "No slots for "+privName)
	h.say(p, "menu", "Main menu")
	pushToPatient(t, h, `{"mobile":"`+privNational+`","message":"Dear `+privName+`, your unicornpox report is ready"}`)
	h.waitReplies(p, 0, "your unicornpox report is ready")

	// The data really went through the process: otherwise finding nothing
	// proves nothing.
	reg := h.emr.CallsTo("register")
	require.Len(t, reg, 1)
	require.Equal(t, privName, reg[0].Fields["name"])
	require.Equal(t, privNational, reg[0].Fields["mobile"])
	book := h.emr.CallsTo("book_in_person")
	require.Len(t, book, 1)
	require.Equal(t, privComplaint, book[0].Fields["chiefcompliant"])
	require.Len(t, h.emr.CallsTo("update_address"), 1)
	secrets := privSecrets
	logs := h.logs.String()
	require.Contains(t, logs, `"route":"/twilio/messages"`, "the debug logs of the webhooks should have been captured")
	require.Contains(t, logs, `"component":"hospital"`, "the EMR refusal should have been logged (without its text)")
	requireNoPatientData(t, "the process logs", logs, secrets)
	requireNoPatientData(t, "the /metrics scrape", procMetrics(t, h), secrets)

	h.stop()
	stored := storedValues(t, h)
	for name, v := range stored {
		requireNoPatientData(t, name, v, secrets)
	}
	if onRedis() {
		assert.GreaterOrEqual(t, len(stored), 2, "the conversation's keys should be in Redis")
	} else {
		assert.Contains(t, stored, "data file frontdesk.db", "the store should be in the data directory")
		assert.Contains(t, stored, "data file encryption.key", "the key should be in the data directory")
	}
}

// pushToPatient sends a seed-compatible EMR push for hospital abc.
func pushToPatient(t *testing.T, h *harness, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.base+"/api/notifyuserwa", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+apiKey)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	require.Equal(t, http.StatusOK, res.StatusCode, "push: %s", b)
	require.Contains(t, string(b), `"1"`, "the push should be accepted")
}
