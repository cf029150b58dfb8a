package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/frontdesk-health/frontdesk/emr"
)

// recordContentType is the type of every demo record: a one-page PDF.
const recordContentType = "application/pdf"

// record is a health record and the lines its PDF shows.
type record struct {
	emr.Record
	lines []string
}

// HealthRecords lists the patient's records, newest first, as documents
// the patient can pick from. A patient with none gets an empty Records (no
// Text either): the conversation words that case itself.
func (e *EMR) HealthRecords(ctx context.Context, ref emr.PatientRef) (emr.Records, error) {
	if err := e.begin(ctx, OpHealthRecords); err != nil {
		return emr.Records{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p, err := e.patientLocked(OpHealthRecords, ref.ID)
	if err != nil {
		return emr.Records{}, err
	}
	if len(p.records) == 0 {
		return emr.Records{}, nil
	}
	items := make([]emr.Record, len(p.records))
	for i, r := range p.records {
		items[i] = r.Record
	}
	return emr.Records{Items: items}, nil
}

// RecordPDF renders a record as the one-page PDF its URL points at, so the
// demo server can serve /demo/records/<id>.pdf. ok is false for an unknown
// id. The content is fictional seed data.
func (e *EMR) RecordPDF(recordID string) (pdf []byte, ok bool) {
	recordID = strings.TrimSuffix(recordID, ".pdf")
	e.mu.Lock()
	ref, ok := e.records[recordID]
	if !ok {
		e.mu.Unlock()
		return nil, false
	}
	p := e.byID[ref.patientID]
	r := p.records[ref.index]
	lines := []string{
		"Patient: " + p.Name + " (" + p.ID + ")",
		fmt.Sprintf("Age/Sex: %d / %s", p.Age, p.Gender),
		"Date: " + r.Date.Format("2 Jan 2006"),
		"",
	}
	lines = append(lines, r.lines...)
	e.mu.Unlock()
	lines = append(lines, "", "Demo document: all names and values are fictional.")
	return renderPDF(e.opts.HospitalName, r.Title, lines), true
}

// addRecordLocked files a record with a patient and indexes it for
// RecordPDF; the caller holds e.mu and adds records newest first.
func (e *EMR) addRecordLocked(p *patient, r record) {
	r.URL = e.opts.RecordURLBase + "/" + r.ID + ".pdf"
	r.ContentType = recordContentType
	e.records[r.ID] = recordRef{patientID: p.ID, index: len(p.records)}
	p.records = append(p.records, r)
}
