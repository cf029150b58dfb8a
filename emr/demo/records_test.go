package demo

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

func TestSeedPatientsHaveRecordsNewestFirst(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	for _, id := range []string{"DEMO-0001", "DEMO-0002", "DEMO-0003"} {
		recs, err := e.HealthRecords(ctx, emr.PatientRef{ID: id})
		require.NoError(t, err)
		assert.Empty(t, recs.Text)
		require.GreaterOrEqual(t, len(recs.Items), 2, id)
		require.LessOrEqual(t, len(recs.Items), 4, id)
		for i, r := range recs.Items {
			assert.NotEmpty(t, r.Title)
			assert.Equal(t, "application/pdf", r.ContentType)
			assert.Equal(t, "http://127.0.0.1:8080/demo/records/"+r.ID+".pdf", r.URL)
			assert.True(t, r.Date.Before(tuesday0930))
			if i > 0 {
				assert.False(t, r.Date.After(recs.Items[i-1].Date), "newest first")
			}
		}
	}

	recs, err := e.HealthRecords(ctx, asha)
	require.NoError(t, err)
	first := recs.Items[0]
	assert.Equal(t, "rec-102", first.ID)
	assert.Equal(t, "Prescription: Dr. Sanjay Gupta", first.Title)
	assert.Equal(t, time.Date(2024, 12, 27, 0, 0, 0, 0, ist), first.Date)
}

func TestRecordURLsFollowTheServer(t *testing.T) {
	now := func() time.Time { return tuesday0930 }
	tests := []struct {
		opts Options
		want string
	}{
		{Options{Now: now, PaymentBaseURL: "https://bot.example.org/demo/pay"}, "https://bot.example.org/demo/records/rec-201.pdf"},
		{Options{Now: now, PaymentBaseURL: "https://pay.example/x", RecordURLBase: "https://files.example/r/"}, "https://files.example/r/rec-201.pdf"},
	}
	for _, tt := range tests {
		e := New(tt.opts)
		recs, err := e.HealthRecords(context.Background(), emr.PatientRef{ID: "DEMO-0002"})
		require.NoError(t, err)
		urls := ids(recs.Items, func(r emr.Record) string { return r.URL })
		assert.Contains(t, urls, tt.want)
	}
}

func TestNewPatientHasNoRecords(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	p, err := e.Register(ctx, emr.NewPatient{Name: "Ravi Kumar", Age: 45, Gender: emr.Male, Mobile: "+919811111111"})
	require.NoError(t, err)
	recs, err := e.HealthRecords(ctx, emr.PatientRef{ID: p.ID, Mobile: "+919811111111"})
	require.NoError(t, err)
	assert.Equal(t, emr.Records{}, recs)
}

func TestRecordsOfUnknownPatientAreRefused(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	_, err := e.HealthRecords(context.Background(), emr.PatientRef{ID: "DEMO-4242"})
	requireKind(t, err, OpHealthRecords, emr.Rejected)
}

var objHeader = regexp.MustCompile(`^(\d+) 0 obj`)

func TestRecordPDFIsWellFormed(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	pdf, ok := e.RecordPDF("rec-203.pdf")
	require.True(t, ok)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")))
	require.True(t, bytes.HasSuffix(pdf, []byte("%%EOF\n")))
	assert.Contains(t, string(pdf), "(Discharge summary: Cardiology) Tj")
	assert.Contains(t, string(pdf), "Ramesh Patel \\(DEMO-0002\\)")

	// startxref points at the xref table, whose entries point at objects.
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(pdf)
	require.NotNil(t, m)
	xref, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdf[xref:], []byte("xref\n0 7\n")))
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(pdf[xref:], -1)
	require.Len(t, entries, 6)
	for i, en := range entries {
		off, err := strconv.Atoi(string(en[1]))
		require.NoError(t, err)
		h := objHeader.FindSubmatch(pdf[off:])
		require.NotNil(t, h, "object %d offset", i+1)
		assert.Equal(t, fmt.Sprint(i+1), string(h[1]))
	}
	// The stream's declared length matches its bytes.
	sm := regexp.MustCompile(`(?s)<< /Length (\d+) >>\nstream\n(.*?)endstream`).FindSubmatch(pdf)
	require.NotNil(t, sm)
	assert.Equal(t, string(sm[1]), strconv.Itoa(len(sm[2])))

	_, ok = e.RecordPDF("rec-999")
	assert.False(t, ok)
}

func TestPDFTextEscapes(t *testing.T) {
	assert.Equal(t, `a\(b\)c\\d?`, pdfText("a(b)c\\d\u20b9"))
}

func TestProfileChangesAreStored(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	require.NoError(t, e.SetProfilePhoto(ctx, asha, "https://api.twilio.com/media/ME1"))
	doc1 := emr.Document{URL: "https://api.twilio.com/media/ME2", ContentType: "application/pdf", Caption: "old report"}
	doc2 := emr.Document{URL: "https://api.twilio.com/media/ME3", ContentType: "image/jpeg"}
	require.NoError(t, e.UploadDocument(ctx, asha, doc1))
	require.NoError(t, e.UploadDocument(ctx, asha, doc2))
	require.NoError(t, e.UpdateAddress(ctx, asha, "  12, MG Road, Camp, Pune 411001 \n"))

	assert.Equal(t, "https://api.twilio.com/media/ME1", e.Photo(asha.ID))
	assert.Equal(t, []emr.Document{doc1, doc2}, e.Documents(asha.ID))
	assert.Equal(t, "12, MG Road, Camp, Pune 411001", e.Address(asha.ID))

	docs := e.Documents(asha.ID)
	docs[0].Caption = "changed"
	assert.Equal(t, "old report", e.Documents(asha.ID)[0].Caption, "accessors return copies")

	assert.Empty(t, e.Photo("DEMO-0003"))
	assert.Empty(t, e.Documents("DEMO-0003"))
	assert.Equal(t, "B-14, Sahyadri Society, Kothrud, Pune 411038", e.Address("DEMO-0003"))
}

func TestInvalidProfileChangesAreRefused(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	nobody := emr.PatientRef{ID: "DEMO-7777"}
	tests := []struct {
		op  string
		err error
	}{
		{OpProfilePhoto, e.SetProfilePhoto(ctx, asha, "not a url")},
		{OpProfilePhoto, e.SetProfilePhoto(ctx, nobody, "https://media.example/p.jpg")},
		{OpUploadDocument, e.UploadDocument(ctx, asha, emr.Document{URL: "ftp://x/y"})},
		{OpUploadDocument, e.UploadDocument(ctx, nobody, emr.Document{URL: "https://media.example/d.pdf"})},
		{OpUpdateAddress, e.UpdateAddress(ctx, asha, " \n ")},
		{OpUpdateAddress, e.UpdateAddress(ctx, asha, string(bytes.Repeat([]byte("x"), 501)))},
		{OpUpdateAddress, e.UpdateAddress(ctx, nobody, "12 MG Road")},
	}
	for _, tt := range tests {
		requireKind(t, tt.err, tt.op, emr.Rejected)
	}
	assert.Empty(t, e.Photo(asha.ID))
	assert.Empty(t, e.Documents(asha.ID))
	assert.Equal(t, "Flat 302, Shanti Apartments, Baner Road, Pune 411045", e.Address(asha.ID))
}
