package twiliotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// apiError is Twilio's JSON error body.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	Detail   string `json:"detail,omitempty"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// messageResource is Twilio's Message resource as answered on create.
type messageResource struct {
	AccountSID          string            `json:"account_sid"`
	APIVersion          string            `json:"api_version"`
	Body                string            `json:"body"`
	DateCreated         string            `json:"date_created"`
	DateSent            *string           `json:"date_sent"`
	DateUpdated         string            `json:"date_updated"`
	Direction           string            `json:"direction"`
	ErrorCode           *int              `json:"error_code"`
	ErrorMessage        *string           `json:"error_message"`
	From                string            `json:"from"`
	MessagingServiceSID *string           `json:"messaging_service_sid"`
	NumMedia            string            `json:"num_media"`
	NumSegments         string            `json:"num_segments"`
	Price               *string           `json:"price"`
	PriceUnit           string            `json:"price_unit"`
	SID                 string            `json:"sid"`
	Status              string            `json:"status"`
	SubresourceURIs     map[string]string `json:"subresource_uris"`
	To                  string            `json:"to"`
	URI                 string            `json:"uri"`
}

// newResource builds the answer for an accepted message.
func newResource(accountSID string, m Sent) messageResource {
	date := m.Time.UTC().Format(time.RFC1123Z)
	uri := fmt.Sprintf("/2010-04-01/Accounts/%s/Messages/%s", accountSID, m.SID)
	return messageResource{
		AccountSID:      accountSID,
		APIVersion:      "2010-04-01",
		Body:            m.Body,
		DateCreated:     date,
		DateUpdated:     date,
		Direction:       "outbound-api",
		From:            m.From,
		NumMedia:        strconv.Itoa(len(m.MediaURLs)),
		NumSegments:     "1",
		PriceUnit:       "USD",
		SID:             m.SID,
		Status:          "queued",
		SubresourceURIs: map[string]string{"media": uri + "/Media.json"},
		To:              m.To,
		URI:             uri + ".json",
	}
}

// writeError sends Twilio's JSON error shape.
func writeError(w http.ResponseWriter, e apiError) {
	if e.MoreInfo == "" {
		e.MoreInfo = fmt.Sprintf("https://www.twilio.com/docs/errors/%d", e.Code)
	}
	writeJSON(w, e.Status, e)
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
