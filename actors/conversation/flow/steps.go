package flow

import "fmt"

// The steps of the product's flows.
const (
	stepIdentify     StepID = "identify"
	stepFamily       StepID = "family"
	stepRegName      StepID = "reg.name"
	stepRegAge       StepID = "reg.age"
	stepRegGender    StepID = "reg.gender"
	stepRegPhoto     StepID = "reg.photo"
	stepRegSubmit    StepID = "reg.submit"
	stepRegPhotoSet  StepID = "reg.photo_save"
	stepRegCheck     StepID = "reg.check"
	stepMenu         StepID = "menu"
	stepLanguage     StepID = "language"
	stepUpcoming     StepID = "upcoming"
	stepUpcomingPick StepID = "upcoming.pick"
	stepCancelAsk    StepID = "cancel.confirm"
	stepCancelDo     StepID = "cancel.do"
	stepRecords      StepID = "records"
	stepPhotoAsk     StepID = "photo.ask"
	stepPhotoSave    StepID = "photo.save"
	stepDocAsk       StepID = "doc.ask"
	stepDocSave      StepID = "doc.save"
	stepAddrAsk      StepID = "addr.ask"
	stepAddrSave     StepID = "addr.save"
	stepBookWhen     StepID = "book.when"
	stepBookDept     StepID = "book.dept"
	stepBookDoctor   StepID = "book.doctor"
	stepBookSlot     StepID = "book.slot"
	stepBookReason   StepID = "book.complaint"
	stepBookSubmit   StepID = "book.submit"
	stepVideoWait    StepID = "video.wait"
)

// table is every flow of the product, one row per step. Adding a flow is
// adding rows here and their functions in a steps_*.go file.
func table() map[StepID]*Step {
	m := map[StepID]*Step{
		// Start: who is writing?
		stepIdentify:    {Load: loadIdentify, Loaded: identified},
		stepFamily:      {Prompt: promptFamily, Read: readFamily},
		stepRegName:     {Prompt: promptRegName, Read: readRegName},
		stepRegAge:      {Prompt: promptRegAge, Read: readRegAge, Back: to(stepRegName)},
		stepRegGender:   {Prompt: promptRegGender, Read: readRegGender, Back: to(stepRegAge)},
		stepRegPhoto:    {Prompt: promptRegPhoto, Read: readRegPhoto, Back: to(stepRegGender)},
		stepRegSubmit:   {Load: loadRegister, Loaded: registered, Failed: registerFailed},
		stepRegCheck:    {Load: loadIdentify, Loaded: regChecked},
		stepRegPhotoSet: {Load: loadPhoto, Loaded: regPhotoSaved, Failed: regPhotoFailed},

		// The main menu and its short errands.
		stepMenu:         {Prompt: promptMenu, Read: readMenu, NeedsPatient: true},
		stepLanguage:     {Prompt: promptLanguage, Read: readLanguage, Back: languageBack},
		stepUpcoming:     {Load: loadUpcoming, Loaded: upcomingLoaded},
		stepUpcomingPick: {Prompt: promptUpcomingPick, Read: readUpcomingPick, Back: to(stepMenu), NeedsPatient: true},
		stepCancelAsk:    {Prompt: promptCancel, Read: readCancel, Back: to(stepUpcomingPick), NeedsPatient: true},
		stepCancelDo:     {Load: loadCancel, Loaded: thenMenu("cancelled")},
		stepRecords:      {Load: loadRecords, Loaded: recordsLoaded, Prompt: promptRecords, Read: readRecords, Back: to(stepMenu), NeedsPatient: true},
		stepPhotoAsk:     {Prompt: promptPhoto, Read: readPhoto, Back: to(stepMenu), NeedsPatient: true},
		stepPhotoSave:    {Load: loadPhoto, Loaded: thenMenu("photo_updated")},
		stepDocAsk:       {Prompt: promptDoc, Read: readDoc, Back: to(stepMenu), NeedsPatient: true},
		stepDocSave:      {Load: loadDoc, Loaded: docSaved},
		stepAddrAsk:      {Prompt: promptAddr, Read: readAddr, Back: to(stepMenu), NeedsPatient: true},
		stepAddrSave:     {Load: loadAddr, Loaded: thenMenu("address_updated")},

		// Booking, in person or by video.
		stepBookWhen:   {Prompt: promptWhen, Read: readWhen, Back: to(stepMenu), NeedsPatient: true},
		stepBookDept:   {Load: loadDepts, Loaded: deptsLoaded, Prompt: promptList("choose_department"), Read: readDept, Back: to(stepBookWhen), NeedsPatient: true},
		stepBookDoctor: {Load: loadDoctors, Loaded: doctorsLoaded, Prompt: promptList("choose_doctor"), Read: readDoctor, Back: to(stepBookDept), NeedsPatient: true},
		stepBookSlot:   {Load: loadSlots, Loaded: slotsLoaded, Prompt: promptList("choose_slot"), Read: readSlot, Back: to(stepBookDoctor), NeedsPatient: true},
		stepBookReason: {Prompt: promptComplaint, Read: readComplaint, Back: complaintBack, NeedsPatient: true},
		stepBookSubmit: {Load: loadBook, Loaded: booked, Failed: bookFailed},
		stepVideoWait:  {Prompt: promptVideoWait, Read: readVideoWait, NeedsPatient: true},

		// Answers to reminders (steps_reminder.go, steps_feedback.go).
		stepReplyConfirm: {Prompt: promptReplyConfirm, Read: readReplyConfirm, Reminder: true},
	}
	addFeedbackSteps(m)
	return m
}

// callID names the n-th EMR call of a conversation.
func callID(n uint64) string { return fmt.Sprintf("c%d", n) }
