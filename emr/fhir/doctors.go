package fhir

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/frontdesk-health/frontdesk/emr"
)

// refsPerSearch bounds the references OR-ed into one search parameter, so
// that URLs stay short; more are searched in several requests.
const refsPerSearch = 40

// doctor is a PractitionerRole with what the lists show of it.
type doctor struct {
	role       PractitionerRole
	name       string
	speciality string
}

// inService reports whether the role works for the HealthcareService.
func (d doctor) inService(id string) bool {
	return slices.ContainsFunc(d.role.HealthcareService, func(r Reference) bool { return idOf(r, "HealthcareService") == id })
}

// roles lists the location's active PractitionerRoles (narrowed by more
// search parameters) with their Practitioners' names, in the server's
// order. A role whose doctor has no name is left out.
func (c *Client) roles(ctx context.Context, op string, narrow url.Values) ([]doctor, error) {
	q := url.Values{"active": {"true"}, "_include": {"PractitionerRole:practitioner"}, "_count": {"200"}}
	for k, v := range narrow {
		q[k] = v
	}
	loc, err := c.locationRef(ctx, op)
	if err != nil {
		return nil, err
	}
	if loc != "" {
		q.Set("location", loc)
	}
	f, err := c.search(ctx, op, "PractitionerRole", q)
	if err != nil {
		return nil, err
	}
	roles, err := decodeAll[PractitionerRole](op, f.matches)
	if err != nil {
		return nil, err
	}
	var out []doctor
	for _, r := range roles {
		if r.ID == "" || (r.Active != nil && !*r.Active) || r.Practitioner == nil {
			continue
		}
		if loc != "" && !slices.ContainsFunc(r.Location, func(l Reference) bool { return sameRef(l.Reference, loc) }) {
			continue
		}
		d := doctor{role: r, name: r.Practitioner.Display}
		var p Practitioner
		t, id := splitReference(r.Practitioner.Reference)
		if b, ok := f.included[t+"/"+id]; ok && json.Unmarshal(b, &p) == nil {
			if n := bestName(p.Name); n != "" {
				d.name = n
			}
			if len(p.Qualification) > 0 {
				d.speciality = p.Qualification[0].Code.label()
			}
		}
		if d.speciality == "" && len(r.Specialty) > 0 {
			d.speciality = r.Specialty[0].label()
		}
		if d.name != "" {
			out = append(out, d)
		}
	}
	return out, nil
}

// available keeps the doctors who have a free slot on the day that has
// not started yet.
func (c *Client) available(ctx context.Context, op string, docs []doctor, day emr.Day) ([]doctor, error) {
	if len(docs) == 0 {
		return docs, nil
	}
	scheds, err := c.schedules(ctx, op, docs)
	if err != nil {
		return nil, err
	}
	var all []string
	for _, ids := range scheds {
		all = append(all, ids...)
	}
	slots, err := c.freeSlots(ctx, op, all, day)
	if err != nil {
		return nil, err
	}
	open := map[string]bool{}
	for _, s := range slots {
		open[idOf(s.Schedule, "Schedule")] = true
	}
	return slices.DeleteFunc(docs, func(d doctor) bool {
		return !slices.ContainsFunc(scheds[d.role.ID], func(id string) bool { return open[id] })
	}), nil
}

// schedules finds the doctors' active Schedules, by role id: a Schedule
// belongs to a role it names as actor, or, when it names no role, to the
// roles of the Practitioner it names, provided it names no other Location
// than the hospital's.
func (c *Client) schedules(ctx context.Context, op string, docs []doctor) (map[string][]string, error) {
	var actors []string
	for _, d := range docs {
		actors = append(actors, "PractitionerRole/"+d.role.ID)
		if !slices.Contains(actors, d.role.Practitioner.Reference) {
			actors = append(actors, d.role.Practitioner.Reference)
		}
	}
	loc, err := c.locationRef(ctx, op)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for part := range slices.Chunk(actors, refsPerSearch) {
		f, err := c.search(ctx, op, "Schedule", url.Values{"actor": {strings.Join(part, ",")}, "active": {"true"}, "_count": {"500"}})
		if err != nil {
			return nil, err
		}
		scheds, err := decodeAll[Schedule](op, f.matches)
		if err != nil {
			return nil, err
		}
		for _, s := range scheds {
			if s.ID == "" || (s.Active != nil && !*s.Active) {
				continue
			}
			for _, d := range docs {
				if owns(s, d, loc) && !slices.Contains(out[d.role.ID], s.ID) {
					out[d.role.ID] = append(out[d.role.ID], s.ID)
				}
			}
		}
	}
	return out, nil
}

// owns reports whether schedule s is doctor d's (see schedules).
func owns(s Schedule, d doctor, loc string) bool {
	namesRole, namesOtherLocation := false, false
	for _, a := range s.Actor {
		t, id := splitReference(a.Reference)
		switch t {
		case "PractitionerRole":
			if id == d.role.ID {
				return true
			}
			namesRole = true
		case "Location":
			namesOtherLocation = namesOtherLocation || (loc != "" && !sameRef(a.Reference, loc))
		}
	}
	if namesRole || namesOtherLocation {
		return false
	}
	return slices.ContainsFunc(s.Actor, func(a Reference) bool { return sameRef(a.Reference, d.role.Practitioner.Reference) })
}
