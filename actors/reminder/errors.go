package reminder

import "fmt"

// The stable codes of *Error. API clients branch on them; messages may
// change wording.
const (
	CodeInvalidKind     = "invalid_kind"         // kind is not one of the four
	CodeInvalidPhone    = "invalid_phone"        // not E.164 nor a national number
	CodeInvalidSchedule = "invalid_schedule"     // not exactly one of at, appointment, medicine; or a schedule the kind cannot have
	CodeRequired        = "required"             // a field the schedule needs is missing
	CodeTooLong         = "too_long"             // a text field is longer than allowed
	CodeTimeInPast      = "time_in_past"         // a time (or every time of a schedule) has passed
	CodeTooFar          = "too_far"              // a time more than MaxAhead away
	CodeInvalidOffset   = "invalid_offset"       // appointment offsets: count, range or repeats
	CodeInvalidTime     = "invalid_time"         // medicine times: format, count or repeats
	CodeInQuietHours    = "in_quiet_hours"       // a medicine time inside the hospital's quiet hours
	CodeInvalidDays     = "invalid_days"         // medicine days outside 1..90
	CodeInvalidDate     = "invalid_date"         // medicine from is not YYYY-MM-DD
	CodeInvalidCallback = "invalid_callback_url" // not an absolute http(s) URL
	CodeInvalidVars     = "invalid_variables"    // too many, a bad key or a value too long
	CodeInvalidState    = "invalid_state"        // list filter is not scheduled, fired or cancelled
	CodeInvalidLimit    = "invalid_limit"        // list limit outside 0..MaxPage
	CodeInvalidCursor   = "invalid_cursor"       // a cursor this API did not hand out
	CodeNotFound        = "not_found"            // no such reminder at this hospital
	CodeAlreadyFired    = "already_fired"        // the reminder has fired: nothing left to change
	CodeCancelled       = "cancelled"            // the reminder was cancelled: nothing left to change
	// CodeCallbackSecretMissing is a callback URL for a hospital without
	// a callback_secret: its callbacks could not be signed (API: 422).
	CodeCallbackSecretMissing = "callback_secret_missing"
)

// bad is a request error; messages name what is expected, never the
// value given (it may be patient data).
func bad(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}
