package fhir

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// actCodes is the v3 ActCode system, whose encounter codes tell a video
// visit (VR, virtual) from an in-person one (AMB, ambulatory).
const actCodes = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

var (
	errBadVisit        = errors.New("unknown visit kind")
	errNoPatient       = errors.New("no patient id")
	errNotBookable     = errors.New("doctor's role names no practitioner")
	errNoFreeSlot      = errors.New("no free slot left that day")
	errSlotTaken       = errors.New("slot no longer free")
	errSlotPassed      = errors.New("slot already started")
	errNotDoctors      = errors.New("slot is not on the doctor's schedules")
	errNoVersion       = errors.New("the server gives Slots no version (meta.versionId or ETag), which a safe booking needs")
	errNoAppointmentID = errors.New("transaction answer names no Appointment")
)

// Book files the Appointment and marks its Slot busy in one transaction
// Bundle. The Slot update carries If-Match with the version read, so when
// two patients race for a slot the server accepts one transaction and
// answers the other 409 or 412: a Conflict, after which the conversation
// offers the times still free. With no SlotID, the doctor's first free
// slot that day is booked.
func (c *Client) Book(ctx context.Context, b emr.BookingRequest) (emr.Booking, error) {
	const op = string(emr.OpBook)
	if b.Visit != emr.InPerson && b.Visit != emr.Video {
		return emr.Booking{}, opError(op, emr.Rejected, errBadVisit)
	}
	if b.Patient.ID == "" {
		return emr.Booking{}, opError(op, emr.Rejected, errNoPatient)
	}
	ctx, cancel := c.begin(ctx)
	defer cancel()
	d, err := c.doctor(ctx, op, b.DoctorID)
	if err != nil {
		return emr.Booking{}, err
	}
	scheds, err := c.schedules(ctx, op, []doctor{d})
	if err != nil {
		return emr.Booking{}, err
	}
	slotID := b.SlotID
	if slotID == "" {
		free, err := c.freeSlots(ctx, op, scheds[d.role.ID], b.Day)
		if err != nil {
			return emr.Booking{}, err
		}
		if len(free) == 0 {
			return emr.Booking{}, opError(op, emr.Conflict, errNoFreeSlot)
		}
		slotID = free[0].ID
	}
	slot, s, err := c.bookableSlot(ctx, op, slotID, scheds[d.role.ID])
	if err != nil {
		return emr.Booking{}, err
	}
	appt, err := json.Marshal(c.appointment(b, d, s))
	if err != nil {
		return emr.Booking{}, opError(op, emr.Unavailable, fmt.Errorf("encode Appointment: %w", err))
	}
	if err := slot.set("status", "busy"); err != nil {
		return emr.Booking{}, opError(op, emr.Unavailable, fmt.Errorf("encode Slot: %w", err))
	}
	entries, err := c.transaction(ctx, op, []BundleEntry{
		{FullURL: "urn:uuid:" + newUUID(), Resource: appt, Request: &EntryRequest{Method: http.MethodPost, URL: "Appointment"}},
		c.putEntry(slot),
	})
	if err != nil {
		return emr.Booking{}, err
	}
	id := entryID(entries[0], "Appointment")
	if id == "" {
		return emr.Booking{}, opError(op, emr.Unavailable, errNoAppointmentID)
	}
	return emr.Booking{AppointmentID: id}, nil
}

// bookableSlot reads the slot and checks that it is free, in the future
// and on one of the doctor's schedules.
func (c *Client) bookableSlot(ctx context.Context, op, id string, schedules []string) (raw, freeSlot, error) {
	slot, err := c.read(ctx, op, "Slot", id)
	if err != nil {
		return raw{}, freeSlot{}, err
	}
	var s Slot
	if err := slot.decode(&s); err != nil {
		return raw{}, freeSlot{}, opError(op, emr.Unavailable, fmt.Errorf("GET Slot: %w", errUnreadable))
	}
	fs, ok := readSlot(s)
	switch {
	case !ok:
		return raw{}, freeSlot{}, opError(op, emr.Unavailable, fmt.Errorf("GET Slot: %w", errUnreadable))
	case !slices.Contains(schedules, idOf(s.Schedule, "Schedule")):
		return raw{}, freeSlot{}, opError(op, emr.Rejected, errNotDoctors)
	case s.Status != "free":
		return raw{}, freeSlot{}, opError(op, emr.Conflict, errSlotTaken)
	case !fs.start.After(c.now()):
		return raw{}, freeSlot{}, opError(op, emr.Conflict, errSlotPassed)
	case slot.version == "":
		return raw{}, freeSlot{}, opError(op, emr.Unavailable, errNoVersion)
	}
	return slot, fs, nil
}

// appointment is the Appointment a booking files.
func (c *Client) appointment(b emr.BookingRequest, d doctor, s freeSlot) Appointment {
	participants := []Participant{
		{Actor: Reference{Reference: "Patient/" + b.Patient.ID}, Required: "required", Status: "accepted"},
		{Actor: *d.role.Practitioner, Required: "required", Status: "accepted"},
		{Actor: Reference{Reference: "PractitionerRole/" + d.role.ID}, Status: "accepted"},
	}
	return Appointment{
		ResourceType:    "Appointment",
		Status:          "booked",
		Specialty:       d.role.Specialty,
		AppointmentType: visitType(b.Visit),
		ReasonCode:      []CodeableConcept{{Text: strings.TrimSpace(b.Complaint)}},
		Start:           s.Start,
		End:             s.End,
		Created:         c.now().In(c.loc).Format(time.RFC3339),
		Slot:            []Reference{{Reference: "Slot/" + s.ID}},
		Participant:     participants,
	}
}

// visitType marks an appointment video (ActCode VR) or in person (AMB).
func visitType(v emr.Visit) *CodeableConcept {
	if v == emr.Video {
		return &CodeableConcept{Coding: []Coding{{System: actCodes, Code: "VR", Display: "virtual"}}, Text: "Video consultation"}
	}
	return &CodeableConcept{Coding: []Coding{{System: actCodes, Code: "AMB", Display: "ambulatory"}}, Text: "In-person visit"}
}

// isVideo reads a visit kind back: VR, or a type whose words say video.
func isVideo(a Appointment) bool {
	if a.AppointmentType == nil {
		return false
	}
	if a.AppointmentType.has(actCodes, "VR") {
		return true
	}
	words := strings.ToLower(a.AppointmentType.label())
	return strings.Contains(words, "video") || strings.Contains(words, "virtual") || strings.Contains(words, "tele")
}

// entryID is the id a transaction entry created, from its location or
// its resource.
func entryID(e BundleEntry, resourceType string) string {
	if e.Response != nil {
		if t, id := splitReference(e.Response.Location); t == resourceType && id != "" {
			return id
		}
	}
	var head struct{ ResourceType, ID string }
	if json.Unmarshal(e.Resource, &head) == nil && head.ResourceType == resourceType {
		return head.ID
	}
	return ""
}

// newUUID is a random (version 4) UUID for a transaction's fullUrl.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
