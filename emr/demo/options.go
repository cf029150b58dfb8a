package demo

import (
	"net/url"
	"strings"
	"time"
)

// DefaultPaymentBaseURL is where video bookings send the patient to pay when
// Options leaves it empty: the demo server's own fake payment page.
const DefaultPaymentBaseURL = "http://127.0.0.1:8080/demo/pay"

// DefaultHospitalName heads the demo's record PDFs when Options leaves it empty.
const DefaultHospitalName = "Demo Multi-Speciality Hospital"

// Options tunes a demo EMR. The zero value is a working demo on the real
// clock in India Standard Time.
type Options struct {
	// Now is the clock; tests fix it so lists and slots are deterministic.
	// Default time.Now.
	Now func() time.Time
	// Location is the hospital's time zone: OPD hours, "today" and dates in
	// texts are in it. Default Asia/Kolkata.
	Location *time.Location
	// PaymentBaseURL prefixes video bookings' payment links:
	// PaymentBaseURL + "/" + appointment id. Default DefaultPaymentBaseURL.
	PaymentBaseURL string
	// RecordURLBase prefixes health record links: RecordURLBase + "/" +
	// record id + ".pdf". Default: PaymentBaseURL's scheme and host +
	// "/demo/records", so records are served by the same demo server.
	RecordURLBase string
	// HospitalName heads the record PDFs. Default DefaultHospitalName.
	HospitalName string
}

// withDefaults fills what the caller left empty.
func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = india()
	}
	o.PaymentBaseURL = strings.TrimRight(o.PaymentBaseURL, "/")
	if o.PaymentBaseURL == "" {
		o.PaymentBaseURL = DefaultPaymentBaseURL
	}
	o.RecordURLBase = strings.TrimRight(o.RecordURLBase, "/")
	if o.RecordURLBase == "" {
		o.RecordURLBase = recordBase(o.PaymentBaseURL)
	}
	if o.HospitalName == "" {
		o.HospitalName = DefaultHospitalName
	}
	return o
}

// recordBase derives the records prefix from the payment base so that one
// demo server (whatever its address) serves both.
func recordBase(payment string) string {
	u, err := url.Parse(payment)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return strings.TrimSuffix(payment, "/demo/pay") + "/demo/records"
	}
	return u.Scheme + "://" + u.Host + "/demo/records"
}

// india is Asia/Kolkata, or the same fixed offset when the system has no
// time zone database (India has no daylight saving, so they agree).
func india() *time.Location {
	if loc, err := time.LoadLocation("Asia/Kolkata"); err == nil {
		return loc
	}
	return time.FixedZone("IST", 5*60*60+30*60)
}
