package fhir

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// Slots lists the doctor's free Slots on the day, in time order: those of
// the doctor's Schedules that are free and have not started.
func (c *Client) Slots(ctx context.Context, doctorID string, day emr.Day) ([]emr.Slot, error) {
	const op = string(emr.OpSlots)
	ctx, cancel := c.begin(ctx)
	defer cancel()
	slots, err := c.doctorSlots(ctx, op, doctorID, day)
	if err != nil {
		return nil, err
	}
	out := make([]emr.Slot, len(slots))
	for i, s := range slots {
		out[i] = emr.Slot{ID: s.ID, Start: s.start, End: s.end}
	}
	return out, nil
}

// freeSlot is a free Slot with its times read.
type freeSlot struct {
	Slot
	start, end time.Time
}

// doctorSlots is Slots for a PractitionerRole id.
func (c *Client) doctorSlots(ctx context.Context, op, doctorID string, day emr.Day) ([]freeSlot, error) {
	d, err := c.doctor(ctx, op, doctorID)
	if err != nil {
		return nil, err
	}
	scheds, err := c.schedules(ctx, op, []doctor{d})
	if err != nil {
		return nil, err
	}
	return c.freeSlots(ctx, op, scheds[d.role.ID], day)
}

// doctor reads one PractitionerRole (not its Practitioner: the lists
// already named it).
func (c *Client) doctor(ctx context.Context, op, id string) (doctor, error) {
	r, err := c.read(ctx, op, "PractitionerRole", id)
	if err != nil {
		return doctor{}, err
	}
	var role PractitionerRole
	if err := r.decode(&role); err != nil || role.Practitioner == nil {
		return doctor{}, opError(op, emr.Rejected, errNotBookable)
	}
	return doctor{role: role, name: role.Practitioner.Display}, nil
}

// freeSlots searches the Schedules' free Slots starting on the day and
// keeps those still free and in the future (the server may ignore a
// parameter), earliest first.
func (c *Client) freeSlots(ctx context.Context, op string, scheduleIDs []string, day emr.Day) ([]freeSlot, error) {
	if len(scheduleIDs) == 0 {
		return nil, nil
	}
	from, to := c.dayRange(day)
	now := c.now()
	var out []freeSlot
	refs := make([]string, len(scheduleIDs))
	for i, id := range scheduleIDs {
		refs[i] = "Schedule/" + id
	}
	for part := range slices.Chunk(refs, refsPerSearch) {
		q := url.Values{
			"schedule": {strings.Join(part, ",")},
			"status":   {"free"},
			"start":    {"ge" + from.Format(time.RFC3339), "lt" + to.Format(time.RFC3339)},
			"_sort":    {"start"},
			"_count":   {"500"},
		}
		f, err := c.search(ctx, op, "Slot", q)
		if err != nil {
			return nil, err
		}
		slots, err := decodeAll[Slot](op, f.matches)
		if err != nil {
			return nil, err
		}
		for _, s := range slots {
			fs, ok := readSlot(s)
			if ok && s.Status == "free" && !fs.start.Before(from) && fs.start.Before(to) && fs.start.After(now) {
				out = append(out, fs)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b freeSlot) int { return a.start.Compare(b.start) })
	return out, nil
}

// readSlot parses a Slot's times; ok is false when they are unusable.
func readSlot(s Slot) (freeSlot, bool) {
	start, err1 := time.Parse(time.RFC3339, s.Start)
	end, err2 := time.Parse(time.RFC3339, s.End)
	if s.ID == "" || err1 != nil || err2 != nil {
		return freeSlot{}, false
	}
	return freeSlot{Slot: s, start: start, end: end}, true
}
