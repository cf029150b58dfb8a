package demo

import "time"

// department is one OPD department of the demo hospital.
type department struct {
	id, name string
}

// doctor is one consultant with a weekly OPD timetable.
type doctor struct {
	id, name, speciality, dept string
	slot                       time.Duration // length of one appointment
	week                       map[time.Weekday][]session
}

// session is one stretch of OPD hours, in minutes after midnight.
type session struct {
	from, to int
}

// hours is a session from h1:m1 to h2:m2.
func hours(h1, m1, h2, m2 int) session {
	return session{from: h1*60 + m1, to: h2*60 + m2}
}

// on gives the same sessions on several weekdays.
type on struct {
	days     []time.Weekday
	sessions []session
}

// timetable folds weekday groups into a doctor's week.
func timetable(groups ...on) map[time.Weekday][]session {
	week := make(map[time.Weekday][]session)
	for _, g := range groups {
		for _, d := range g.days {
			week[d] = append(week[d], g.sessions...)
		}
	}
	return week
}

// Weekday groups used by the timetables below.
var (
	monToSat = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	monToFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	monWedFr = []time.Weekday{time.Monday, time.Wednesday, time.Friday}
	tueThSat = []time.Weekday{time.Tuesday, time.Thursday, time.Saturday}
	sunday   = []time.Weekday{time.Sunday}
)

// departments is the hospital's OPD list in the order patients see it.
var departments = []department{
	{"dept-gm", "General Medicine"},
	{"dept-paed", "Paediatrics"},
	{"dept-obg", "Obstetrics & Gynaecology"},
	{"dept-ortho", "Orthopaedics"},
	{"dept-derm", "Dermatology"},
	{"dept-ent", "ENT"},
	{"dept-cardio", "Cardiology"},
}

// doctors is every consultant, grouped by department in display order.
// Timetables differ by weekday so the lists a patient sees depend on the
// day; on Sunday only General Medicine and Paediatrics hold OPD.
var doctors = []doctor{
	{"doc-11", "Dr. Rajesh Kumar Sharma", "MD, General Medicine", "dept-gm", 15 * time.Minute,
		timetable(on{monToSat, []session{hours(9, 0, 13, 0)}})},
	{"doc-12", "Dr. Meenakshi Iyer", "MD, Internal Medicine", "dept-gm", 15 * time.Minute,
		timetable(on{monToFri, []session{hours(17, 0, 20, 0)}}, on{sunday, []session{hours(10, 0, 13, 0)}})},
	{"doc-13", "Dr. Sanjay Gupta", "MD, Diabetology", "dept-gm", 20 * time.Minute,
		timetable(on{tueThSat, []session{hours(10, 0, 14, 0)}})},

	{"doc-21", "Dr. Kavita Reddy", "MD, Paediatrics", "dept-paed", 15 * time.Minute,
		timetable(on{monToSat, []session{hours(9, 30, 13, 30)}})},
	{"doc-22", "Dr. Arjun Nair", "DM, Neonatology", "dept-paed", 15 * time.Minute,
		timetable(on{monWedFr, []session{hours(16, 0, 19, 0)}}, on{sunday, []session{hours(10, 0, 12, 0)}})},

	{"doc-31", "Dr. Sunita Deshpande", "MS, Obstetrics & Gynaecology", "dept-obg", 20 * time.Minute,
		timetable(on{monToSat, []session{hours(10, 0, 14, 0)}})},
	{"doc-32", "Dr. Farah Khan", "DGO, Infertility Specialist", "dept-obg", 20 * time.Minute,
		timetable(on{tueThSat, []session{hours(16, 0, 19, 0)}})},

	{"doc-41", "Dr. Vikram Singh Rathore", "MS, Orthopaedics", "dept-ortho", 20 * time.Minute,
		timetable(on{monWedFr, []session{hours(9, 0, 13, 0)}})},
	{"doc-42", "Dr. Anil Menon", "MS, Arthroscopy & Sports Medicine", "dept-ortho", 20 * time.Minute,
		timetable(on{tueThSat, []session{hours(11, 0, 15, 0)}})},

	{"doc-51", "Dr. Priya Malhotra", "MD, Dermatology", "dept-derm", 15 * time.Minute,
		timetable(on{[]time.Weekday{time.Monday, time.Tuesday, time.Thursday, time.Friday}, []session{hours(11, 0, 14, 0)}})},
	{"doc-52", "Dr. Rohan Joshi", "DVD, Dermatology & Cosmetology", "dept-derm", 15 * time.Minute,
		timetable(on{[]time.Weekday{time.Wednesday, time.Saturday}, []session{hours(16, 0, 19, 0)}})},

	{"doc-61", "Dr. Suresh Babu", "MS, ENT", "dept-ent", 15 * time.Minute,
		timetable(on{monToFri, []session{hours(9, 0, 12, 0)}})},
	{"doc-62", "Dr. Neha Kulkarni", "DLO, ENT & Audiology", "dept-ent", 15 * time.Minute,
		timetable(on{[]time.Weekday{time.Wednesday}, []session{hours(16, 0, 19, 0)}}, on{[]time.Weekday{time.Saturday}, []session{hours(10, 0, 13, 0)}})},

	{"doc-71", "Dr. Ashok Chatterjee", "DM, Cardiology", "dept-cardio", 20 * time.Minute,
		timetable(on{monWedFr, []session{hours(10, 0, 13, 0)}})},
	{"doc-72", "Dr. Lakshmi Narayanan", "DM, Interventional Cardiology", "dept-cardio", 20 * time.Minute,
		timetable(on{[]time.Weekday{time.Tuesday, time.Thursday}, []session{hours(16, 0, 19, 0)}}, on{[]time.Weekday{time.Saturday}, []session{hours(10, 0, 12, 0)}})},
}

// findDepartment looks a department up by id.
func findDepartment(id string) (department, bool) {
	for _, d := range departments {
		if d.id == id {
			return d, true
		}
	}
	return department{}, false
}

// findDoctor looks a doctor up by id.
func findDoctor(id string) (doctor, bool) {
	for _, d := range doctors {
		if d.id == id {
			return d, true
		}
	}
	return doctor{}, false
}

// departmentName names a department for texts; unknown ids give "".
func departmentName(id string) string {
	d, _ := findDepartment(id)
	return d.name
}
