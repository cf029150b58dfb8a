package emrapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/http/emrapi/v1test"
)

// badCase is a request the API must refuse with exactly this status, code
// and field, changing nothing. docRefuses says whether the document's
// schemas refuse it too (else only the server can tell: a number that is
// no number, a template the hospital lacks, ...).
type badCase struct {
	name        string
	r           v1test.Request
	status      int
	code, field string
	docRefuses  bool
}

// TestV1BadInput runs every kind of bad request against every route that
// reads one, through the document-checking client.
func TestV1BadInput(t *testing.T) {
	msg := `{"to":"` + testNational + `","body":"hello"}`
	future := "2026-12-01T09:30:00+05:30"
	manyVars := map[string]string{}
	for i := range 21 {
		manyVars[fmt.Sprintf("v%d", i)] = "x"
	}
	post := func(path string, body any, header ...string) v1test.Request {
		return req(http.MethodPost, path, body, header...)
	}
	cases := []badCase{
		{"no key", post("/v1/messages", msg, "Authorization", ""), 401, "missing_api_key", "", true},
		{"not a bearer key", post("/v1/messages", msg, "Authorization", "Basic "+testKey), 401, "missing_api_key", "", true},
		{"wrong key", post("/v1/messages", msg, "Authorization", "Bearer not-a-key"), 401, "invalid_api_key", "", false},
		{"inactive hospital's key", post("/v1/messages", msg, "Authorization", "Bearer "+closedKey), 403, "hospital_inactive", "", false},
		{"malformed JSON", post("/v1/messages", `{"to":"`+testNational), 400, "malformed_json", "", true},
		{"JSON array", post("/v1/messages", `[`+msg+`]`), 400, "malformed_json", "", true},
		{"two objects", post("/v1/messages", msg+msg), 400, "malformed_json", "", false},
		{"empty body", post("/v1/messages", ""), 400, "malformed_json", "", true},
		{"JSON null", post("/v1/messages", "null"), 400, "malformed_json", "", true},
		{"unknown field", post("/v1/messages", `{"to":"`+testNational+`","body":"hi","phone_number":"1"}`), 400, "unknown_field", "phone_number", true},
		{"number for a string", post("/v1/messages", `{"to":9811100001,"body":"hi"}`), 400, "invalid_type", "to", true},
		{"array for a string", post("/v1/messages", `{"to":"`+testNational+`","body":["hi"]}`), 400, "invalid_type", "body", true},
		{"missing to", post("/v1/messages", `{"body":"hi"}`), 400, "required", "to", true},
		{"blank body", post("/v1/messages", `{"to":"`+testNational+`","body":"   "}`), 400, "required", "body", false},
		{"words for a phone", post("/v1/messages", `{"to":"call me","body":"hi"}`), 400, "invalid_phone", "to", true},
		{"impossible phone", post("/v1/messages", `{"to":"+0123456789","body":"hi"}`), 400, "invalid_phone", "to", false},
		{"body too long", post("/v1/messages", map[string]string{"to": testNational, "body": strings.Repeat("a", 4097)}), 400, "too_long", "body", true},
		{"media not a URL", post("/v1/messages", `{"to":"`+testNational+`","body":"hi","media_url":"report.pdf"}`), 400, "invalid_url", "media_url", true},
		{"media not http", post("/v1/messages", `{"to":"`+testNational+`","body":"hi","media_url":"ftp://emr.example.org/r.pdf"}`), 400, "invalid_url", "media_url", false},
		{"unknown template", post("/v1/messages", `{"to":"`+testNational+`","body":"hi","template":"nope"}`), 400, "unknown_template", "template", false},
		{"too many variables", post("/v1/messages", map[string]any{"to": testNational, "body": "hi", "variables": manyVars}), 400, "invalid_variables", "variables", true},
		{"bad variable name", post("/v1/messages", map[string]any{"to": testNational, "body": "hi", "variables": map[string]string{"Bad-Name": "x"}}), 400, "invalid_variables", "variables", false},
		{"100 KiB body", post("/v1/messages", map[string]string{"to": testNational, "body": strings.Repeat("a", 100<<10)}), 413, "body_too_large", "", true},
		{"text body", post("/v1/messages", msg, "Content-Type", "text/plain"), 415, "unsupported_media_type", "", true},
		{"form body", post("/v1/messages", "to=1&body=hi", "Content-Type", "application/x-www-form-urlencoded"), 415, "unsupported_media_type", "", true},
		{"no content type", post("/v1/messages", msg, "Content-Type", ""), 415, "unsupported_media_type", "", true},
		{"idempotency key too long", post("/v1/messages", msg, "Idempotency-Key", strings.Repeat("k", 256)), 400, "invalid_idempotency_key", "Idempotency-Key", true},
		{"idempotency key not ASCII", post("/v1/messages", msg, "Idempotency-Key", "clé-1"), 400, "invalid_idempotency_key", "Idempotency-Key", true},

		{"reminder: unknown field", post("/v1/reminders", `{"kind":"follow_up","phone":"`+testNational+`","at":"`+future+`","when":"soon"}`), 400, "unknown_field", "when", true},
		{"reminder: number variable", post("/v1/reminders", `{"kind":"follow_up","phone":"`+testNational+`","at":"`+future+`","variables":{"doctor":1}}`), 400, "invalid_type", "variables", true},
		{"reminder: time not RFC 3339", post("/v1/reminders", `{"kind":"follow_up","phone":"`+testNational+`","at":"tomorrow 9am"}`), 400, "invalid_time", "at", true},
		{"reminder: time without zone", post("/v1/reminders", `{"kind":"follow_up","phone":"`+testNational+`","at":"2026-12-01T09:30:00"}`), 400, "invalid_time", "at", true},
		{"reminder: offset in words", post("/v1/reminders", `{"kind":"appointment","phone":"`+testNational+`","appointment":{"id":"A1","start":"`+future+`","offsets":["24h","2 hours"]}}`), 400, "invalid_offset", "appointment.offsets[1]", true},
		{"reminder: negative offset", post("/v1/reminders", `{"kind":"appointment","phone":"`+testNational+`","appointment":{"id":"A1","start":"`+future+`","offsets":["-2h"]}}`), 400, "invalid_offset", "appointment.offsets[0]", true},
		{"reminder: no start", post("/v1/reminders", `{"kind":"appointment","phone":"`+testNational+`","appointment":{"id":"A1","offsets":["2h"]}}`), 400, "required", "appointment.start", true},
		{"reminder: days as text", post("/v1/reminders", `{"kind":"medicine","phone":"`+testNational+`","medicine":{"name":"A","times":["08:00"],"days":"5"}}`), 400, "invalid_type", "medicine.days", true},
		{"reminder: bad phone", post("/v1/reminders", `{"kind":"follow_up","phone":"nobody","at":"`+future+`"}`), 400, "invalid_phone", "phone", true},
		{"reminder: no phone", post("/v1/reminders", `{"kind":"follow_up","at":"`+future+`"}`), 400, "required", "phone", true},

		{"list: limit 0", req(http.MethodGet, "/v1/reminders?limit=0", nil), 400, reminder.CodeInvalidLimit, "limit", true},
		{"list: limit 201", req(http.MethodGet, "/v1/reminders?limit=201", nil), 400, reminder.CodeInvalidLimit, "limit", true},
		{"list: limit in words", req(http.MethodGet, "/v1/reminders?limit=ten", nil), 400, reminder.CodeInvalidLimit, "limit", true},
		{"list: unknown state", req(http.MethodGet, "/v1/reminders?state=done", nil), 400, reminder.CodeInvalidState, "state", true},
		{"list: bad phone", req(http.MethodGet, "/v1/reminders?phone=abc", nil), 400, "invalid_phone", "phone", true},
		{"list: unknown parameter", req(http.MethodGet, "/v1/reminders?status=fired", nil), 400, "unknown_parameter", "status", false},
		{"list: repeated parameter", req(http.MethodGet, "/v1/reminders?state=fired&state=cancelled", nil), 400, "invalid_parameter", "state", false},
		{"list: no key", req(http.MethodGet, "/v1/reminders", nil, "Authorization", ""), 401, "missing_api_key", "", true},

		{"patch: nothing", req(http.MethodPatch, "/v1/reminders/r1", `{}`), 400, "empty_patch", "", true},
		{"patch: kind", req(http.MethodPatch, "/v1/reminders/r1", `{"kind":"medicine"}`), 400, "unknown_field", "kind", true},
		{"patch: bad time", req(http.MethodPatch, "/v1/reminders/r1", `{"at":"noon"}`), 400, "invalid_time", "at", true},
		{"patch: malformed", req(http.MethodPatch, "/v1/reminders/r1", `{"at":`), 400, "malformed_json", "", true},
		{"patch: text body", req(http.MethodPatch, "/v1/reminders/r1", `{"at":"`+future+`"}`, "Content-Type", "text/plain"), 415, "unsupported_media_type", "", true},
		{"delete: wrong key", req(http.MethodDelete, "/v1/reminders/r1", nil, "Authorization", "Bearer nope"), 401, "invalid_api_key", "", false},
		{"delete: other hospital's reminder", req(http.MethodDelete, "/v1/reminders/r1", nil, "Authorization", "Bearer "+otherKey), 404, "not_found", "id", false},
		{"get: unknown reminder", req(http.MethodGet, "/v1/reminders/r404", nil), 404, "not_found", "id", false},

		{"video: no link", post("/v1/appointments/A1/confirm-video", `{"phone":"`+testNational+`","doctor":"Dr. Rao","when":"today 5 PM"}`), 400, "required", "link", true},
		{"video: link not a URL", post("/v1/appointments/A1/confirm-video", `{"phone":"`+testNational+`","doctor":"Dr. Rao","when":"today 5 PM","link":"meet me"}`), 400, "invalid_url", "link", true},
		{"video: doctor too long", post("/v1/appointments/A1/confirm-video", map[string]string{"phone": testNational, "doctor": strings.Repeat("d", 201), "when": "today", "link": "https://meet.example.org/x"}), 400, "too_long", "doctor", true},
		{"video: unknown field", post("/v1/appointments/A1/confirm-video", `{"mobile":"`+testNational+`","doctor":"D","when":"today","link":"https://meet.example.org/x"}`), 400, "unknown_field", "mobile", true},
		{"video: id too long", post("/v1/appointments/"+strings.Repeat("9", 129)+"/confirm-video", `{"phone":"`+testNational+`","doctor":"D","when":"today","link":"https://meet.example.org/x"}`), 400, "too_long", "id", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.sched.views["abc/r1"] = reminder.View{ID: "r1", Kind: "follow_up", State: "scheduled", Spec: reminder.Spec{Kind: "follow_up", Phone: testPhone}}
			res := f.client.Do(c.r)
			assert.Equal(t, c.status, res.Status, "%s", res.Body)
			assert.Equal(t, c.code, res.Error.Code, "%s", res.Body)
			assert.Equal(t, c.field, res.Error.Field, "%s", res.Body)
			assert.NotEmpty(t, res.Error.Message)
			if c.docRefuses {
				assert.Error(t, res.RequestErr, "the document refuses this request too")
			} else {
				assert.NoError(t, res.RequestErr, "only the server can tell this request is wrong")
			}
			f.requireUnchanged(t, c.name)
			assert.NotContains(t, string(res.Body), "9811100001", "errors never repeat the number")
		})
	}
}
