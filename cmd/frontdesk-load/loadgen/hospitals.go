package loadgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Hospital is one location the load writes to: its activation code and
// its WhatsApp sender.
type Hospital struct {
	Code   string
	Sender string
}

// Hospitals returns n load hospitals. The first is the demo hospital
// itself (code demo, the sandbox sender); the others are copies of it on
// senders of their own, so the replies are spread over several outbound
// actors as they are in a deployment with several hospitals.
func Hospitals(n int) []Hospital {
	out := []Hospital{{Code: "demo", Sender: Sender}}
	for i := 2; i <= n; i++ {
		out = append(out, Hospital{Code: fmt.Sprintf("demo%d", i), Sender: fmt.Sprintf("whatsapp:+1415550%04d", i)})
	}
	return out
}

// hospitalYAML is one demo-EMR hospital, like the built-in demo one.
const hospitalYAML = `  - code: %s
    name: Load Hospital %d
    helpline: "+911234567890"
    timezone: Asia/Kolkata
    languages: [en, hi]
    sender: "%s"
    country_code: "91"
    registration:
      photo_optional: true
    emr:
      kind: demo
`

// WriteHospitals writes a hospitals file for hs into dir and returns its
// path; sendRate, when positive, is each sender's send_rate (messages/s).
func WriteHospitals(dir string, hs []Hospital, sendRate int) (string, error) {
	var b strings.Builder
	b.WriteString("hospitals:\n")
	for i, h := range hs {
		fmt.Fprintf(&b, hospitalYAML, h.Code, i+1, h.Sender)
		if sendRate > 0 {
			fmt.Fprintf(&b, "    send_rate: %d\n", sendRate)
		}
	}
	path := filepath.Join(dir, "hospitals.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("write hospitals file: %w", err)
	}
	return path, nil
}
