package emrapi

import (
	"context"
	"net/http"
)

// confirmVideoRequest is the body of POST
// /v1/appointments/{id}/confirm-video.
type confirmVideoRequest struct {
	Phone  string `json:"phone"`
	Doctor string `json:"doctor"`
	When   string `json:"when"`
	Link   string `json:"link"`
}

// confirmVideoResponse answers it.
type confirmVideoResponse struct {
	AppointmentID string `json:"appointment_id"`
	Status        string `json:"status"`
}

// confirmVideoAppointment is POST /v1/appointments/{id}/confirm-video: the
// native twin of /api/confirmvideoappt, through the same confirmVideo.
func (a *API) confirmVideoAppointment(ctx context.Context, call *v1Call) (int, any, error) {
	var req confirmVideoRequest
	if err := decodeJSON(call.body, &req); err != nil {
		return 0, nil, err
	}
	id := call.params["id"]
	if err := atMost("id", id, 128); err != nil {
		return 0, nil, err
	}
	phone, err := phoneField("phone", req.Phone, call.hospital.CountryCode)
	if err != nil {
		return 0, nil, err
	}
	for _, f := range []struct{ name, v string }{{"doctor", req.Doctor}, {"when", req.When}, {"link", req.Link}} {
		if err := need(f.name, f.v); err != nil {
			return 0, nil, err
		}
	}
	if err := atMost("doctor", req.Doctor, 200); err != nil {
		return 0, nil, err
	}
	if err := atMost("when", req.When, 200); err != nil {
		return 0, nil, err
	}
	if err := urlField("link", req.Link); err != nil {
		return 0, nil, err
	}
	err = a.confirmVideo(ctx, call.hospital, videoConfirmation{phone: phone, appointmentID: id, doctor: req.Doctor, when: req.When, link: req.Link})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, confirmVideoResponse{AppointmentID: id, Status: "accepted"}, nil
}
