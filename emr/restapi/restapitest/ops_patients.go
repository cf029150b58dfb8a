package restapitest

import (
	"strconv"
	"strings"
)

// handler answers one operation from the fake's state; the answer is the
// JSON object sent with HTTP 200.
type handler func(st *state, f map[string]string) map[string]any

// operations are the fake's endpoints by CONTRACT §4 name. Status values
// deliberately vary in type (1, "1", true) and ids come as numbers or
// strings, as seed EMRs send them.
var operations = map[string]handler{
	"match_mobile":    matchMobile,
	"register":        register,
	"upcoming":        upcoming,
	"departments":     departments,
	"doctors":         doctors,
	"book_in_person":  bookInPerson,
	"book_video":      bookVideo,
	"health_records":  healthRecords,
	"profile_pic":     profilePic,
	"upload_document": uploadDocument,
	"update_address":  updateAddress,
}

func matchMobile(st *state, f map[string]string) map[string]any {
	p, ok := st.byMobile(f["mobile"])
	if !ok {
		return map[string]any{"status": "0", "message": "No patient found with this mobile number"}
	}
	return map[string]any{
		"status":        "1",
		"message":       "Patient found",
		"healthcard_id": p.id,
		"name":          p.name,
		"age":           p.age,
		"gender":        p.gender,
	}
}

func register(st *state, f map[string]string) map[string]any {
	if f["hid"] != HID {
		return refusal("Invalid hospital")
	}
	name := strings.TrimSpace(f["name"])
	age, err := strconv.Atoi(f["age"])
	switch {
	case name == "":
		return refusal("Name is required")
	case err != nil || age < 1 || age > 120:
		return refusal("Invalid age")
	case !nationalNumber(f["mobile"]):
		return refusal("Invalid mobile number")
	}
	gender, ok := map[string]string{"male": "Male", "female": "Female", "": ""}[f["gender"]]
	if !ok {
		return refusal("Invalid gender")
	}
	id := st.nextPatient
	st.nextPatient++
	st.patients = append(st.patients, patient{
		id: id, name: name, age: age, gender: gender, national: f["mobile"], records: NoRecords,
	})
	return map[string]any{"status": true, "message": "Patient registered successfully", "patient_id": id}
}

func upcoming(st *state, f map[string]string) map[string]any {
	if f["hid"] != HID {
		return refusal("Invalid hospital")
	}
	var results []map[string]any
	for _, p := range st.onMobile(f["mobile"]) {
		results = append(results, st.upcoming[p.idString()]...)
	}
	if len(results) == 0 {
		return refusal("No upcoming appointments")
	}
	return map[string]any{"status": 1, "appointments": map[string]any{"results": results}}
}

func healthRecords(st *state, f map[string]string) map[string]any {
	p, ok := st.byID(f["pid"])
	if !ok {
		return refusal("Patient not found")
	}
	return map[string]any{"status": "1", "message": p.records}
}

func profilePic(st *state, f map[string]string) map[string]any {
	if _, ok := st.byID(f["pid"]); !ok {
		return refusal("Patient not found")
	}
	if !strings.HasPrefix(f["image_url"], "http") {
		return refusal("Invalid image URL")
	}
	return map[string]any{"status": 1, "message": "Profile picture updated"}
}

func uploadDocument(st *state, f map[string]string) map[string]any {
	if _, ok := st.byID(f["pid"]); !ok {
		return refusal("Patient not found")
	}
	if !strings.HasPrefix(f["url"], "http") {
		return refusal("Invalid document URL")
	}
	return map[string]any{"status": 1, "message": "Document uploaded"}
}

func updateAddress(st *state, f map[string]string) map[string]any {
	if _, ok := st.byID(f["pid"]); !ok {
		return refusal("Patient not found")
	}
	if strings.TrimSpace(f["address"]) == "" {
		return refusal("Address is required")
	}
	return map[string]any{"status": true, "message": "Address updated"}
}

// nationalNumber reports whether s looks like a national mobile number:
// digits only (no '+', no spaces), 6 to 15 of them.
func nationalNumber(s string) bool {
	if len(s) < 6 || len(s) > 15 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
