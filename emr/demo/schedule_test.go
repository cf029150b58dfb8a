package demo

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

var allDepartments = []string{"dept-gm", "dept-paed", "dept-obg", "dept-ortho", "dept-derm", "dept-ent", "dept-cardio"}

func TestDepartmentsDependOnDayAndHour(t *testing.T) {
	tests := []struct {
		name   string
		now    time.Time
		offset int
		want   []string
	}{
		{"tuesday morning, today", tuesday0930, 0, allDepartments},
		{"sunday has only two OPDs", tuesday0930, 5, []string{"dept-gm", "dept-paed"}},
		{"tuesday 18:00, only evening OPDs left", tuesday0930.Add(8*time.Hour + 30*time.Minute), 0,
			[]string{"dept-gm", "dept-obg", "dept-cardio"}},
		{"tuesday 20:00, every OPD is over", tuesday0930.Add(10*time.Hour + 30*time.Minute), 0, []string{}},
		{"tuesday 20:00, tomorrow is open", tuesday0930.Add(10*time.Hour + 30*time.Minute), 1, allDepartments},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newAt(t, tt.now)
			got, err := e.Departments(context.Background(), dayFrom(tt.now, tt.offset))
			require.NoError(t, err)
			assert.Equal(t, tt.want, deptIDs(got))
		})
	}
}

func TestDepartmentNamesAreShown(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	got, err := e.Departments(context.Background(), dayFrom(tuesday0930, 0))
	require.NoError(t, err)
	require.NotEmpty(t, got)
	assert.Equal(t, emr.Department{ID: "dept-gm", Name: "General Medicine"}, got[0])
	assert.Equal(t, "Obstetrics & Gynaecology", got[2].Name)
}

func TestDoctorsDependOnDay(t *testing.T) {
	tests := []struct {
		name   string
		dept   string
		offset int // from Tuesday
		want   []string
	}{
		{"general medicine tuesday", "dept-gm", 0, []string{"doc-11", "doc-12", "doc-13"}},
		{"general medicine wednesday", "dept-gm", 1, []string{"doc-11", "doc-12"}},
		{"general medicine sunday", "dept-gm", 5, []string{"doc-12"}},
		{"orthopaedics tuesday", "dept-ortho", 0, []string{"doc-42"}},
		{"orthopaedics wednesday", "dept-ortho", 1, []string{"doc-41"}},
		{"cardiology sunday", "dept-cardio", 5, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newAt(t, tuesday0930)
			got, err := e.Doctors(context.Background(), tt.dept, dayFrom(tuesday0930, tt.offset))
			require.NoError(t, err)
			assert.Equal(t, tt.want, docIDs(got))
		})
	}
}

func TestDoctorShowsNameAndSpeciality(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	got, err := e.Doctors(context.Background(), "dept-cardio", dayFrom(tuesday0930, 1))
	require.NoError(t, err)
	assert.Equal(t, []emr.Doctor{{ID: "doc-71", Name: "Dr. Ashok Chatterjee", Speciality: "DM, Cardiology"}}, got)
}

func TestDoctorsOfUnknownDepartmentAreRefused(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	_, err := e.Doctors(context.Background(), "dept-nope", dayFrom(tuesday0930, 0))
	requireKind(t, err, OpDoctors, emr.Rejected)
	assert.NotEmpty(t, emr.DisplayOf(err))
}

func TestSlotsStartAfterNow(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	today, err := e.Slots(context.Background(), "doc-11", dayFrom(tuesday0930, 0))
	require.NoError(t, err)
	require.Len(t, today, 13, "09:00-13:00 in 15 minutes, less 09:00, 09:15 and 09:30")
	assert.Equal(t, "doc-11-20250107-0945", today[0].ID)
	assert.Equal(t, time.Date(2025, 1, 7, 9, 45, 0, 0, ist), today[0].Start)
	assert.Equal(t, time.Date(2025, 1, 7, 10, 0, 0, 0, ist), today[0].End)
	assert.Equal(t, "doc-11-20250107-1245", today[12].ID)

	tomorrow, err := e.Slots(context.Background(), "doc-11", dayFrom(tuesday0930, 1))
	require.NoError(t, err)
	require.Len(t, tomorrow, 16)
	assert.Equal(t, "doc-11-20250108-0900", tomorrow[0].ID)
}

func TestSlotLengthFollowsDoctor(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	got, err := e.Slots(context.Background(), "doc-13", dayFrom(tuesday0930, 0))
	require.NoError(t, err)
	require.Len(t, got, 12, "10:00-14:00 in 20 minutes")
	assert.Equal(t, 20*time.Minute, got[0].End.Sub(got[0].Start))
	assert.Equal(t, "doc-13-20250107-1340", got[11].ID)
}

func TestSlotsOfDoctorOffThatDayAreEmpty(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	got, err := e.Slots(context.Background(), "doc-41", dayFrom(tuesday0930, 0))
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestSlotsOfUnknownDoctorAreRefused(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	_, err := e.Slots(context.Background(), "doc-99", dayFrom(tuesday0930, 0))
	requireKind(t, err, OpSlots, emr.Rejected)
}

func TestListsAreDeterministic(t *testing.T) {
	a, _ := newAt(t, tuesday0930)
	b, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	for offset := range 3 {
		day := dayFrom(tuesday0930, offset)
		da, err := a.Departments(ctx, day)
		require.NoError(t, err)
		db, err := b.Departments(ctx, day)
		require.NoError(t, err)
		require.Equal(t, da, db)
		for _, d := range da {
			xa, err := a.Doctors(ctx, d.ID, day)
			require.NoError(t, err)
			xb, err := b.Doctors(ctx, d.ID, day)
			require.NoError(t, err)
			require.Equal(t, xa, xb)
			for _, doc := range xa {
				sa, err := a.Slots(ctx, doc.ID, day)
				require.NoError(t, err)
				sb, err := b.Slots(ctx, doc.ID, day)
				require.NoError(t, err)
				require.Equal(t, sa, sb)
				require.NotEmpty(t, sa, "a listed doctor has a free slot")
			}
		}
	}
}

func TestDayOutsideWindowIsRefused(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	for _, day := range []emr.Day{
		{Offset: -1},
		{Offset: BookingWindowDays},
		{Date: midnight(tuesday0930, ist).AddDate(0, 0, -1)},
	} {
		_, err := e.Departments(context.Background(), day)
		requireKind(t, err, OpDepartments, emr.Rejected)
	}
}

func TestDayDateWinsOverOffset(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	sunday := emr.Day{Offset: 0, Date: time.Date(2025, 1, 12, 0, 0, 0, 0, ist)}
	got, err := e.Departments(context.Background(), sunday)
	require.NoError(t, err)
	assert.Equal(t, []string{"dept-gm", "dept-paed"}, deptIDs(got))
}

func TestFullyBookedDoctorIsNotOffered(t *testing.T) {
	saturday := time.Date(2025, 1, 11, 8, 0, 0, 0, ist)
	e, _ := newAt(t, saturday)
	ctx := context.Background()
	day := dayFrom(saturday, 0)
	slots, err := e.Slots(ctx, "doc-62", day)
	require.NoError(t, err)
	require.Len(t, slots, 12)
	for _, s := range slots {
		_, err := e.Book(ctx, emr.BookingRequest{Patient: asha, Visit: emr.InPerson, Day: day,
			DepartmentID: "dept-ent", DoctorID: "doc-62", SlotID: s.ID})
		require.NoError(t, err)
	}
	docs, err := e.Doctors(ctx, "dept-ent", day)
	require.NoError(t, err)
	assert.Empty(t, docs)
	depts, err := e.Departments(ctx, day)
	require.NoError(t, err)
	assert.NotContains(t, deptIDs(depts), "dept-ent")
}
