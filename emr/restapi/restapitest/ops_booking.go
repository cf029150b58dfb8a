package restapitest

import (
	"fmt"
	"strconv"
	"strings"
)

func departments(_ *state, f map[string]string) map[string]any {
	if f["hid"] != HID {
		return refusal("Invalid hospital")
	}
	if _, ok := dayWord(f["day_count"]); !ok {
		return refusal("Invalid day")
	}
	results := make([]map[string]any, 0, len(seedDepartments))
	for _, d := range seedDepartments {
		id, _ := strconv.Atoi(d.ID)
		results = append(results, map[string]any{"id": id, "name": d.Name})
	}
	return map[string]any{"status": 1, "departments": map[string]any{"results": results}}
}

func doctors(_ *state, f map[string]string) map[string]any {
	if f["hid"] != HID {
		return refusal("Invalid hospital")
	}
	if _, ok := dayWord(f["day_count"]); !ok {
		return refusal("Invalid day")
	}
	list := seedDoctors[f["dept_id"]]
	if len(list) == 0 {
		return refusal("No doctors available in this department")
	}
	results := make([]map[string]any, 0, len(list))
	for _, d := range list {
		results = append(results, map[string]any{"id": d.ID, "name": d.Name, "speciality": d.Speciality})
	}
	return map[string]any{"status": "1", "Doctors": map[string]any{"results": results}}
}

func bookInPerson(st *state, f map[string]string) map[string]any { return book(st, f, "1") }

func bookVideo(st *state, f map[string]string) map[string]any { return book(st, f, "2") }

// book validates a booking the way the seed EMR does and adds it to the
// patient's upcoming appointments.
func book(st *state, f map[string]string, encounter string) map[string]any {
	day, dayOK := dayWord(f["day_count"])
	doc, dep, docOK := doctor(f["did"])
	_, patientOK := st.byID(f["pid"])
	switch {
	case f["hid"] != HID:
		return refusal("Invalid hospital")
	case f["encounter_type"] != encounter:
		return refusal("Invalid encounter type")
	case !dayOK:
		return refusal("Invalid day")
	case !docOK:
		return refusal("Doctor not available")
	case !patientOK:
		return refusal("Patient not found")
	case strings.TrimSpace(f["chiefcompliant"]) == "":
		return refusal("Chief complaint is required")
	}
	appt := st.nextAppt
	st.nextAppt++
	kind := "in person"
	if encounter == "2" {
		kind = "video"
	}
	st.upcoming[f["pid"]] = append(st.upcoming[f["pid"]], map[string]any{
		"id":      appt,
		"message": fmt.Sprintf("%s (%s), %s, %s", doc.Name, dep.Name, day, kind),
	})
	if encounter == "2" {
		return map[string]any{
			"status":       1,
			"appt_id":      appt,
			"payment_link": PaymentLinkPrefix + strconv.Itoa(appt),
			"message":      fmt.Sprintf("Please complete the payment to confirm your video consultation with %s.", doc.Name),
		}
	}
	return map[string]any{
		"status":  1,
		"appt_id": appt,
		"message": fmt.Sprintf("Your appointment with %s is booked for %s. Token number %d.", doc.Name, day, appt%100),
	}
}

// dayWord names a day_count; false when it is not 1, 2 or 3.
func dayWord(dayCount string) (string, bool) {
	switch dayCount {
	case "1":
		return "today", true
	case "2":
		return "tomorrow", true
	case "3":
		return "day after tomorrow", true
	}
	return "", false
}
