package flow

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

func TestUnavailableServices(t *testing.T) {
	tests := []struct {
		item string
		caps func(*emr.Capabilities)
	}{
		{"2", func(c *emr.Capabilities) { c.VideoVisits = false }},
		{"5", func(c *emr.Capabilities) { c.ProfilePhoto = false }},
		{"6", func(c *emr.Capabilities) { c.UploadDocument = false }},
		{"7", func(c *emr.Capabilities) { c.UpdateAddress = false }},
	}
	for _, tc := range tests {
		t.Run(tc.item, func(t *testing.T) {
			caps := allCaps
			tc.caps(&caps)
			f := newFixture(t, caps)
			f.toMenu()
			fx := f.send(tc.item)
			assert.Equal(t, f.text("not_available", "helpline", testHelpline), body(fx))
			assert.Nil(t, fx.Call)
			assert.Equal(t, stepMenu, f.s.Step)
		})
	}
}

func TestMenuRejectsOtherAnswers(t *testing.T) {
	for _, msg := range []string{"9", "00", "book", ""} {
		f := newFixture(t, allCaps)
		f.toMenu()
		fx := f.send(msg)
		assert.Contains(t, body(fx), f.text("invalid_choice", "max", "8"), "answer %q", msg)
		assert.Contains(t, body(fx), f.text("menu_heading"))
		assert.Equal(t, stepMenu, f.s.Step)
	}
}

func TestUpcoming(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	fx := f.send("3")
	require.NotNil(t, fx.Call)
	assert.Equal(t, emr.Call{ID: fx.Call.ID, Op: emr.OpUpcoming, Patient: emr.PatientRef{ID: "P-100", Mobile: testPhone}}, *fx.Call)
	fx = f.answer(emr.Result{Appointments: []emr.Appointment{
		{Text: "Token 4 with Dr. Mehta tomorrow"},
		{Doctor: "Dr. Rao", Start: time.Date(2025, 11, 28, 6, 0, 0, 0, time.UTC), Video: true},
		{Doctor: "Dr. Iyer"},
	}})
	assert.Equal(t, f.text("upcoming_heading")+"\n"+
		"1. Token 4 with Dr. Mehta tomorrow\n"+
		"2. "+f.text("appointment_line", "doctor", "Dr. Rao", "when", "Fri 28 Nov, 11:30 AM", "kind", f.text("appt_video"))+"\n"+
		"3. "+f.text("appointment_line", "doctor", "Dr. Iyer", "when", "", "kind", f.text("appt_in_person"))+
		"\n\n"+f.text("menu_again"), body(fx))
	assert.Equal(t, stepMenu, f.s.Step)
}

func TestRecords(t *testing.T) {
	t.Run("list", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("4")
		assert.Equal(t, emr.OpHealthRecords, f.call().Op)
		fx := f.answer(emr.Result{Records: records})
		assert.Equal(t, f.text("choose_record")+"\n1. Blood test (Thu 20 Nov)\n2. X-ray\n\n"+f.text("hint_back_menu"), body(fx))
		assert.Equal(t, stepRecords, f.s.Step)

		fx = f.send("2")
		require.Len(t, fx.Replies, 2)
		assert.Equal(t, Reply{Body: "X-ray", Media: []string{"https://emr.example/r2.jpg"}}, fx.Replies[0])
		assert.Equal(t, f.text("record_sent"), fx.Replies[1].Body)
		assert.Equal(t, stepRecords, f.s.Step, "another record can be chosen")
		fx = f.send("3")
		assert.Contains(t, body(fx), f.text("invalid_choice", "max", "2"))
	})
	t.Run("text", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("4")
		fx := f.answer(emr.Result{Records: emr.Records{Text: "HbA1c 6.1 on 3 Nov"}})
		assert.Equal(t, "HbA1c 6.1 on 3 Nov\n\n"+f.text("menu_again"), body(fx))
		assert.Equal(t, stepMenu, f.s.Step)
	})
	t.Run("none", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("4")
		fx := f.answer(emr.Result{})
		assert.Equal(t, f.text("no_records")+"\n\n"+f.text("menu_again"), body(fx))
	})
}

func TestProfilePhoto(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	fx := f.send("5")
	assert.Equal(t, f.text("ask_new_photo")+"\n\n"+f.text("hint_back_menu"), body(fx))
	fx = f.send("here")
	assert.Contains(t, body(fx), f.text("expect_photo"))
	fx = f.sendMedia("", Media{URL: "https://m.example/a.webp", ContentType: "image/webp"})
	assert.Contains(t, body(fx), f.text("wrong_photo_type"))
	fx = f.sendMedia("", Media{URL: "https://m.example/a.gif", ContentType: "image/gif"})
	require.NotNil(t, fx.Call)
	assert.Equal(t, emr.Call{ID: fx.Call.ID, Op: emr.OpProfilePhoto, Patient: emr.PatientRef{ID: "P-100", Mobile: testPhone},
		URL: "https://m.example/a.gif"}, *fx.Call)
	fx = f.answer(emr.Result{})
	assert.Equal(t, f.text("photo_updated")+"\n\n"+f.text("menu_again"), body(fx))
	assert.Equal(t, stepMenu, f.s.Step)
}

func TestDocuments(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	f.send("6")
	fx := f.send("my report")
	assert.Contains(t, body(fx), f.text("expect_document"))
	fx = f.sendMedia("", Media{URL: "u", ContentType: "video/mp4"})
	assert.Contains(t, body(fx), f.text("wrong_document_type"))
	assert.Nil(t, fx.Call)

	long := strings.Repeat("क", 250)
	fx = f.sendMedia(long,
		Media{URL: "https://m.example/1.pdf", ContentType: "application/pdf"},
		Media{URL: "https://m.example/2.txt", ContentType: "text/plain"},
		Media{URL: "https://m.example/3.png", ContentType: "image/png"})
	assert.Equal(t, f.text("some_documents_skipped"), body(fx))
	ref := emr.PatientRef{ID: "P-100", Mobile: testPhone}
	caption := strings.Repeat("क", 200)
	require.NotNil(t, fx.Call)
	assert.Equal(t, emr.Call{ID: fx.Call.ID, Op: emr.OpUploadDocument, Patient: ref,
		Document: emr.Document{URL: "https://m.example/1.pdf", ContentType: "application/pdf", Caption: caption}}, *fx.Call)

	fx = f.answer(emr.Result{})
	assert.Empty(t, fx.Replies, "the next file is stored before saying anything")
	require.NotNil(t, fx.Call)
	assert.Equal(t, emr.Document{URL: "https://m.example/3.png", ContentType: "image/png", Caption: caption}, fx.Call.Document)

	fx = f.answer(emr.Result{})
	assert.Nil(t, fx.Call)
	assert.Equal(t, f.text("document_saved")+"\n\n"+f.text("hint_back_menu"), body(fx))
	assert.Equal(t, stepDocAsk, f.s.Step)
	assert.Empty(t, f.s.Answers.Docs)
	assert.Empty(t, f.s.Answers.Caption)
}

func TestAddress(t *testing.T) {
	tests := []struct {
		name string
		in   Inbound
		want string // the address sent; "" means refused
	}{
		{"typed", Inbound{Body: "12 MG Road\nPune 411001"}, "12 MG Road\nPune 411001"},
		{"location", Inbound{Lat: "18.52", Lon: "73.85"}, "Location 18.52,73.85"},
		{"too short", Inbound{Body: "Pune"}, ""},
		{"digits only", Inbound{Body: "411001"}, ""},
		{"too long", Inbound{Body: strings.Repeat("a", 301)}, ""},
		{"empty", Inbound{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, allCaps)
			f.toMenu()
			f.send("7")
			fx := f.sendIn(tc.in)
			if tc.want == "" {
				assert.Nil(t, fx.Call)
				assert.Contains(t, body(fx), f.text("invalid_address"))
				assert.Equal(t, stepAddrAsk, f.s.Step)
				return
			}
			require.NotNil(t, fx.Call)
			assert.Equal(t, emr.OpUpdateAddress, fx.Call.Op)
			assert.Equal(t, tc.want, fx.Call.Address)
			fx = f.answer(emr.Result{})
			assert.Equal(t, f.text("address_updated")+"\n\n"+f.text("menu_again"), body(fx))
		})
	}
}

func TestButtonAnswers(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	fx := f.sendIn(Inbound{Button: "3"})
	require.NotNil(t, fx.Call, "a button payload answers like typed text")
	assert.Equal(t, emr.OpUpcoming, fx.Call.Op)
}
