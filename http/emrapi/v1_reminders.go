package emrapi

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
)

// The page size of GET /v1/reminders: the scheduler's.
const (
	defaultListLimit = reminder.DefaultPage
	maxListLimit     = reminder.MaxPage
)

// reminderStates are the states a listing can filter on.
var reminderStates = []string{"scheduled", "fired", "cancelled"}

// scheduler is the configured Scheduler, or a 503 when the process has
// none.
func (a *API) scheduler() (reminder.Scheduler, error) {
	if a.opts.Reminders == nil {
		return nil, unavailable("reminders are not available", errors.New("no reminder scheduler wired"))
	}
	return a.opts.Reminders, nil
}

// scheduleReminder is POST /v1/reminders.
func (a *API) scheduleReminder(ctx context.Context, call *v1Call) (int, any, error) {
	s, err := a.scheduler()
	if err != nil {
		return 0, nil, err
	}
	var req reminderSpecJSON
	if err := decodeJSON(call.body, &req); err != nil {
		return 0, nil, err
	}
	spec, err := req.spec(call.hospital)
	if err != nil {
		return 0, nil, err
	}
	v, err := s.Schedule(ctx, call.hospital, spec)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, reminderOut(v), nil
}

// listReminders is GET /v1/reminders?phone=&state=&cursor=&limit=.
func (a *API) listReminders(ctx context.Context, call *v1Call) (int, any, error) {
	s, err := a.scheduler()
	if err != nil {
		return 0, nil, err
	}
	q := reminder.Query{Limit: defaultListLimit}
	query := call.gin.Request.URL.Query()
	for name, vals := range query {
		switch {
		case name != "phone" && name != "state" && name != "cursor" && name != "limit":
			return 0, nil, fail(http.StatusBadRequest, "unknown_parameter", name, "unknown query parameter %q", name)
		case len(vals) > 1:
			return 0, nil, fail(http.StatusBadRequest, "invalid_parameter", name, "query parameter %q is given more than once", name)
		}
	}
	if p := query.Get("phone"); query.Has("phone") {
		if q.Phone, err = phoneField("phone", p, call.hospital.CountryCode); err != nil {
			return 0, nil, err
		}
	}
	if q.State = query.Get("state"); query.Has("state") && !slices.Contains(reminderStates, q.State) {
		return 0, nil, fail(http.StatusBadRequest, reminder.CodeInvalidState, "state", "state must be scheduled, fired or cancelled")
	}
	q.Cursor = query.Get("cursor")
	if l := query.Get("limit"); query.Has("limit") {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxListLimit {
			return 0, nil, fail(http.StatusBadRequest, reminder.CodeInvalidLimit, "limit", "limit must be a whole number from 1 to %d", maxListLimit)
		}
		q.Limit = n
	}
	views, next, err := s.List(ctx, call.hospital, q)
	if err != nil {
		return 0, nil, err
	}
	out := reminderListJSON{Reminders: make([]reminderJSON, 0, len(views))}
	for _, v := range views {
		out.Reminders = append(out.Reminders, reminderOut(v))
	}
	if next != "" {
		out.NextCursor = &next
	}
	return http.StatusOK, out, nil
}

// getReminder is GET /v1/reminders/{id}.
func (a *API) getReminder(ctx context.Context, call *v1Call) (int, any, error) {
	s, err := a.scheduler()
	if err != nil {
		return 0, nil, err
	}
	v, err := s.Get(ctx, call.hospital, call.params["id"])
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, reminderOut(v), nil
}

// updateReminder is PATCH /v1/reminders/{id}.
func (a *API) updateReminder(ctx context.Context, call *v1Call) (int, any, error) {
	s, err := a.scheduler()
	if err != nil {
		return 0, nil, err
	}
	var req reminderPatchJSON
	if err := decodeJSON(call.body, &req); err != nil {
		return 0, nil, err
	}
	p, err := req.patch()
	if err != nil {
		return 0, nil, err
	}
	v, err := s.Update(ctx, call.hospital, call.params["id"], p)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, reminderOut(v), nil
}

// cancelReminder is DELETE /v1/reminders/{id}.
func (a *API) cancelReminder(ctx context.Context, call *v1Call) (int, any, error) {
	s, err := a.scheduler()
	if err != nil {
		return 0, nil, err
	}
	if err := s.Cancel(ctx, call.hospital, call.params["id"]); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
