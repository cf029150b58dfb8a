package fhir

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// maxRecords is how many records the patient picks from, newest first: a
// longer numbered list is unreadable on a phone.
const maxRecords = 10

// finalReports are the DiagnosticReport statuses worth showing a patient.
var finalReports = []string{"final", "amended", "corrected", "appended"}

// HealthRecords lists the patient's current DocumentReferences and final
// DiagnosticReports that carry an attachment URL, newest first, as
// documents to pick from. Documents this adapter filed itself (uploads,
// profile photos) are not records. A server without DiagnosticReport (it
// refuses the search) still lists its documents.
func (c *Client) HealthRecords(ctx context.Context, p emr.PatientRef) (emr.Records, error) {
	const op = string(emr.OpHealthRecords)
	if p.ID == "" {
		return emr.Records{}, opError(op, emr.Rejected, errNoPatient)
	}
	ctx, cancel := c.begin(ctx)
	defer cancel()
	patient := url.Values{"patient": {"Patient/" + p.ID}, "_count": {"100"}}
	docsQuery := url.Values{"status": {"current"}}
	for k, v := range patient {
		docsQuery[k] = v
	}
	f, err := c.search(ctx, op, "DocumentReference", docsQuery)
	if err != nil {
		return emr.Records{}, err
	}
	docs, err := decodeAll[DocumentReference](op, f.matches)
	if err != nil {
		return emr.Records{}, err
	}
	var items []emr.Record
	for _, d := range docs {
		if rec, ok := c.documentRecord(d); ok {
			items = append(items, rec)
		}
	}
	f, err = c.search(ctx, op, "DiagnosticReport", patient)
	switch {
	case emr.KindOf(err) == emr.Rejected:
	case err != nil:
		return emr.Records{}, err
	default:
		reports, err := decodeAll[DiagnosticReport](op, f.matches)
		if err != nil {
			return emr.Records{}, err
		}
		for _, r := range reports {
			if rec, ok := c.reportRecord(r); ok {
				items = append(items, rec)
			}
		}
	}
	slices.SortStableFunc(items, func(a, b emr.Record) int { return b.Date.Compare(a.Date) })
	if len(items) > maxRecords {
		items = items[:maxRecords]
	}
	return emr.Records{Items: items}, nil
}

// documentRecord is a DocumentReference as a record, when it is current,
// the hospital's, and has a URL to send.
func (c *Client) documentRecord(d DocumentReference) (emr.Record, bool) {
	if d.Status != "current" || ours(d) {
		return emr.Record{}, false
	}
	for _, ct := range d.Content {
		u := c.absolute(ct.Attachment.URL)
		if u == "" {
			continue
		}
		title := firstOf(d.Description, labelOf(d.Type), ct.Attachment.Title, "Document")
		return emr.Record{ID: "DocumentReference/" + d.ID, Title: title, Date: parseDate(d.Date), URL: u, ContentType: ct.Attachment.ContentType}, true
	}
	return emr.Record{}, false
}

// reportRecord is a DiagnosticReport as a record, when it is final and
// has a presented form with a URL.
func (c *Client) reportRecord(r DiagnosticReport) (emr.Record, bool) {
	if !slices.Contains(finalReports, r.Status) {
		return emr.Record{}, false
	}
	for _, a := range r.PresentedForm {
		u := c.absolute(a.URL)
		if u == "" {
			continue
		}
		date := parseDate(r.EffectiveDateTime)
		if date.IsZero() {
			date = parseDate(r.Issued)
		}
		title := firstOf(r.Code.label(), a.Title, "Report")
		return emr.Record{ID: "DiagnosticReport/" + r.ID, Title: title, Date: date, URL: u, ContentType: a.ContentType}, true
	}
	return emr.Record{}, false
}

// absolute makes an attachment URL absolute (a relative one, such as
// Binary/7, is on this server); "" when it is not http(s).
func (c *Client) absolute(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		base, _ := url.Parse(c.base + "/")
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	return u.String()
}

// parseDate reads a FHIR dateTime or date; zero when it cannot.
func parseDate(s string) time.Time {
	for _, layout := range []string{time.RFC3339, time.DateOnly, "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func labelOf(c *CodeableConcept) string {
	if c == nil {
		return ""
	}
	return c.label()
}

// firstOf is the first non-blank string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
