package fhir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// upcomingStatuses are the Appointment statuses of a visit still to come.
var upcomingStatuses = []string{"proposed", "pending", "booked", "arrived", "checked-in", "waitlist"}

var (
	errNotYours    = errors.New("appointment is not the patient's")
	errApptOver    = errors.New("appointment already started or closed")
	errNoApptTimes = errors.New("appointment has no start time")
)

// Upcoming lists the patient's appointments that have not ended, earliest
// first: Appointment?patient=&date=ge<today>, with the doctors' names from
// the participants or the included Practitioners. Text is left empty so
// the conversation words each line itself.
func (c *Client) Upcoming(ctx context.Context, p emr.PatientRef) ([]emr.Appointment, error) {
	const op = string(emr.OpUpcoming)
	if p.ID == "" {
		return nil, opError(op, emr.Rejected, errNoPatient)
	}
	ctx, cancel := c.begin(ctx)
	defer cancel()
	f, err := c.search(ctx, op, "Appointment", url.Values{
		"patient":  {"Patient/" + p.ID},
		"date":     {"ge" + c.today().Format(time.RFC3339)},
		"_include": {"Appointment:practitioner"},
		"_sort":    {"date"},
		"_count":   {"100"},
	})
	if err != nil {
		return nil, err
	}
	appts, err := decodeAll[Appointment](op, f.matches)
	if err != nil {
		return nil, err
	}
	now := c.now()
	out := []emr.Appointment{}
	for _, a := range appts {
		start, end, ok := apptTimes(a)
		if a.ID == "" || !ok || !end.After(now) || !slices.Contains(upcomingStatuses, a.Status) || !hasPatient(a, p.ID) {
			continue
		}
		out = append(out, emr.Appointment{ID: a.ID, Start: start, Doctor: doctorOf(a, f.included), Video: isVideo(a)})
	}
	slices.SortStableFunc(out, func(x, y emr.Appointment) int { return x.Start.Compare(y.Start) })
	return out, nil
}

// apptTimes reads an appointment's start and end (the start when it has
// no end).
func apptTimes(a Appointment) (start, end time.Time, ok bool) {
	start, err := time.Parse(time.RFC3339, a.Start)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	end, err = time.Parse(time.RFC3339, a.End)
	if err != nil {
		end = start
	}
	return start, end, true
}

// hasPatient reports whether the patient takes part in the appointment.
func hasPatient(a Appointment, patientID string) bool {
	return slices.ContainsFunc(a.Participant, func(pt Participant) bool { return idOf(pt.Actor, "Patient") == patientID })
}

// doctorOf names the appointment's practitioner: the included
// Practitioner's name, else the participant's display.
func doctorOf(a Appointment, included map[string]json.RawMessage) string {
	for _, pt := range a.Participant {
		t, id := splitReference(pt.Actor.Reference)
		if t != "Practitioner" {
			continue
		}
		var pr Practitioner
		if b, ok := included["Practitioner/"+id]; ok && json.Unmarshal(b, &pr) == nil {
			if n := bestName(pr.Name); n != "" {
				return n
			}
		}
		if pt.Actor.Display != "" {
			return pt.Actor.Display
		}
	}
	return ""
}

// Cancel sets the patient's appointment cancelled and frees its Slots in
// one transaction, both with If-Match. An appointment already cancelled
// is cancelled (a repeated request succeeds); one that is someone else's,
// has started or was closed is Rejected. A change made meanwhile by
// someone else is read again once before giving up with a Conflict.
func (c *Client) Cancel(ctx context.Context, p emr.PatientRef, appointmentID string) error {
	const op = string(emr.OpCancel)
	if p.ID == "" {
		return opError(op, emr.Rejected, errNoPatient)
	}
	ctx, cancel := c.begin(ctx)
	defer cancel()
	err := c.cancelOnce(ctx, op, p.ID, appointmentID)
	if emr.KindOf(err) == emr.Conflict {
		err = c.cancelOnce(ctx, op, p.ID, appointmentID)
	}
	return err
}

func (c *Client) cancelOnce(ctx context.Context, op, patientID, appointmentID string) error {
	r, err := c.read(ctx, op, "Appointment", appointmentID)
	if err != nil {
		return err
	}
	var a Appointment
	if err := r.decode(&a); err != nil {
		return opError(op, emr.Unavailable, fmt.Errorf("GET Appointment: %w", errUnreadable))
	}
	start, _, ok := apptTimes(a)
	switch {
	case !hasPatient(a, patientID):
		return opError(op, emr.Rejected, errNotYours)
	case a.Status == "cancelled":
		return nil
	case !ok:
		return opError(op, emr.Rejected, errNoApptTimes)
	case !slices.Contains(upcomingStatuses, a.Status) || !start.After(c.now()):
		return opError(op, emr.Rejected, errApptOver)
	}
	if err := r.set("status", "cancelled"); err != nil {
		return opError(op, emr.Unavailable, err)
	}
	if err := r.set("cancelationReason", CodeableConcept{Text: "Cancelled by the patient on WhatsApp"}); err != nil {
		return opError(op, emr.Unavailable, err)
	}
	entries := []BundleEntry{c.putEntry(r)}
	for _, ref := range a.Slot {
		id := idOf(ref, "Slot")
		if id == "" {
			continue
		}
		slot, err := c.read(ctx, op, "Slot", id)
		if emr.KindOf(err) == emr.Rejected {
			continue // the slot is gone: nothing to free
		}
		if err != nil {
			return err
		}
		if slot.str("status") != "busy" {
			continue
		}
		if err := slot.set("status", "free"); err != nil {
			return opError(op, emr.Unavailable, err)
		}
		entries = append(entries, c.putEntry(slot))
	}
	_, err = c.transaction(ctx, op, entries)
	return err
}

// putEntry is a transaction entry replacing a resource if it still has
// the version read.
func (c *Client) putEntry(r raw) BundleEntry {
	body, _ := json.Marshal(r)
	req := &EntryRequest{Method: http.MethodPut, URL: r.str("resourceType") + "/" + r.str("id")}
	if r.version != "" {
		req.IfMatch = `W/"` + r.version + `"`
	}
	return BundleEntry{Resource: body, Request: req}
}
