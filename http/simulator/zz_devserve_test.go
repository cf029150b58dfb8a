package simulator

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/emr/demo"
)

func TestDevServe(t *testing.T) {
	if os.Getenv("SIM_DEV") == "" {
		t.Skip()
	}
	sink := NewSink()
	e := gin.New()
	d := demo.New(demo.Options{})
	opts := Options{Sink: sink, Hospitals: testHospitals(), Demo: d, PublicURL: "http://127.0.0.1:18099",
		Confirm: func(ctx context.Context, code string, v demo.VideoConfirmation) error {
			_, err := sink.Send(ctx, outbound.Message{To: v.Mobile, From: "whatsapp:+14155238886", Body: "Paid: " + v.Link})
			return err
		},
		Submit: func(ctx context.Context, f url.Values) (int, error) {
			to := strings.TrimPrefix(f.Get("From"), "whatsapp:")
			body := "You said: _" + f.Get("Body") + "_ see https://example.org/x"
			var media []string
			if f.Get("NumMedia") == "1" {
				body += " and sent " + f.Get("MediaContentType0")
				media = []string{f.Get("MediaUrl0")}
			}
			if f.Get("Body") == "fail" {
				return 503, nil
			}
			sink.Send(ctx, outbound.Message{To: to, From: f.Get("To"), Body: "*Reply*\n" + body, Media: media})
			sink.Send(ctx, outbound.Message{To: to, From: f.Get("To"), Body: "record", Media: []string{"http://127.0.0.1:18099/demo/records/x.pdf"}})
			return 200, nil
		}}
	for _, r := range Routes(opts) {
		e.Handle(r.Method, r.Path, r.Handler)
	}
	http.ListenAndServe("127.0.0.1:18099", e)
}
