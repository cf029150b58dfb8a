package fhirtest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Patients, places and records of the seed (seed.json), for tests.
const (
	// AshaMobile has one active patient (and an inactive duplicate that
	// must never be offered), records and an upcoming follow-up.
	AshaMobile = "+919800000101"
	AshaID     = "pat-asha"
	AshaName   = "Asha Verma"
	// FamilyMobile is shared by Ramesh (stored in national form,
	// 9800000102) and Savita Patel (stored in E.164).
	FamilyMobile = "+919800000102"
	RameshID     = "pat-ramesh"
	SavitaID     = "pat-savita"
	// TrunkMobile is Imran Shaikh's, stored with a trunk 0 (09800000103).
	TrunkMobile = "+919800000103"
	ImranID     = "pat-imran"
	// OtherMobile belongs to a patient no other test number may reach.
	OtherMobile = "+919800000199"

	// AshaFollowUpID is Asha's booked follow-up with Dr. Alok Mishra on
	// his first OPD slot after today.
	AshaFollowUpID = "appt-asha-followup"

	// MainLocationID is the main building; AnnexLocationID only offers
	// physiotherapy. MainLocationIdentifier names the main building by
	// identifier (system|value).
	MainLocationID         = "loc-main"
	AnnexLocationID        = "loc-annex"
	MainLocationIdentifier = "https://lotus-hospital.example/location-id|LMH-MAIN"
)

//go:embed seed.json
var seedJSON []byte

// seedFile is seed.json: resources as they are filed, weekly OPD sessions
// that become Slots, and appointments booked on the first free slot.
type seedFile struct {
	Resources    []map[string]any `json:"resources"`
	Sessions     []session        `json:"sessions"`
	Appointments []seedAppt       `json:"appointments"`
}

// session is a schedule's OPD hours on some weekdays, in local time.
type session struct {
	Schedule  string   `json:"schedule"`
	Days      []string `json:"days"` // mon..sun
	From      string   `json:"from"` // 09:00
	To        string   `json:"to"`
	Minutes   int      `json:"minutes"`
	BusyEvery int      `json:"busyEvery"` // every Nth slot is already taken
}

// seedAppt books a patient on a schedule's first free slot on or after
// FromDay days from today.
type seedAppt struct {
	ID               string `json:"id"`
	Patient          string `json:"patient"`
	PatientName      string `json:"patientName"`
	Schedule         string `json:"schedule"`
	Role             string `json:"role"`
	Practitioner     string `json:"practitioner"`
	PractitionerName string `json:"practitionerName"`
	FromDay          int    `json:"fromDay"`
	Reason           string `json:"reason"`
}

// Seeded is what the seed filed.
type Seeded struct {
	Today     time.Time // midnight of the seed's first day, in its zone
	Resources int       // resources filed, slots included
	Slots     int       // slots filed, free and busy
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// seeded is one seeded tenant that tests clone: seeding goes through the
// FHIR router and costs a few hundred milliseconds of the shared server's
// time, a copy almost nothing.
type seeded struct {
	once   sync.Once
	tenant string
	seeded Seeded
	err    error
}

// templates holds the seeded tenant of each day and zone.
var templates sync.Map

// template returns the seeded tenant for now's date in loc, seeding it the
// first time.
func template(root string, now time.Time, loc *time.Location) (*seeded, error) {
	now = now.In(loc)
	key := now.Format(time.DateOnly) + " " + loc.String()
	v, _ := templates.LoadOrStore(key, &seeded{})
	tpl := v.(*seeded)
	tpl.once.Do(func() {
		tpl.tenant = "seed-" + newTenant()
		tpl.seeded, tpl.err = seed(root+"/t/"+tpl.tenant+"/fhir/R4", now, loc)
	})
	return tpl, tpl.err
}

// seed files seed.json at base for a hospital whose today is now's date
// in loc.
func seed(base string, now time.Time, loc *time.Location) (Seeded, error) {
	var f seedFile
	if err := json.Unmarshal(seedJSON, &f); err != nil {
		return Seeded{}, fmt.Errorf("seed.json: %w", err)
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	resources := make([]map[string]any, 0, len(f.Resources)+1000)
	for _, r := range f.Resources {
		resources = append(resources, expand(r, today).(map[string]any))
	}
	slots, err := weekOfSlots(f.Sessions, today)
	if err != nil {
		return Seeded{}, fmt.Errorf("seed.json: %w", err)
	}
	for _, a := range f.Appointments {
		appt, err := book(a, slots, today)
		if err != nil {
			return Seeded{}, fmt.Errorf("seed.json: %w", err)
		}
		resources = append(resources, appt)
	}
	resources = append(resources, slots...)
	entries := make([]map[string]any, len(resources))
	for i, r := range resources {
		entries[i] = map[string]any{
			"resource": r,
			"request":  map[string]any{"method": "PUT", "url": fmt.Sprintf("%s/%s", r["resourceType"], r["id"])},
		}
	}
	var out struct {
		Entry []struct {
			Response struct {
				Status string `json:"status"`
			} `json:"response"`
		} `json:"entry"`
	}
	bundle := map[string]any{"resourceType": "Bundle", "type": "batch", "entry": entries}
	if _, err := exchange(http.MethodPost, base, bundle, &out, true); err != nil {
		return Seeded{}, err
	}
	for i, e := range out.Entry {
		if !strings.HasPrefix(e.Response.Status, "2") {
			return Seeded{}, fmt.Errorf("filing %s/%s: status %s", resources[i]["resourceType"], resources[i]["id"], e.Response.Status)
		}
	}
	return Seeded{Today: today, Resources: len(resources), Slots: len(slots)}, nil
}

// placeholder is "$date(N)" or "$instant(N HH:MM)".
var placeholder = regexp.MustCompile(`^\$(date|instant)\((-?\d+)(?: (\d\d):(\d\d))?\)$`)

// expand replaces the date placeholders in a decoded JSON value.
func expand(v any, today time.Time) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = expand(e, today)
		}
	case []any:
		for i, e := range x {
			x[i] = expand(e, today)
		}
	case string:
		m := placeholder.FindStringSubmatch(x)
		if m == nil {
			return x
		}
		days, _ := strconv.Atoi(m[2])
		d := today.AddDate(0, 0, days)
		if m[1] == "date" {
			return d.Format(time.DateOnly)
		}
		h, _ := strconv.Atoi(m[3])
		min, _ := strconv.Atoi(m[4])
		return at(d, h, min).Format(time.RFC3339)
	}
	return v
}

// at is the wall-clock time h:m on day's date in day's zone (right across
// daylight-saving changes, unlike adding hours to midnight).
func at(day time.Time, h, m int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, day.Location())
}

// weekOfSlots turns the sessions into Slots for seven days from today.
func weekOfSlots(sessions []session, today time.Time) ([]map[string]any, error) {
	var out []map[string]any
	for day := range 7 {
		date := today.AddDate(0, 0, day)
		for _, s := range sessions {
			on := false
			for _, d := range s.Days {
				wd, ok := weekdays[d]
				if !ok {
					return nil, fmt.Errorf("session of %s: unknown day %q", s.Schedule, d)
				}
				on = on || wd == date.Weekday()
			}
			if !on {
				continue
			}
			from, err1 := time.Parse("15:04", s.From)
			to, err2 := time.Parse("15:04", s.To)
			if err1 != nil || err2 != nil || s.Minutes <= 0 {
				return nil, fmt.Errorf("session of %s: bad hours", s.Schedule)
			}
			step := time.Duration(s.Minutes) * time.Minute
			start, end := at(date, from.Hour(), from.Minute()), at(date, to.Hour(), to.Minute())
			for n := 1; !start.Add(step).After(end); n++ {
				status := "free"
				if s.BusyEvery > 0 && n%s.BusyEvery == 0 {
					status = "busy"
				}
				out = append(out, map[string]any{
					"resourceType": "Slot",
					"id":           strings.TrimPrefix(s.Schedule, "sched-") + "-" + start.Format("20060102-1504"),
					"schedule":     map[string]any{"reference": "Schedule/" + s.Schedule},
					"status":       status,
					"start":        start.Format(time.RFC3339),
					"end":          start.Add(step).Format(time.RFC3339),
				})
				start = start.Add(step)
			}
		}
	}
	return out, nil
}

// book takes the first free slot of a's schedule from a.FromDay on and
// returns the appointment on it.
func book(a seedAppt, slots []map[string]any, today time.Time) (map[string]any, error) {
	from := today.AddDate(0, 0, a.FromDay)
	for _, s := range slots {
		start, _ := time.Parse(time.RFC3339, s["start"].(string))
		if s["schedule"].(map[string]any)["reference"] != "Schedule/"+a.Schedule || s["status"] != "free" || start.Before(from) {
			continue
		}
		s["status"] = "busy"
		return map[string]any{
			"resourceType": "Appointment", "id": a.ID, "status": "booked",
			"appointmentType": map[string]any{
				"coding": []any{map[string]any{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory"}},
				"text":   "In-person visit",
			},
			"reasonCode": []any{map[string]any{"text": a.Reason}},
			"slot":       []any{map[string]any{"reference": "Slot/" + s["id"].(string)}},
			"start":      s["start"], "end": s["end"],
			"participant": []any{
				map[string]any{"actor": map[string]any{"reference": "Patient/" + a.Patient, "display": a.PatientName}, "status": "accepted"},
				map[string]any{"actor": map[string]any{"reference": "Practitioner/" + a.Practitioner, "display": a.PractitionerName}, "status": "accepted"},
				map[string]any{"actor": map[string]any{"reference": "PractitionerRole/" + a.Role}, "status": "accepted"},
			},
		}, nil
	}
	return nil, fmt.Errorf("appointment %s: no free slot on %s", a.ID, a.Schedule)
}
